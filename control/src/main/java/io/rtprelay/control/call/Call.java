package io.rtprelay.control.call;

import io.rtprelay.control.record.CallRecording;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One call, as ng's call-id names it: its monologues by tag, when it was created and last signalled, and whether a
 * delete is pending (rtpengine's delete-delay). Control thread only.
 */
final class Call {
    final String callId;
    final long createdMs;
    final long createdNs;
    long lastSignalMs;
    long lastSignalNs;
    /** Who created it, the ng client's {@code address:port} (rtpengine's {@code created_from}); may be empty. */
    String createdFrom = "";
    /** 0 while the call lives; else the {@code System.nanoTime()} at which a delayed delete takes effect. */
    long deleteAtNs;
    /** The running recording, null when the call is not recorded. */
    CallRecording recording;
    /** The {@code metadata} string of the last offer, answer or start recording that had one, for the recording. */
    String recordingMetadata;
    /** When the first delete came (epoch microseconds, rtpengine's monologue terminate time), 0 before. */
    long terminatedUs;
    /** {@link io.rtprelay.relay.stream.MediaControl} actions for every party's media (block media etc.). */
    int mediaActions;
    /** Whether a media control command ever touched this call: offers and answers then re-apply it. */
    boolean mediaControlled;
    /** The monologue each tag names; lookups only. */
    final Map<String, Monologue> monologues = new LinkedHashMap<>();
    /**
     * Every monologue made, in order: what holds sockets and what is closed. Two can share a tag (an offer without
     * to-tag while another party's peer is still unnamed, or an empty from-tag), and then only one is in the map.
     */
    final List<Monologue> parties = new ArrayList<>();

    Call(final String callId, final long nowMs, final long nowNs) {
        this.callId = callId;
        this.createdMs = nowMs;
        this.createdNs = nowNs;
        this.lastSignalMs = nowMs;
        this.lastSignalNs = nowNs;
    }

    void signalled(final long nowMs, final long nowNs) {
        lastSignalMs = nowMs;
        lastSignalNs = nowNs;
    }

    Monologue monologue(final String tag) {
        return monologues.get(tag);
    }

    Monologue create(final String tag, final long nowMs) {
        final Monologue m = new Monologue(tag, nowMs);
        monologues.put(tag, m);
        parties.add(m);
        return m;
    }

    void rename(final Monologue m, final String tag) {
        monologues.remove(m.tag, m);
        m.tag = tag;
        monologues.put(tag, m);
    }
}
