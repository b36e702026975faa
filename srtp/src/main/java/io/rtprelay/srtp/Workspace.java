package io.rtprelay.srtp;

import io.rtprelay.srtp.cipher.AesCtr;

/**
 * Per-thread scratch of the packet path: a heap copy of a packet held in a direct buffer (JCE works on arrays) and
 * the counter and keystream blocks. One per event-loop thread instead of one per context keeps memory flat with
 * the number of streams; a context caches its thread's workspace and looks it up again only if another thread
 * calls it.
 */
final class Workspace {
    /** The largest packet handled: a UDP datagram's payload, plus the room protect appends. */
    static final int MAX_PACKET = 65536;
    /** What protect appends at most: SRTCP trailer, the longest MKI, the longest tag (GCM's). */
    private static final int ROOM = 4 + SrtpPolicy.MAX_MKI_LENGTH + 16;
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    final Thread owner = Thread.currentThread();
    final byte[] packet = new byte[MAX_PACKET + ROOM];
    final byte[] counters = new byte[AesCtr.CHUNK];
    final byte[] keystream = new byte[AesCtr.CHUNK];

    private Workspace() {
    }

    static Workspace current() {
        return LOCAL.get();
    }
}
