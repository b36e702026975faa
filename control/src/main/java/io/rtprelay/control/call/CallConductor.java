package io.rtprelay.control.call;

import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.record.CallRecorder;
import io.rtprelay.control.record.CallRecording;
import io.rtprelay.control.record.RecordingTotals;
import io.rtprelay.control.sdp.CodecFlags;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.MediaEndpoint;
import io.rtprelay.control.sdp.RewriteOptions;
import io.rtprelay.control.sdp.SdpException;
import io.rtprelay.control.sdp.SdpParser;
import io.rtprelay.control.sdp.SdpRewriter;
import io.rtprelay.control.sdp.SessionDescription;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.MediaSocket;
import io.rtprelay.relay.MediaSocketPair;
import io.rtprelay.srtp.dtls.DtlsCertificate;
import io.rtprelay.srtp.dtls.DtlsHandshakeExecutor;
import io.rtprelay.relay.PortsExhaustedException;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.stream.Stream;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns every call: runs offer, answer, delete, query and list against the call registry, allocates socket pairs
 * from the media plane and configures their streams, and deletes calls whose timeouts expire.
 *
 * <p>Thread: the ng dispatch thread, the timeout sweeper and the CLI's threads ({@code terminate}, the listings)
 * enter through {@code synchronized} methods, so call state has one writer at a time; the limits the CLI sets
 * ({@code max-sessions}, the timeouts) are volatile and read once per offer or sweep; the packet path is never
 * involved (streams are reached only through their proxies, which post to the owning event loop).
 */
public final class CallConductor {
    /** The longest delete delay honoured, a century in seconds; its nanoseconds still fit a long deadline. */
    private static final long MAX_DELETE_DELAY_S = 100L * 365 * 24 * 3600;
    private static final Logger LOG = LoggerFactory.getLogger(CallConductor.class);
    private static final long NS_PER_S = 1_000_000_000L;
    private static final long LOOP_TASK_TIMEOUT_MS = 1_000;

    private final RelayConfig config;
    private final MediaPlane media;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final CallStatistics statistics = new CallStatistics();
    private final SdesNegotiation sdesNegotiation;
    private final DtlsNegotiation dtlsNegotiation;
    private final CallRecorder recorder;
    private volatile boolean refusingNewCalls;
    /** {@code max-sessions}, changed at run time by the CLI's {@code set maxsessions}; -1: no limit. */
    private volatile int maxSessions;
    /** {@code timeout}, {@code silent-timeout}, {@code final-timeout} in seconds, changed by the CLI's {@code set}. */
    private volatile int timeoutS;
    private volatile int silentTimeoutS;
    private volatile int finalTimeoutS;

    /**
     * A conductor that records nothing ({@code start recording} is answered ok and ignored, as rtpengine without
     * {@code recording-dir}).
     *
     * @param config the relay's configuration: interfaces, limits and timeouts.
     * @param media  where socket pairs come from.
     */
    public CallConductor(final RelayConfig config, final MediaPlane media) {
        this(config, media, CallRecorder.off());
    }

    /**
     * @param config   the relay's configuration: interfaces, limits and timeouts.
     * @param media    where socket pairs come from.
     * @param recorder records calls ({@code start recording}, {@code record call}); closed by its owner.
     */
    public CallConductor(final RelayConfig config, final MediaPlane media, final CallRecorder recorder) {
        this.config = config;
        this.media = media;
        this.recorder = recorder;
        this.sdesNegotiation = new SdesNegotiation(SrtpSuites.supported(), new SecureRandom());
        this.dtlsNegotiation = new DtlsNegotiation(DtlsCertificate.generate(), new DtlsHandshakeExecutor());
        this.maxSessions = config.maxSessions();
        this.timeoutS = config.timeoutS();
        this.silentTimeoutS = config.silentTimeoutS();
        this.finalTimeoutS = config.finalTimeoutS();
    }

