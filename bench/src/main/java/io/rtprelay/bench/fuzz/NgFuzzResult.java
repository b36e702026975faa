package io.rtprelay.bench.fuzz;

import java.util.List;
import java.util.Map;

/**
 * What the ng half of a live-fuzz run saw.
 *
 * @param sent                 datagrams sent (first transmissions; the fuzzer's own retransmissions not included).
 * @param expectingReply       of them, datagrams with a cookie.
 * @param answered             of those, answered with their cookie.
 * @param ignoredSent          datagrams without a cookie: the relay must count each as ignored.
 * @param retransmittedCookies datagrams that reused an earlier cookie on purpose.
 * @param unanswered           datagrams with a cookie never answered, even after retransmissions.
 * @param malformed            replies that were not a dictionary with a valid result.
 * @param retransmissions      the fuzzer's own retransmissions after a reply was late.
 * @param results              replies by {@code result}.
 * @param reasons              error replies by {@code error-reason} (first 60 characters).
 * @param failures             the first few failures, described.
 */
record NgFuzzResult(long sent, long expectingReply, long answered, long ignoredSent, long retransmittedCookies,
    long unanswered, long malformed, long retransmissions, Map<String, Long> results, Map<String, Long> reasons,
    List<String> failures) {
}
