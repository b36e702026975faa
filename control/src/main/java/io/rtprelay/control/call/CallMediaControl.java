package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.SdpLine;
import io.rtprelay.control.sdp.SessionDescription;
import io.rtprelay.relay.stream.MediaControl;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rtpengine 10.5's block media / silence media / block DTMF and forwarding commands on a call, and the party
 * selection they share, as observed on the daemon (MediaControlDifferentialTest):
 * <ul>
 *   <li>{@code call-id} is required ({@value NgRequest#NO_CALL_ID}) and must name a call
 *       ({@value #UNKNOWN_CALL});</li>
 *   <li>the {@code all} flag selects the whole call; else a string {@code from-tag} selects that party
 *       ({@value #UNKNOWN_FROM_TAG} when there is none); else a {@code label} or {@code from-label} selects
 *       a party by label (labels are not kept here: always {@value #NO_LABEL}); else an {@code address} selects
 *       the first party whose SDP media address it is ({@value #BAD_ADDRESS}, {@value #NO_ADDRESS}); else the
 *       whole call. A {@code to-tag}, the {@code all} key and the {@code directional} flag change nothing (Kamailio
 *       sends the from-tag only under {@code directional});</li>
 *   <li>a party's setting applies to the RTP that party sends; the call's setting to every party's; either one
 *       is enough. Switching off for the whole call leaves the parties' own settings, unless the {@code all} flag
 *       is given.</li>
 * </ul>
 * Control thread, under the {@link CallConductor}'s lock; the streams are reached through their proxies.
 */
final class CallMediaControl {
    /** rtpengine's reason for a call-id it does not know (these commands spell it with a capital ID). */
    static final String UNKNOWN_CALL = "Unknown call-ID";
    /** rtpengine's reason for a from-tag that names no party. */
    static final String UNKNOWN_FROM_TAG = "From-tag given, but no such tag exists";
    /** rtpengine's reason for a label that names no party. */
    static final String NO_LABEL = "No monologue matching the given label";
    /** rtpengine's reason for an {@code address} that is not an IP address. */
    static final String BAD_ADDRESS = "Failed to parse network address";
    /** rtpengine's reason for an {@code address} that is no party's. */
    static final String NO_ADDRESS = "Failed to match address to any tag";

    private static final Logger LOG = LoggerFactory.getLogger(CallMediaControl.class);
    private static final long LOOP_TASK_TIMEOUT_MS = 1_000;

    private CallMediaControl() {
    }

    /**
     * @param calls   the calls by call-id.
     * @param request the ng request.
     * @return the call it names.
     * @throws NgException rtpengine's reason when there is none.
     */
    static Call call(final Map<String, Call> calls, final NgRequest request) throws NgException {
        final Call call = calls.get(request.callId());
        if (call == null) {
            throw new NgException(UNKNOWN_CALL);
        }
        return call;
    }

    /**
     * Runs one command.
     *
     * @return the reply: ok.
     */
    static Map<String, Object> handle(final MediaControlCommand command, final Map<String, Call> calls,
        final NgRequest request) throws NgException {
        final Call call = call(calls, request);
        final Monologue party = select(call, request);
        final int action = command.action();
        if (action != 0) {
            if (party != null) {
                party.mediaActions = switched(party.mediaActions, action, command.on());
            } else {
                call.mediaActions = switched(call.mediaActions, action, command.on());
                if (!command.on() && request.flag("all")) {
                    for (final Monologue m : call.parties) {
                        m.mediaActions = switched(m.mediaActions, action, false);
                    }
                }
            }
            call.mediaControlled = true;
            apply(call);
        }
        LOG.info("[{}] {} for {}", call.callId, command.ngName(),
            party == null ? "the whole call" : "tag '" + party.tag + "'");
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        return reply;
    }

    private static int switched(final int actions, final int action, final boolean on) {
        return on ? actions | action : actions & ~action;
    }

    /**
     * rtpengine's party selection for these commands.
     *
     * @return the party selected, or null for the whole call.
     */
    static Monologue select(final Call call, final NgRequest request) throws NgException {
        if (request.flag("all")) {
            return null;
        }
        final String fromTag = stringOrNull(request, "from-tag");
        if (fromTag != null) {
            final Monologue party = call.monologue(fromTag);
            if (party == null) {
                throw new NgException(UNKNOWN_FROM_TAG);
            }
            return party;
        }
        if (stringOrNull(request, "label") != null || stringOrNull(request, "from-label") != null) {
            throw new NgException(NO_LABEL);
        }
        final String address = stringOrNull(request, "address");
        if (address != null) {
            return byAddress(call, address);
        }
        return null;
    }

    private static Monologue byAddress(final Call call, final String text) throws NgException {
        final InetAddress address;
        try {
            address = InetAddress.ofLiteral(text);
        } catch (final IllegalArgumentException e) {
            throw new NgException(BAD_ADDRESS);
        }
        for (final Monologue party : call.parties) {
            for (final MediaSession session : party.medias) {
                if (session.remoteRtp != null && address.equals(session.remoteRtp.getAddress())) {
                    return party;
                }
            }
        }
        throw new NgException(NO_ADDRESS);
    }

    /** @return the key's string value; a value of another type counts as absent, as in rtpengine. */
    static String stringOrNull(final NgRequest request, final String key) {
        try {
            return request.string(key);
        } catch (final NgException wrongType) {
            return null;
        }
    }

    /**
     * Puts the call's and each party's settings into the streams that receive from the party (a replaced pair's
     * too), with the payload
     * types of the party's last SDP, and waits until the loops applied them: media sent after the reply finds them
     * in effect.
     */
    static void apply(final Call call) {
        final List<Future<?>> posted = new ArrayList<>();
        for (final Monologue party : call.parties) {
            final int actions = call.mediaActions | party.mediaActions;
            for (final MediaSession session : party.medias) {
                if (session.sockets == null) {
                    continue;
                }
                final SessionDescription peerSdp = party.partner == null ? null : party.partner.lastSdp;
                final MediaControl control = control(party.lastSdp, peerSdp, session.index, actions);
                posted.add(session.sockets.rtp().proxy().mediaControl(control));
                if (session.retired != null) {
                    // the pair a port change replaced still receives what the party sent to its old ports
                    posted.add(session.retired.rtp().proxy().mediaControl(control));
                }
            }
        }
        for (final Future<?> f : posted) {
            if (!f.awaitUninterruptibly(LOOP_TASK_TIMEOUT_MS)) {
                LOG.warn("a media loop took over {} ms to apply a media control change", LOOP_TASK_TIMEOUT_MS);
            }
        }
    }

    /**
     * @return the actions with the payload types the party's SDP gave its m= section {@code index}, and whether both
     *     the party's and its peer's SDP say {@code a=rtcp-mux} there.
     */
    static MediaControl control(final SessionDescription sdp, final SessionDescription peerSdp, final int index,
        final int actions) {
        final MediaControl.Builder builder = MediaControl.builder();
        if (actions == 0) {
            return builder.build(0);
        }
        if (sdp != null && index < sdp.media().size()) {
            final MediaDescription m = sdp.media().get(index);
            builder.rtcpMux(m.rtcpMux() && peerSdp != null && index < peerSdp.media().size()
                && peerSdp.media().get(index).rtcpMux());
            for (final SdpLine line : m.attributes()) {
                if (line.isAttribute("rtpmap")) {
                    rtpmap(builder, line.attributeValue());
                }
            }
        }
        return builder.build(actions);
    }

    /** {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<parameters>]}, RFC 4566 §6. */
    private static void rtpmap(final MediaControl.Builder builder, final String value) {
        if (value == null) {
            return;
        }
        final int space = value.indexOf(' ');
        if (space <= 0) {
            return;
        }
        final int slash = value.indexOf('/', space);
        final String encoding = value.substring(space + 1, slash < 0 ? value.length() : slash).trim();
        try {
            builder.map(Integer.parseInt(value.substring(0, space).trim()), encoding);
        } catch (final NumberFormatException notAPayloadType) {
            LOG.debug("ignoring a=rtpmap:{}", value);
        }
    }
}
