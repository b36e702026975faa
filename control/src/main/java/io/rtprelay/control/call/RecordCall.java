package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;

/**
 * The recording keys of an offer or answer, read before the call is touched: {@code record call} ({@code yes} or
 * {@code on} start recording, {@code no} or {@code off} stop it before the SDP is logged, anything else changes
 * nothing, as in rtpengine 10.5), the {@code record-call} flag, and the {@code metadata} string for the recording's
 * metadata file.
 *
 * @param start    whether recording starts (if the call is not recorded yet).
 * @param stop     whether recording stops (if the call is recorded).
 * @param metadata the {@code metadata} string, or null.
 */
record RecordCall(boolean start, boolean stop, String metadata) {
    static RecordCall of(final NgRequest request) throws NgException {
        final String recordCall = request.string("record call");
        final boolean start = "yes".equals(recordCall) || "on".equals(recordCall) || request.flag("record-call");
        final boolean stop = !start && ("no".equals(recordCall) || "off".equals(recordCall));
        return new RecordCall(start, stop, request.string("metadata"));
    }
}