    /** @return the session limit now ({@code max-sessions}, or what the CLI set since); -1: none. Any thread. */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * Changes the session limit, as rtpengine's {@code set maxsessions}: 0 refuses every new call (rtpengine's
     * drain: existing calls go on), -1 lifts the limit. Calls above a lowered limit are not touched.
     *
     * @param limit the new limit, -1 or more.
     */
    public void maxSessions(final int limit) {
        if (limit < -1) {
            throw new IllegalArgumentException("max-sessions " + limit);
        }
        maxSessions = limit;
    }

    /** @return {@code timeout} now, in seconds. Any thread. */
    public int timeoutS() {
        return timeoutS;
    }

    /** @param seconds the new {@code timeout}, 0 or more; the next sweep applies it. */
    public void timeoutS(final int seconds) {
        timeoutS = nonNegative(seconds);
    }

    /** @return {@code silent-timeout} now, in seconds. Any thread. */
    public int silentTimeoutS() {
        return silentTimeoutS;
    }

    /** @param seconds the new {@code silent-timeout}, 0 or more. */
    public void silentTimeoutS(final int seconds) {
        silentTimeoutS = nonNegative(seconds);
    }

    /** @return {@code final-timeout} now, in seconds; 0: none. Any thread. */
    public int finalTimeoutS() {
        return finalTimeoutS;
    }

    /** @param seconds the new {@code final-timeout}, 0 or more. */
    public void finalTimeoutS(final int seconds) {
        finalTimeoutS = nonNegative(seconds);
    }

    private static int nonNegative(final int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("timeout " + seconds);
        }
        return seconds;
    }

    /**
     * From now on, offers for new calls are answered {@code load limit}; existing calls go on.
     */
    public void refuseNewCalls() {
        refusingNewCalls = true;
    }

    /** @return the number of calls held, deleted-but-delayed ones included. */
    public synchronized int callCount() {
        return calls.size();
    }

    /** @return live and held calls and their streams, counted now. */
    public synchronized CallLoad load() {
        int streams = 0;
        for (final Call call : calls.values()) {
            for (final Monologue m : call.parties) {
                for (final MediaSession session : m.medias) {
                    if (session.sockets != null) {
                        streams++;
                    }
                }
            }
        }
        return new CallLoad(liveCalls(), calls.size(), streams);
    }

    /** @return lifetime totals for the statistics command. */
    public CallStatistics statistics() {
        return statistics;
    }

    /**
     * Handles {@code offer}: the SDP comes from the party of {@code from-tag} and goes to its peer.
     *
     * @param request the ng request.
     * @return the reply dictionary.
     * @throws NgException with rtpengine's reason when the request cannot be served.
     */
    public synchronized Map<String, Object> offer(final NgRequest request) throws NgException {
        // rtpengine's order of checks: the SDP, the call-id, the from-tag, then the session limit
        final String sdpText = request.sdp();
        final String callId = request.callId();
        final String fromTag = request.fromTag();
        final SessionDescription sdp = parse(sdpText);
        final long nowMs = System.currentTimeMillis();
        final long nowNs = System.nanoTime();
        Call call = calls.get(callId);
        final boolean created = call == null;
        final int limit = maxSessions;
        if (created && (refusingNewCalls || (limit >= 0 && liveCalls() >= limit))) {
            statistics.rejected();
            throw NgException.loadLimit("Parallel session limit reached");
        }
        // every key is checked before the call or a party is made: a refused offer leaves nothing half-made behind
        // (a party without an interface, that a later answer would bind media for)
        final String toTag = request.toTag();
        final boolean toItself = fromTag.equals(toTag);
        final Monologue knownFrom = created ? null : call.monologue(fromTag);
        Monologue knownTo = created || toTag == null ? null : call.monologue(toTag);
        if (knownTo == null && knownFrom != null) {
            knownTo = knownFrom.partner;
        }
        final List<String> direction = request.strings("direction");
        final InterfaceSpec fromIface = pickInterface(direction, 0, sdp, knownFrom == null ? null : knownFrom.iface);
        final InterfaceSpec toIface = pickInterface(direction, 1, sdp,
            knownTo != null ? knownTo.iface : toItself ? fromIface : null);
        final RewriteOptions options = SdpOptions.from(request);
        final SdesFlags sdes = SdesFlags.of(request);
        final List<String> rtcpMuxFlags = SdpOptions.rtcpMuxFlags(request);
        final RecordCall record = RecordCall.of(request);
        if (created) {
            call = new Call(callId, nowMs, nowNs);
            call.createdFrom = request.source();
            calls.put(callId, call);
        }
        call.deleteAtNs = 0;
        call.signalled(nowMs, nowNs);
        final Monologue from = knownFrom != null ? knownFrom : call.create(fromTag, nowMs);
        Monologue to = knownTo != null ? knownTo : toItself ? from : null;
        if (to == null) {
            to = call.create(toTag == null ? "" : toTag, nowMs);
        } else if (toTag != null && to.tag.isEmpty()) {
            call.rename(to, toTag);
        }
        from.partner = to;
        to.partner = from;
        from.iface = fromIface;
        to.iface = toIface;
        final List<MediaSocketPair> opened = new ArrayList<>();
        try {
            final List<MediaEndpoint> endpoints =
                bindMedia(call, sdp, from, to, latchMode(request), request.flag("port-latching"), opened, null,
                    List.of());
            // a re-offer speaks to the recipient in its own protocol unless transport-protocol says otherwise
            final SessionDescription recipientLast = to == from ? null : to.lastSdp;
            for (int i = 0; i < endpoints.size(); i++) {
                final MediaDescription m = sdp.media().get(i);
                final String protocol = options.transportProtocol() != null ? options.transportProtocol()
                    : recipientLast != null && i < recipientLast.media().size()
                        ? recipientLast.media().get(i).protocol() : null;
                if (protocol != null) {
                    to.media(i).protocol = protocol;
                }
                if (!endpoints.get(i).rejected()) {
                    endpoints.set(i, endpoints.get(i).withCrypto(
                        sdesNegotiation.offer(from.media(i), to.media(i), m, protocol, sdes)));
                    endpoints.set(i, dtlsNegotiation.offer(to.media(i), protocol != null ? protocol : m.protocol(),
                        dtlsKey(request), endpoints.get(i)));
                }
            }
            from.lastSdp = sdp;
            from.rtcpMuxFlags = rtcpMuxFlags;
            if (call.mediaControlled) {
                CallMediaControl.apply(call);
            }
            from.codecFlags = options.codecs();
            // rtpengine keeps a ptime it was told for the SDP it writes towards a party until told another
            if (options.codecs().ptime() > 0) {
                to.ptime = options.codecs().ptime();
            }
            if (options.codecs().ptimeReverse() > 0) {
                from.ptime = options.codecs().ptimeReverse();
            }
            return recordSignal(call, record, "offer",
                okWithSdp(SdpRewriter.rewrite(sdp, endpoints, options.withRecipientLast(recipientLast)
                    .withCodecs(options.codecs().withPtimes(to.ptime, from.ptime)))));
        } catch (final PortsExhaustedException e) {
            for (final MediaSocketPair pair : opened) {
                pair.close();
            }
            forgetClosed(from, opened);
            forgetClosed(to, opened);
            if (created) {
                calls.remove(callId);
            }
            throw new NgException("Ran out of ports");
        }
    }

    /** @return the ng {@code DTLS} key, or null. */
    private static String dtlsKey(final NgRequest request) throws NgException {
        return request.has("DTLS") ? request.string("DTLS") : null;
    }

    /**
     * Handles {@code answer}: the SDP comes from the party of {@code to-tag} and goes back to {@code from-tag}.
     *
     * @param request the ng request.
     * @return the reply dictionary.
     * @throws NgException with rtpengine's reason when the request cannot be served.
     */
    public synchronized Map<String, Object> answer(final NgRequest request) throws NgException {
        final String callId = request.callId();
        final String fromTag = request.fromTag();
        final SessionDescription sdp = parse(request.sdp());
        final Call call = calls.get(callId);
        if (call == null) {
            throw new NgException("Unknown call-id");
        }
        final Monologue offerer = call.monologue(fromTag);
        if (offerer == null || offerer.partner == null) {
            throw new NgException("Unknown call-id");
        }
        final long nowMs = System.currentTimeMillis();
        final long nowNs = System.nanoTime();
        call.deleteAtNs = 0;
        call.signalled(nowMs, nowNs);
        final Monologue answerer = offerer.partner;
        final String toTag = request.toTag();
        if (toTag != null && !toTag.equals(answerer.tag)) {
            final Monologue named = call.monologue(toTag);
            if (named != null && named != answerer) {
                throw new NgException("Call-ID not found or tags didn't match");
            }
            call.rename(answerer, toTag);
        }
        final SdesFlags sdes = SdesFlags.of(request);
        final RecordCall record = RecordCall.of(request);
        final List<MediaSocketPair> opened = new ArrayList<>();
        try {
            final List<MediaEndpoint> endpoints = bindMedia(call, sdp, answerer, offerer, latchMode(request),
                request.flag("port-latching"), opened, offerer.lastSdp, offerer.rtcpMuxFlags);
            final RewriteOptions options = SdpOptions.from(request);
            final String dtlsKey = dtlsKey(request);
            final List<Future<?>> crypto = new ArrayList<>();
            for (int i = 0; i < endpoints.size(); i++) {
                if (!endpoints.get(i).rejected()) {
                    endpoints.set(i, endpoints.get(i).withCrypto(
                        sdesNegotiation.answer(answerer.media(i), offerer.media(i), sdp.media().get(i), sdes)));
                    crypto.addAll(MediaCrypto.apply(offerer.media(i), answerer.media(i)));
                    final MediaDescription offered = offerer.lastSdp != null
                        && i < offerer.lastSdp.media().size() ? offerer.lastSdp.media().get(i) : null;
                    if (offered != null) {
                        final String protocol = options.transportProtocol() != null ? options.transportProtocol()
                            : offered.protocol();
                        endpoints.set(i, dtlsNegotiation.answer(offerer.media(i), offered, protocol, dtlsKey,
                            endpoints.get(i), crypto));
                    }
                    dtlsNegotiation.answered(answerer.media(i), sdp.media().get(i), crypto);
                }
            }
            awaitOnLoops(crypto);
            answerer.lastSdp = sdp;
            if (call.mediaControlled) {
                CallMediaControl.apply(call);
            }
            final CodecFlags offerCodecs = offerer.codecFlags.withPtimes(answerer.ptime, offerer.ptime);
            return recordSignal(call, record, "answer", okWithSdp(SdpRewriter.rewrite(sdp, endpoints,
                offerer.lastSdp == null ? options : options.withAnswered(offerer.lastSdp, offerCodecs))));
        } catch (final PortsExhaustedException e) {
            for (final MediaSocketPair pair : opened) {
                pair.close();
            }
            forgetClosed(answerer, opened);
            forgetClosed(offerer, opened);
            throw new NgException("Ran out of ports");
        }
    }

    /**
     * Handles {@code delete}: the call goes at once, or after the delete delay (the request's
     * {@code delete-delay} key, else the configured one), its ports back in the pool.
     *
     * @param request the ng request.
     * @return the reply: ok, with the call's final statistics.
     * @throws NgException when the call or tag is not known.
     */
    public synchronized Map<String, Object> delete(final NgRequest request) throws NgException {
        final String callId = request.callId();
        final Call call = calls.get(callId);
        final String fromTag = request.string("from-tag");
        if (call == null || (fromTag != null && call.monologue(fromTag) == null)) {
            // rtpengine answers ok with a warning: Kamailio deletes on BYE, CANCEL and failure alike, often twice
            final Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("result", "ok");
            reply.put("warning", "Call-ID not found or tags didn't match");
            return reply;
        }
        final Long delay = request.integer("delete-delay");
        // at most a century: a larger delay would overflow the deadline in nanoseconds (and means "keep it")
        final long delayS = Math.min(delay != null ? delay : config.deleteDelayS(), MAX_DELETE_DELAY_S);
        if (call.terminatedUs == 0) {
            call.terminatedUs = CallRecorder.nowUs();
        }
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        CallStats.describe(call, reply);
        if (delayS <= 0) {
            destroy(call);
            statistics.terminated();
        } else if (call.deleteAtNs == 0) {
            call.deleteAtNs = System.nanoTime() + delayS * NS_PER_S;
        }
        return reply;
    }

    /**
     * Handles {@code query}.
     *
     * @param request the ng request.
     * @return the call's statistics under rtpengine's keys.
     * @throws NgException when the call is not known.
     */
    public synchronized Map<String, Object> query(final NgRequest request) throws NgException {
        final Call call = calls.get(request.callId());
        if (call == null) {
            throw new NgException("Unknown call-id");
        }
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        CallStats.describe(call, reply);
        return reply;
    }

    /**
     * Handles {@code block media}, {@code silence media}, {@code block DTMF}, their undoing, and
     * {@code start}/{@code stop forwarding} (see {@link CallMediaControl}).
     *
     * @param command the command.
     * @param request the ng request.
     * @return the reply: ok.
     * @throws NgException with rtpengine's reason when the call or party is not known.
     */
    public synchronized Map<String, Object> mediaControl(final MediaControlCommand command, final NgRequest request)
        throws NgException {
        return CallMediaControl.handle(command, calls, request);
    }

    /**
     * Handles {@code subscribe request} (checked as rtpengine checks it, then refused: see {@link CallSubscriptions}).
     *
     * @param request the ng request.
     * @return never: a valid request is refused too.
     * @throws NgException rtpengine's reason, or ours for a valid request.
     */
    public synchronized Map<String, Object> subscribeRequest(final NgRequest request) throws NgException {
        return CallSubscriptions.request(calls, request);
    }

    /**
     * Handles {@code subscribe answer} (there is never a subscription to answer: see {@link CallSubscriptions}).
     *
     * @param request the ng request.
     * @return never.
     * @throws NgException rtpengine's reason.
     */
    public synchronized Map<String, Object> subscribeAnswer(final NgRequest request) throws NgException {
        return CallSubscriptions.answer(calls, request);
    }

    /**
     * Handles {@code unsubscribe}: the party of {@code to-tag} stops receiving media until the next offer or answer.
     *
     * @param request the ng request.
     * @return the reply: ok.
     * @throws NgException with rtpengine's reason when the call-id or to-tag is missing or the call unknown.
     */
    public synchronized Map<String, Object> unsubscribe(final NgRequest request) throws NgException {
        return CallSubscriptions.unsubscribe(calls, request);
    }

    /**
     * Handles {@code list}.
     *
     * @param request the ng request ({@code limit}, default 32).
     * @return the call-ids held.
     * @throws NgException when {@code limit} is not a number.
     */
    public synchronized Map<String, Object> list(final NgRequest request) throws NgException {
        final Long limit = request.integer("limit");
        final long max = limit == null ? 32 : limit;
        final List<Object> ids = new ArrayList<>();
        for (final String id : calls.keySet()) {
            if (ids.size() >= max) {
                break;
            }
            ids.add(id);
        }
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        reply.put("calls", ids);
        return reply;
    }

    /**
     * Handles {@code statistics}.
     *
     * @return rtpengine's current and total statistics.
     */
    public synchronized Map<String, Object> statisticsReply() {
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        reply.put("statistics", statistics.describe(calls.values(), config.interfaces(), media));
        return reply;
    }

    /**
     * Deletes calls whose timeout, silent timeout, final timeout or delete delay has passed. Called about once a
     * second off the event loops.
     *
     * @param nowNs {@code System.nanoTime()}.
     */
    public synchronized void sweep(final long nowNs) {
        final List<Call> expired = new ArrayList<>();
        for (final Call call : calls.values()) {
            if (call.deleteAtNs != 0) {
                if (nowNs - call.deleteAtNs >= 0) {
                    expired.add(call);
                    statistics.terminated();
                }
                continue;
            }
            final long finalS = finalTimeoutS;
            if (finalS > 0 && nowNs - call.createdNs >= finalS * NS_PER_S) {
                LOG.info("[{}] final timeout of {} s reached, deleting the call", call.callId, finalS);
                expired.add(call);
                statistics.finalTimeout();
                continue;
            }
            final boolean silent = CallStats.silent(call);
            final long limitS = silent ? silentTimeoutS : timeoutS;
            if (limitS > 0 && nowNs - CallStats.lastActivityNs(call) >= limitS * NS_PER_S) {
                LOG.info("[{}] no media for {} s{}, deleting the call", call.callId, limitS,
                    silent ? " (silent timeout)" : "");
                expired.add(call);
                if (silent) {
                    statistics.silentTimeout();
                } else {
                    statistics.timeout();
                }
            }
        }
        for (final Call call : expired) {
            destroy(call);
        }
    }

    /**
     * Deletes one call at once, as rtpengine's CLI {@code terminate CALLID} does: no delete delay, its ports back in
     * the pool when this returns, counted as forced.
     *
     * @param callId the call.
     * @return whether the call was held.
     */
    public synchronized boolean terminate(final String callId) {
        final Call call = calls.get(callId);
        if (call == null) {
            return false;
        }
        LOG.info("[{}] terminated by operator", callId);
        destroy(call);
        statistics.forced();
        return true;
    }

    /**
     * Deletes every call at once, as rtpengine's CLI {@code terminate all} does; counted as forced.
     *
     * @return how many calls were held.
     */
    public synchronized int terminateAll() {
        final List<Call> all = List.copyOf(calls.values());
        for (final Call call : all) {
            destroy(call);
            statistics.forced();
        }
        LOG.info("{} calls terminated by operator", all.size());
        return all.size();
    }

    /** @return one line's worth of every call held, newest first, as rtpengine's CLI lists them. */
    public synchronized List<CallListing.Summary> summaries() {
        return CallListing.summaries(calls.values());
    }

    /**
     * @param callId a call.
     * @return the call's parties, media and ports now, or null when it is not held.
     */
    public synchronized CallListing.Detail detail(final String callId) {
        final Call call = calls.get(callId);
        return call == null ? null : CallListing.detail(call, System.currentTimeMillis());
    }

    /** @return the session counts and lifetime totals of rtpengine's CLI {@code list numsessions|totals}. */
    public synchronized CallListing.Totals totals() {
        return CallListing.totals(calls.values(), statistics, media, config.interfaces());
    }

    /**
     * Deletes every call at once, e.g. at shutdown.
     */
    public synchronized void destroyAll() {
        for (final Call call : List.copyOf(calls.values())) {
            destroy(call);
        }
    }

    /**
     * Handles {@code start recording}: the whole call is recorded from now on (rtpengine ignores {@code from-tag}
     * and {@code to-tag} here, and so do we); a call already recorded goes on in the same files.
     *
     * @param request the ng request.
     * @return ok, also when recording is off ({@code recording-dir} unset), as rtpengine answers.
     * @throws NgException {@code No call-id in message} or {@code Unknown call-id}.
     */
    public synchronized Map<String, Object> startRecording(final NgRequest request) throws NgException {
        final Call call = recordedCall(request);
        startRecording(call);
        return ok();
    }

    /**
     * Handles {@code stop recording} and {@code pause recording}: the call's pcap is completed and its metadata file
     * moved to {@code metadata/}; a later {@code start recording} starts new files. For the pcap method rtpengine
     * 10.5 makes a pause ({@code stop recording} with the {@code pause} flag) the same as a stop, and so does
     * {@code pause recording} here.
     *
     * @param request the ng request.
     * @return ok, also when the call is not recorded.
     * @throws NgException {@code No call-id in message} or {@code Unknown call-id}.
     */
    public synchronized Map<String, Object> stopRecording(final NgRequest request) throws NgException {
        stopRecording(recordedCall(request));
        return ok();
    }

    private void stopRecording(final Call call) {
        if (call.recording != null) {
            recorder.stop(call.recording, call.terminatedUs, call.recordingMetadata);
            call.recording = null;
        }
    }

    /** @return calls being recorded, and packets recorded and dropped since start (for {@code /metrics}). */
    public synchronized RecordingTotals recordingTotals() {
        final List<CallRecording> live = new ArrayList<>();
        for (final Call call : calls.values()) {
            if (call.recording != null) {
                live.add(call.recording);
            }
        }
        return recorder.totals(live);
    }

    private Call recordedCall(final NgRequest request) throws NgException {
        final Call call = calls.get(request.callId());
        if (call == null) {
            throw new NgException("Unknown call-id");
        }
        final String metadata = request.string("metadata");
        if (metadata != null) {
            call.recordingMetadata = metadata;
        }
        return call;
    }

    private void startRecording(final Call call) {
        if (call.recording == null) {
            call.recording = recorder.start(call.callId, call.createdMs, sockets(call));
        }
    }

    /**
     * After an offer or answer: {@code record call} ({@code yes}/{@code on}, or the flag) starts recording,
     * {@code no}/{@code off} stops it; the SDP sent goes into the metadata file, new sockets are tapped, and the
     * reply names the pcap in {@code recordings}, as rtpengine's.
     */
    private Map<String, Object> recordSignal(final Call call, final RecordCall record, final String mode,
        final Map<String, Object> reply) {
        if (record.metadata() != null) {
            call.recordingMetadata = record.metadata();
        }
        if (record.start()) {
            startRecording(call);
        } else if (record.stop()) {
            stopRecording(call);
        }
        if (call.recording != null) {
            recorder.attach(call.recording, sockets(call));
            recorder.sdp(call.recording, mode, (String)reply.get("sdp"));
            final Map<String, Object> recorded = new LinkedHashMap<>();
            recorded.put("recordings", List.of(call.recording.pcap().toString()));
            recorded.putAll(reply);
            return recorded;
        }
        return reply;
    }

    /** @return every socket of the call, a retired pair's too (it forwards until the call ends). */
    private static List<MediaSocket> sockets(final Call call) {
        final List<MediaSocket> sockets = new ArrayList<>();
        for (final Monologue m : call.parties) {
            for (final MediaSession session : m.medias) {
                for (final MediaSocketPair pair : new MediaSocketPair[] {session.sockets, session.retired}) {
                    if (pair != null) {
                        sockets.add(pair.rtp());
                        sockets.add(pair.rtcp());
                    }
                }
            }
        }
        return sockets;
    }

    private static Map<String, Object> ok() {
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        return reply;
    }

    private int liveCalls() {
        int live = 0;
        for (final Call call : calls.values()) {
            if (call.deleteAtNs == 0) {
                live++;
            }
        }
        return live;
    }

    /**
     * Removes a call and closes its sockets, waiting for the loops to close them: once a delete is answered (or
     * the daemon stops the loops) its ports are back in the pool.
     */
    private void destroy(final Call call) {
        calls.remove(call.callId, call);
        final int silentStreams = CallListing.streamsWithoutPackets(call);
        final int oneWayStreams = CallListing.oneWayStreams(call);
        final List<MediaSocketPair> pairs = new ArrayList<>();
        for (final Monologue m : call.parties) {
            for (final MediaSession session : m.medias) {
                DtlsNegotiation.close(session);
                if (session.sockets != null) {
                    session.sockets.close();
                    pairs.add(session.sockets);
                    session.sockets = null;
                }
                if (session.retired != null) {
                    session.retired.close();
                    pairs.add(session.retired);
                    session.retired = null;
                }
            }
        }
        for (final MediaSocketPair pair : pairs) {
            pair.released().awaitUninterruptibly(LOOP_TASK_TIMEOUT_MS);
        }
        if (call.terminatedUs == 0) {
            // a timeout or shutdown: rtpengine's metadata then says the call ended now
            call.terminatedUs = CallRecorder.nowUs();
        }
        stopRecording(call);
        statistics.ended(System.currentTimeMillis() - call.createdMs, silentStreams, oneWayStreams);
    }

    private List<MediaEndpoint> bindMedia(final Call call, final SessionDescription sdp, final Monologue sender,
        final Monologue receiver, final LatchMode mode, final boolean portLatching, final List<MediaSocketPair> opened,
        final SessionDescription offer, final List<String> offerRtcpMux) throws PortsExhaustedException {
        final List<MediaEndpoint> endpoints = new ArrayList<>();
        final List<Future<?>> posted = new ArrayList<>();
        final List<MediaDescription> sections = sdp.media();
        for (int i = 0; i < sections.size(); i++) {
            final MediaDescription m = sections.get(i);
            final MediaSession in = sender.media(i);
            final MediaSession out = receiver.media(i);
            in.type = m.mediaType();
            in.protocol = m.protocol();
            in.direction = m.direction().attribute();
            final InetSocketAddress sdpRtp = Stream.known(m.remoteRtp());
            final boolean moved = sdpRtp != null && in.lastKnownRtp != null && !in.lastKnownRtp.equals(sdpRtp);
            if (sdpRtp != null) {
                in.lastKnownRtp = sdpRtp;
            }
            in.remoteRtp = m.remoteRtp();
            in.remoteRtcp = m.remoteRtcp();
            if (out.sockets == null) {
                out.type = m.mediaType();
                out.protocol = m.protocol();
            }
            if (m.port() == 0 || m.isPassthrough()) {
                // rejected, or media rtpengine hands on untouched (MSRP): no relay ports
                endpoints.add(new MediaEndpoint(receiver.iface.advertisedText(), receiver.iface.ipv6(), 0, 0));
                continue;
            }
            if (in.sockets == null) {
                in.sockets = media.openPair(sender.iface.local(), call.callId);
                opened.add(in.sockets);
            }
            if (out.sockets == null) {
                out.sockets = media.openPair(receiver.iface.local(), call.callId);
                opened.add(out.sockets);
            } else if (moved && !portLatching) {
                replace(call, receiver, out, in, opened, posted);
            }
            final Stream inRtp = in.sockets.rtp().stream();
            final Stream inRtcp = in.sockets.rtcp().stream();
            final Stream outRtp = out.sockets.rtp().stream();
            final Stream outRtcp = out.sockets.rtcp().stream();
            in.mode = mode;
            in.boundRtcp = m.rtcpMux() ? in.remoteRtp : in.remoteRtcp;
            posted.add(in.sockets.rtp().proxy().bind(in.remoteRtp, mode, outRtp));
            posted.add(in.sockets.rtcp().proxy().bind(in.boundRtcp, mode, outRtcp));
            posted.add(out.sockets.rtp().proxy().peer(inRtp));
            posted.add(out.sockets.rtcp().proxy().peer(inRtcp));
            // every signal re-opens the learning window of the call's streams, as rtpengine's last-signal time does
            for (final MediaSocketPair pair : List.of(in.sockets, out.sockets)) {
                posted.add(pair.rtp().proxy().signal(config.endpointLearning(), call.lastSignalNs));
                posted.add(pair.rtcp().proxy().signal(config.endpointLearning(), call.lastSignalNs));
            }
            // answering: the relay multiplexes RTCP towards the offerer when it offered rtcp-mux and the answerer
            // took it (or the offer's rtcp-mux flags made the relay take it), written as RTCP port = RTP port
            final MediaDescription offered = offer != null && i < offer.media().size() ? offer.media().get(i) : null;
            final boolean mux = offered != null && offered.rtcpMux()
                && (m.rtcpMux() || offerRtcpMux.contains("demux") || offerRtcpMux.contains("accept"));
            final int rtpPort = out.sockets.rtp().port();
            endpoints.add(new MediaEndpoint(receiver.iface.advertisedText(), receiver.iface.ipv6(),
                rtpPort, mux ? rtpPort : out.sockets.rtcp().port()));
        }
        awaitOnLoops(posted);
        return endpoints;
    }

    /**
     * rtpengine without {@code port-latching}: the party of {@code moved} named another endpoint, so the other party
     * ({@code side}) gets a new socket pair, advertised in the SDP this signal produces; the pair it had stays open
     * and forwarding (packets already on their way to it are not lost) until the call ends or the next replacement.
     * The new pair expects what the old one expected and shares its SRTP contexts: nothing protected is ever sent
     * plain, and rollover counters and replay windows carry on.
     */
    private void replace(final Call call, final Monologue owner, final MediaSession side, final MediaSession moved,
        final List<MediaSocketPair> opened, final List<Future<?>> posted) throws PortsExhaustedException {
        final MediaSocketPair old = side.sockets;
        final MediaSocketPair fresh = media.openPair(owner.iface.local(), call.callId);
        opened.add(fresh);
        if (side.retired != null) {
            side.retired.close();
        }
        side.retired = old;
        side.sockets = fresh;
        posted.add(fresh.rtp().proxy().bind(side.remoteRtp, side.mode, moved.sockets.rtp().stream()));
        posted.add(fresh.rtcp().proxy().bind(side.boundRtcp, side.mode, moved.sockets.rtcp().stream()));
        posted.add(fresh.rtp().proxy().inheritCrypto(old.rtp().stream()));
        posted.add(fresh.rtcp().proxy().inheritCrypto(old.rtcp().stream()));
        if (side.cryptoSockets == old) {
            side.cryptoSockets = fresh;
        }
    }

    /**
     * The reply goes out only once the owning loop applied every stream change: media sent the moment the peer
     * reads the SDP must find its stream bound. The loops run these tasks in microseconds.
     */
    private static void awaitOnLoops(final List<Future<?>> posted) {
        for (final Future<?> f : posted) {
            if (!f.awaitUninterruptibly(LOOP_TASK_TIMEOUT_MS)) {
                LOG.warn("a media loop took over {} ms to apply a stream change", LOOP_TASK_TIMEOUT_MS);
            }
        }
    }

    private static void forgetClosed(final Monologue m, final List<MediaSocketPair> closed) {
        for (final MediaSession session : m.medias) {
            if (session.sockets != null && closed.contains(session.sockets)) {
                // a pair that replaced another and could not be completed: the one it replaced serves again
                session.sockets = session.retired;
                session.retired = null;
            }
        }
    }

    private InterfaceSpec pickInterface(final List<String> direction, final int index, final SessionDescription sdp,
        final InterfaceSpec current) throws NgException {
        if (direction != null && direction.size() > index) {
            final String name = direction.get(index);
            for (final InterfaceSpec spec : config.interfaces()) {
                if (spec.name().equals(name)) {
                    return spec;
                }
            }
            throw new NgException("Unknown interface '" + name + "'");
        }
        if (current != null) {
            return current;
        }
        final boolean ipv6 = SdpOptions.ipv6(sdp);
        for (final InterfaceSpec spec : config.interfaces()) {
            if (spec.ipv6() == ipv6) {
                return spec;
            }
        }
        return config.interfaces().get(0);
    }

    /**
     * rtpengine's per-call learning flags, strongest first: {@code asymmetric}, {@code strict-source},
     * {@code media-handover}; then ours, {@code learning=ssrc} (the key, or the same string in the flags as Kamailio
     * passes it); {@code symmetric} is the default. {@code port-latching} is read by offer and answer (see
     * {@link #replace}); {@code no-port-latching} is the default.
     */
    static LatchMode latchMode(final NgRequest request) throws NgException {
        if (request.flag("asymmetric")) {
            return LatchMode.ASYMMETRIC;
        }
        if (request.flag("strict-source")) {
            return LatchMode.STRICT_SOURCE;
        }
        if (request.flag("media-handover")) {
            return LatchMode.HANDOVER;
        }
        final String learning = request.string("learning");
        if ("ssrc".equals(learning)) {
            return LatchMode.SSRC_HANDOVER;
        }
        if (learning != null && !"source".equals(learning)) {
            throw new NgException("Unknown 'learning' value '" + learning + "': expected ssrc or source");
        }
        return LatchMode.LATCH;
    }

    private static SessionDescription parse(final String sdp) throws NgException {
        try {
            return SdpParser.parse(sdp);
        } catch (final SdpException e) {
            throw new NgException("Failed to parse SDP");
        }
    }

    private static Map<String, Object> okWithSdp(final String sdp) {
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "ok");
        reply.put("sdp", sdp);
        return reply;
    }
}
