package io.rtprelay.control.sdp;

import java.util.List;

/**
 * The codec manipulations of one ng request, as rtpengine 10.5 reads them without transcoding: the {@code codec}
 * dictionary's lists and their flat flag forms ({@code codec-strip-PCMA}), {@code ptime}, {@code ptime-reverse} and
 * the {@code single-codec} flag. Each list entry is a codec spec: {@code all}, an encoding name
 * ({@code PCMA}, case-insensitive), or {@code name/clock[/channels]}. Immutable.
 *
 * @param strip        {@code codec: strip}: codecs taken out of the SDP.
 * @param mask         {@code codec: mask} and {@code codec: consume}: taken out too (they differ from strip only
 *                     in what a transcoding build accepts from the offerer).
 * @param except       {@code codec: except}: exempt from {@code strip}/{@code mask: [all]}, in their own order.
 * @param offer        {@code codec: offer} and {@code codec: transcode}: a removed codec listed here comes back,
 *                     in this list's order; a codec the SDP did not have is not added (that would need
 *                     transcoding).
 * @param singleCodec  flag {@code single-codec} (answer): only the first regular codec and the supplementary
 *                     ones are answered.
 * @param ptime        {@code ptime}: the {@code a=ptime} written towards the recipient; 0 for none.
 * @param ptimeReverse {@code ptime-reverse} (offer): the {@code a=ptime} of the answer written back to the
 *                     offerer; 0 for none.
 */
public record CodecFlags(List<String> strip, List<String> mask, List<String> except, List<String> offer,
                         boolean singleCodec, int ptime, int ptimeReverse) {
    private static final CodecFlags NONE = new CodecFlags(List.of(), List.of(), List.of(), List.of(), false, 0, 0);

    /** Copies the lists. */
    public CodecFlags {
        strip = List.copyOf(strip);
        mask = List.copyOf(mask);
        except = List.copyOf(except);
        offer = List.copyOf(offer);
    }

    /** @return no manipulation at all. */
    public static CodecFlags none() {
        return NONE;
    }

    /**
     * @param towardsRecipient the {@code a=ptime} to write towards the recipient of the offer, 0 for none.
     * @param towardsOfferer   the {@code a=ptime} to write into the answer back to the offerer, 0 for none.
     * @return a copy with them as {@link #ptime()} and {@link #ptimeReverse()}.
     */
    public CodecFlags withPtimes(final int towardsRecipient, final int towardsOfferer) {
        return new CodecFlags(strip, mask, except, offer, singleCodec, towardsRecipient, towardsOfferer);
    }

    /** @return true when the request takes codecs out (and may bring some back). */
    public boolean removesCodecs() {
        return !strip.isEmpty() || !mask.isEmpty();
    }
}
