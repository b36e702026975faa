package io.rtprelay.relay.stream;

import java.util.Locale;
import java.util.Objects;

/**
 * What control asked to be done to the RTP a party sends, as rtpengine's {@code block media}, {@code silence media}
 * and {@code block DTMF} do it, and how to tell its packets apart: an immutable value that the control thread builds
 * from the party's SDP and posts to the party's receiving {@link Stream} ({@link StreamProxy#mediaControl}); the
 * stream's loop then only reads it.
 *
 * <p>Per payload type (RFC 3550 §5.1, 7 bits): whether it is an RFC 4733 {@code telephone-event}, and the byte of
 * silence that replaces a payload of its codec: G.711 µ-law (PCMU, 0xFF), A-law (PCMA, 0xD5), and G.722 (0xFA), the
 * codecs rtpengine 10.5 silences; a payload of any other codec passes unchanged, as on rtpengine (observed, see
 * MediaControlDifferentialTest). RTCP is never touched (on the RTP port only with rtcp-mux, {@link #rtcpMux()}).
 * Rules, as rtpengine 10.5 applies them:
 * <ul>
 *   <li>a {@code telephone-event} packet is dropped under {@link #BLOCK_DTMF}, else forwarded untouched;</li>
 *   <li>any other RTP packet is dropped under {@link #BLOCK_MEDIA}, else has its payload silenced under
 *       {@link #SILENCE_MEDIA} when its codec has a silence byte.</li>
 * </ul>
 */
public final class MediaControl {
    /** Drop the party's RTP other than telephone-events (rtpengine's {@code block media}). */
    public static final int BLOCK_MEDIA = 1;
    /** Replace the party's G.711/G.722 payloads by silence (rtpengine's {@code silence media}). */
    public static final int SILENCE_MEDIA = 2;
    /** Drop the party's RFC 4733 telephone-event packets (rtpengine's {@code block DTMF}). */
    public static final int BLOCK_DTMF = 4;
    /** Nothing to do: every packet is forwarded as received. */
    public static final MediaControl NONE = new MediaControl(0, new byte[128], 0, 0, false);

    private static final int PAYLOAD_TYPES = 128;

    private final int actions;
    /** Silence byte per payload type; 0 where the codec has none (no silenced codec's silence is 0x00). */
    private final byte[] silence;
    private final long telephoneEventsLow;
    private final long telephoneEventsHigh;
    private final boolean rtcpMux;

    private MediaControl(final int actions, final byte[] silence, final long low, final long high,
        final boolean rtcpMux) {
        this.actions = actions;
        this.silence = silence;
        this.telephoneEventsLow = low;
        this.telephoneEventsHigh = high;
        this.rtcpMux = rtcpMux;
    }

    /** @return a builder of the payload-type table, for {@link #BLOCK_MEDIA} and friends set with it. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the actions asked for, a set of {@link #BLOCK_MEDIA}, {@link #SILENCE_MEDIA}, {@link #BLOCK_DTMF}. */
    public int actions() {
        return actions;
    }

    /**
     * @return whether the party multiplexes RTCP on the RTP port (rtcp-mux negotiated, RFC 5761): then an RTCP
     *     packet there is RTCP, which no action touches; without it, rtpengine treats whatever arrives on the RTP
     *     port as RTP, so {@code block media} drops an RTCP packet sent there too (observed).
     */
    public boolean rtcpMux() {
        return rtcpMux;
    }

    /**
     * @param payloadType an RTP payload type, 0-127.
     * @return whether the party's SDP maps it to {@code telephone-event}.
     */
    public boolean isTelephoneEvent(final int payloadType) {
        return payloadType < 64 ? (telephoneEventsLow >>> payloadType & 1) != 0
            : (telephoneEventsHigh >>> (payloadType - 64) & 1) != 0;
    }

    /**
     * @param payloadType an RTP payload type, 0-127.
     * @return the byte of silence of its codec, or 0 when it has none.
     */
    public byte silence(final int payloadType) {
        return silence[payloadType & 0x7F];
    }

    @Override
    public String toString() {
        return "MediaControl[actions=" + actions + "]";
    }

    /** Builds a {@link MediaControl}: payload types from SDP, then the actions. Control thread. */
    public static final class Builder {
        private final byte[] silence = new byte[PAYLOAD_TYPES];
        private long low;
        private long high;
        private boolean rtcpMux;

        private Builder() {
            // the static assignments of RFC 3551 §6, which hold when no rtpmap says otherwise
            silence[0] = (byte)0xFF;
            silence[8] = (byte)0xD5;
            silence[9] = (byte)0xFA;
        }

        /**
         * Maps a payload type to a codec, as an {@code a=rtpmap} line does (RFC 4566 §6).
         *
         * @param payloadType 0-127; others are ignored.
         * @param encoding    the encoding name, e.g. {@code PCMA}, {@code telephone-event} (case-insensitive).
         * @return this builder.
         */
        public Builder map(final int payloadType, final String encoding) {
            Objects.requireNonNull(encoding, "encoding");
            if (payloadType < 0 || payloadType >= PAYLOAD_TYPES) {
                return this;
            }
            silence[payloadType] = switch (encoding.toUpperCase(Locale.ROOT)) {
                case "PCMU" -> (byte)0xFF;
                case "PCMA" -> (byte)0xD5;
                case "G722" -> (byte)0xFA;
                default -> 0;
            };
            final boolean event = "telephone-event".equalsIgnoreCase(encoding);
            if (payloadType < 64) {
                low = event ? low | 1L << payloadType : low & ~(1L << payloadType);
            } else {
                high = event ? high | 1L << (payloadType - 64) : high & ~(1L << (payloadType - 64));
            }
            return this;
        }

        /**
         * @param mux whether rtcp-mux is negotiated for the party's media (RFC 5761).
         * @return this builder.
         */
        public Builder rtcpMux(final boolean mux) {
            rtcpMux = mux;
            return this;
        }

        /**
         * @param actions a set of {@link #BLOCK_MEDIA}, {@link #SILENCE_MEDIA}, {@link #BLOCK_DTMF}.
         * @return the value, {@link #NONE} when no action is asked for.
         */
        public MediaControl build(final int actions) {
            if (actions == 0) {
                return NONE;
            }
            return new MediaControl(actions, silence.clone(), low, high, rtcpMux);
        }
    }
}
