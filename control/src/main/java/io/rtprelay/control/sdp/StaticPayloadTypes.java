package io.rtprelay.control.sdp;

/**
 * The static RTP payload types (RFC 3551 §6) as rtpengine 10.5 names them in the {@code a=rtpmap} lines it adds
 * for formats that came without one. rtpengine's table differs from RFC 3551 in one place, which we follow: type 10
 * is written {@code L16/44100} and type 11 {@code L16/44100/2}. Immutable.
 */
final class StaticPayloadTypes {
    private static final String[] NAMES = new String[35];

    static {
        NAMES[0] = "PCMU/8000";
        NAMES[3] = "GSM/8000";
        NAMES[4] = "G723/8000";
        NAMES[5] = "DVI4/8000";
        NAMES[6] = "DVI4/16000";
        NAMES[7] = "LPC/8000";
        NAMES[8] = "PCMA/8000";
        NAMES[9] = "G722/8000";
        NAMES[10] = "L16/44100";
        NAMES[11] = "L16/44100/2";
        NAMES[12] = "QCELP/8000";
        NAMES[13] = "CN/8000";
        NAMES[14] = "MPA/90000";
        NAMES[15] = "G728/8000";
        NAMES[16] = "DVI4/11025";
        NAMES[17] = "DVI4/22050";
        NAMES[18] = "G729/8000";
        NAMES[25] = "CelB/90000";
        NAMES[26] = "JPEG/90000";
        NAMES[28] = "nv/90000";
        NAMES[31] = "H261/90000";
        NAMES[32] = "MPV/90000";
        NAMES[33] = "MP2T/90000";
        NAMES[34] = "H263/90000";
    }

    private StaticPayloadTypes() {
    }

    /**
     * @param format a format of an m= line.
     * @return {@code encoding/clock[/channels]} for a static payload type, or null when the format is not one
     *     rtpengine knows.
     */
    static String rtpmap(final String format) {
        if (format.isEmpty() || format.length() > 2) {
            return null;
        }
        int pt = 0;
        for (int i = 0; i < format.length(); i++) {
            final char c = format.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            pt = pt * 10 + (c - '0');
        }
        return pt < NAMES.length ? NAMES[pt] : null;
    }
}
