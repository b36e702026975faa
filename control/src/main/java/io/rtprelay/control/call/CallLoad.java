package io.rtprelay.control.call;

/**
 * How much the call registry holds at one instant, for capacity announcements and the drain. Immutable.
 *
 * @param calls   live calls: held and not deleted (a call lingering in its delete delay is not live).
 * @param held    every call held, deleted-but-delayed ones included.
 * @param streams media streams with relay ports: one per party per media section, each an RTP/RTCP port pair.
 */
public record CallLoad(int calls, int held, int streams) {
}
