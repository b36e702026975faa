package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.sdp.SdpException;
import io.rtprelay.control.sdp.SdpParser;
import io.rtprelay.relay.MediaSocketPair;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rtpengine 10.5's subscription commands, as far as this relay has them. In rtpengine every flow of media is a
 * subscription, the two of an offer/answer included; here only those two exist:
 * <ul>
 *   <li>{@code unsubscribe} with a {@code to-tag} ends every flow towards that party: what others send it is
 *       dropped ({@code NO_PEER}) until the next offer or answer binds the flows again, as on rtpengine;</li>
 *   <li>{@code subscribe request} (a new party receiving a copy of others' media) is not implemented: its request is
 *       checked as rtpengine checks it, and a valid one is refused with {@value #NOT_IMPLEMENTED};</li>
 *   <li>{@code subscribe answer} answers a subscribe request, of which there is none here: a valid one gets
 *       rtpengine's reason for a to-tag that names no subscription, {@value #NOT_A_SUBSCRIPTION}.</li>
 * </ul>
 * The order of checks and the reasons are rtpengine's (MediaControlDifferentialTest). Control thread, under the
 * {@link CallConductor}'s lock.
 */
final class CallSubscriptions {
    /** Our reason for a valid {@code subscribe request}: media subscriptions are not implemented. */
    static final String NOT_IMPLEMENTED = "Subscriptions are not supported";
    /** rtpengine's reason for a subscribe answer whose to-tag is a party but not a subscriber. */
    static final String NOT_A_SUBSCRIPTION = "Failed to process subscription answer";
    /** rtpengine's reason when no party matches a subscribe request's selection. */
    static final String NO_MATCH = "No monologues matched";
    /** rtpengine's reason for a subscribe answer's to-tag that names no party. */
    static final String UNKNOWN_TO_TAG = "To-tag not found";

    private static final Logger LOG = LoggerFactory.getLogger(CallSubscriptions.class);
    private static final long LOOP_TASK_TIMEOUT_MS = 1_000;

    private CallSubscriptions() {
    }

    /** {@code subscribe request}: checked, then refused. */
    static Map<String, Object> request(final Map<String, Call> calls, final NgRequest request) throws NgException {
        final Call call = CallMediaControl.call(calls, request);
        if (!request.flag("all")) {
            final String fromTag = CallMediaControl.stringOrNull(request, "from-tag");
            if (fromTag != null) {
                if (call.monologue(fromTag) == null) {
                    throw new NgException(CallMediaControl.UNKNOWN_FROM_TAG);
                }
            } else {
                if (CallMediaControl.stringOrNull(request, "label") != null
                    || CallMediaControl.stringOrNull(request, "from-label") != null) {
                    throw new NgException(CallMediaControl.NO_LABEL);
                }
                if (!anyKnown(call, fromTags(request))) {
                    throw new NgException(NO_MATCH);
                }
            }
        } else if (call.parties.isEmpty()) {
            throw new NgException(NO_MATCH);
        }
        throw new NgException(NOT_IMPLEMENTED);
    }

    private static List<String> fromTags(final NgRequest request) {
        try {
            return request.strings("from-tags");
        } catch (final NgException notAList) {
            return List.of();
        }
    }

    private static boolean anyKnown(final Call call, final List<String> tags) {
        for (final String tag : tags) {
            if (call.monologue(tag) != null) {
                return true;
            }
        }
        return false;
    }

    /** {@code subscribe answer}: checked; there is never a subscription to answer. */
    static Map<String, Object> answer(final Map<String, Call> calls, final NgRequest request) throws NgException {
        final Call call = CallMediaControl.call(calls, request);
        final String toTag = request.requireToTag();
        final String sdp = request.sdp();
        if (sdp.isEmpty()) {
            throw new NgException(NgRequest.NO_SDP);
        }
        if (call.monologue(toTag) == null) {
            throw new NgException(UNKNOWN_TO_TAG);
        }
        try {
            SdpParser.parse(sdp);
        } catch (final SdpException e) {
            throw new NgException("Failed to parse SDP");
        }
        throw new NgException(NOT_A_SUBSCRIPTION);
    }

    /** {@code unsubscribe}: the party of {@code to-tag} receives nothing more until the next offer or answer. */
    static Map<String, Object> unsubscribe(final Map<String, Call> calls, final NgRequest request)
        throws NgException {
        final Call call = CallMediaControl.call(calls, request);
        final String toTag = request.requireToTag();
        final Monologue sink = call.monologue(toTag);
        if (sink != null) {
            final List<Future<?>> posted = new ArrayList<>();
            for (final Monologue source : call.parties) {
                if (source.partner != sink || source == sink) {
                    continue;
                }
                for (final MediaSession session : source.medias) {
                    for (final MediaSocketPair pair : new MediaSocketPair[] {session.sockets, session.retired}) {
                        if (pair != null) {
                            posted.add(pair.rtp().proxy().peer(null));
                            posted.add(pair.rtcp().proxy().peer(null));
                        }
                    }
                }
            }
            for (final Future<?> f : posted) {
                if (!f.awaitUninterruptibly(LOOP_TASK_TIMEOUT_MS)) {
                    LOG.warn("a media loop took over {} ms to apply an unsubscribe", LOOP_TASK_TIMEOUT_MS);
                }
            }
            LOG.info("[{}] tag '{}' unsubscribed from its media", call.callId, toTag);
        }
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        return reply;
    }
}
