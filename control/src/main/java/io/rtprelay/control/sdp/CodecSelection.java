package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which formats of an RTP media section the relay hands on, as rtpengine 10.5 chooses them when it does not
 * transcode (checked against the daemon, see README "Codecs"):
 * <ul>
 *   <li>{@code strip}/{@code mask} take codecs out, by name or {@code name/clock[/channels]}; {@code all} takes out
 *       every codec that {@code except} does not name (a named strip wins over {@code except});</li>
 *   <li>{@code offer} (and {@code transcode}) bring removed codecs back in the list's order, a regular codec just
 *       before the first supplementary one left (telephone-event, CN, red), a supplementary one at the end;</li>
 *   <li>a supplementary codec goes when the last regular codec of its clock rate went;</li>
 *   <li>when that would leave no regular codec, nothing is taken out (rtpengine keeps everything when nothing at
 *       all would be left, and writes an m= line without formats when only supplementary ones would be: we keep
 *       everything then too, README "Where we differ");</li>
 *   <li>an answer keeps only the payload types the answerer was offered, unless none of them is left.</li>
 * </ul>
 * Stateless; any thread.
 */
public final class CodecSelection {
    private static final String ALL = "all";

    private CodecSelection() {
    }

    /**
     * @param m     an RTP media section as its sender wrote it.
     * @param flags the request's codec manipulations.
     * @return the formats to write, in order.
     */
    public static List<String> offer(final MediaDescription m, final CodecFlags flags) {
        return apply(m, m.formats(), flags);
    }

    /**
     * @param m         an RTP media section of an answer as the answerer wrote it.
     * @param offered   the formats the answerer was offered in this section, or null when unknown.
     * @param flags     the answer request's codec manipulations.
     * @return the formats to write back to the offerer, in the answerer's order.
     */
    public static List<String> answer(final MediaDescription m, final List<String> offered, final CodecFlags flags) {
        List<String> formats = m.formats();
        if (offered != null) {
            final List<String> common = new ArrayList<>(formats.size());
            for (final String format : formats) {
                if (offered.contains(format)) {
                    common.add(format);
                }
            }
            if (!common.isEmpty()) {
                formats = common;
            }
        }
        formats = apply(m, formats, flags);
        return flags.singleCodec() ? single(m, formats) : formats;
    }

    private static List<String> apply(final MediaDescription m, final List<String> formats, final CodecFlags flags) {
        if (!flags.removesCodecs()) {
            return formats;
        }
        final List<Codec> all = new ArrayList<>(formats.size());
        for (final String format : formats) {
            all.add(Codec.of(m, format));
        }
        final boolean removeAll = flags.strip().contains(ALL) || flags.mask().contains(ALL);
        final boolean[] removed = new boolean[all.size()];
        boolean any = false;
        for (int i = 0; i < all.size(); i++) {
            final Codec c = all.get(i);
            removed[i] = matchesAny(flags.strip(), c) || matchesAny(flags.mask(), c)
                || removeAll && !matchesAny(flags.except(), c);
            any |= removed[i];
        }
        if (!any) {
            return formats;
        }
        final List<Codec> kept = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            if (!removed[i]) {
                kept.add(all.get(i));
            }
        }
        for (final String spec : flags.offer()) {
            for (int i = 0; i < all.size(); i++) {
                if (removed[i] && matches(spec, all.get(i))) {
                    removed[i] = false;
                    bringBack(kept, all.get(i));
                }
            }
        }
        final Set<String> ratesBefore = regularRates(all);
        final Set<String> ratesAfter = regularRates(kept);
        kept.removeIf(c -> c.supplementary && ratesBefore.contains(c.clock) && !ratesAfter.contains(c.clock));
        if (ratesAfter.isEmpty()) {
            return formats;
        }
        final List<String> out = new ArrayList<>(kept.size());
        for (final Codec c : kept) {
            out.add(c.format);
        }
        return out;
    }

    private static void bringBack(final List<Codec> kept, final Codec c) {
        if (!c.supplementary) {
            for (int i = 0; i < kept.size(); i++) {
                if (kept.get(i).supplementary) {
                    kept.add(i, c);
                    return;
                }
            }
        }
        kept.add(c);
    }

    /**
     * {@code single-codec}: the first regular codec and every supplementary one (rtpengine keeps a
     * telephone-event/8000 next to an opus answer too).
     */
    private static List<String> single(final MediaDescription m, final List<String> formats) {
        final List<String> out = new ArrayList<>(formats.size());
        boolean first = true;
        for (final String format : formats) {
            final Codec c = Codec.of(m, format);
            if (c.supplementary || first) {
                out.add(format);
                first &= c.supplementary;
            }
        }
        return out;
    }

    private static Set<String> regularRates(final List<Codec> codecs) {
        final Set<String> rates = new HashSet<>();
        for (final Codec c : codecs) {
            if (!c.supplementary) {
                rates.add(c.clock);
            }
        }
        return rates;
    }

    private static boolean matchesAny(final List<String> specs, final Codec c) {
        for (final String spec : specs) {
            if (matches(spec, c)) {
                return true;
            }
        }
        return false;
    }

    /** A spec names a codec by encoding name; with a clock rate also the rate, and then the channels (default 1). */
    private static boolean matches(final String spec, final Codec c) {
        if (ALL.equals(spec) || c.name.isEmpty()) {
            return false;
        }
        final String[] f = spec.split("/", -1);
        if (!f[0].equalsIgnoreCase(c.name)) {
            return false;
        }
        if (f.length == 1) {
            return true;
        }
        return f[1].equals(c.clock) && (f.length > 2 ? f[2] : "1").equals(c.channels);
    }

    /** One format with what its {@code a=rtpmap} (or the static table, RFC 3551 §6) says about it. */
    private record Codec(String format, String name, String clock, String channels, boolean supplementary) {
        static Codec of(final MediaDescription m, final String format) {
            String rtpmap = null;
            for (final SdpLine line : m.lines()) {
                if (line.isAttribute("rtpmap")) {
                    final String value = line.attributeValue();
                    if (value != null && value.length() > format.length() && value.startsWith(format)
                        && value.charAt(format.length()) == ' ') {
                        rtpmap = value.substring(format.length() + 1).strip();
                    }
                }
            }
            if (rtpmap == null) {
                rtpmap = StaticPayloadTypes.rtpmap(format);
            }
            if (rtpmap == null) {
                return new Codec(format, "", "", "", false);
            }
            final String[] f = rtpmap.split("/", -1);
            final String name = f[0];
            final String clock = f.length > 1 ? f[1] : "";
            final String channels = f.length > 2 ? f[2] : "1";
            final String lower = name.toLowerCase(Locale.ROOT);
            final boolean supplementary = "telephone-event".equals(lower) || "cn".equals(lower)
                || "red".equals(lower);
            return new Codec(format, name, clock, channels, supplementary);
        }
    }
}
