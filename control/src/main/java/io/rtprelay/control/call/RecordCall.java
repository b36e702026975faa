package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;

/**
 * The recording keys of an offer or answer, read before the call is touched: {@code record call} ({@code yes} or
 * {@code on} start recording; {@code no}, {@code off} and anything else change nothing, as in rtpengine 10.5), the
 * {@code record-call} flag, and the {@code metadata} string for the recording's metadata file.
 *
 * @param start    whether recording starts (if the call is not recorded yet).
 * @param metadata the {@code metadata} string, or null.
 */
record RecordCall(boolean start, String metadata) {
    static RecordCall of(final NgRequest request) throws NgException {
        final String recordCall = request.string("record call");
        final boolean start = "yes".equals(recordCall) || "on".equals(recordCall) || request.flag("record-call");
        return new RecordCall(start, request.string("metadata"));
    }
}
