package io.rtprelay.bench.fuzz;

import java.util.List;

/**
 * What the live calls of a fuzz run saw.
 *
 * @param calls      live calls.
 * @param sent       RTP and RTCP packets their endpoints sent.
 * @param delivered  of them, received by the other endpoint (once).
 * @param lost       sent and never received.
 * @param duplicates received more than once.
 * @param corrupt    received with a wrong payload or length.
 * @param foreign    packets an endpoint received from its call's relay ports that no endpoint sent (a fuzz packet
 *                   the live call let through).
 * @param stray      packets an endpoint received from other ports of the relay: a fuzz call whose SDP happened to
 *                   name the endpoint's port (its media goes where its SDP says; not the live call's doing).
 * @param problems   the legs that did not deliver everything, described.
 */
record LiveResult(int calls, long sent, long delivered, long lost, long duplicates, long corrupt, long foreign,
    long stray, List<String> problems) {
}
