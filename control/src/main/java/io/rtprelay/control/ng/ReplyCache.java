package io.rtprelay.control.ng;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Replies by cookie, so that a retransmitted request gets the byte-identical reply without running its command
 * again (an offer must not allocate a second set of ports because Kamailio's reply timer fired).
 *
 * <p>Behaves as rtpengine's cookie cache: keyed on the cookie alone (not on the sender: a retransmit from
 * another source port is still recognised, and two clients that send the same cookie share one entry, as with
 * rtpengine), every reply cached (errors too), two generations that rotate every
 * {@value #ROTATION_SECONDS} seconds, so an entry lives between 30 and 60 seconds (rtpengine keeps the last
 * generation beyond 60 seconds when no request came for a while; here 60 seconds is a hard bound). rtpengine
 * bounds neither size nor count; this cache also rotates early when the current generation reaches half the entry
 * or byte budget, so memory stays bounded under any load (the cost: an entry may then live less than 30 seconds;
 * counted in {@link #forcedRotations()}).
 *
 * <p>Owned by the control thread (not thread-safe); the counters may be read from any thread. A retransmit that
 * arrives while its command is still running waits in the control thread's queue and is answered from here once
 * the command has finished, which is what rtpengine does by blocking the retransmit's thread.
 */
public final class ReplyCache {
    /** Generation length in seconds, as rtpengine's. */
    public static final int ROTATION_SECONDS = 30;
    /** Default bound on cached replies, both generations together. */
    public static final int DEFAULT_MAX_ENTRIES = 65_536;
    /** Default bound on cached bytes (cookies and replies), both generations together. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private static final long ROTATION_NS = TimeUnit.SECONDS.toNanos(ROTATION_SECONDS);

    private final LongSupplier nanoClock;
    private final int maxEntriesPerGeneration;
    private final long maxBytesPerGeneration;
    private Map<String, byte[]> current = new HashMap<>();
    private Map<String, byte[]> previous = new HashMap<>();
    private long currentBytes;
    private long previousBytes;
    private long rotatedAtNs;
    private volatile long hits;
    private volatile long forcedRotations;

    /** A cache with the default bounds on {@link System#nanoTime()}. */
    public ReplyCache() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES, System::nanoTime);
    }

    /**
     * @param maxEntries bound on entries, both generations together (at least 2).
     * @param maxBytes   bound on cookie and reply bytes, both generations together.
     * @param nanoClock  the monotonic clock, {@code System::nanoTime} outside tests.
     */
    public ReplyCache(final int maxEntries, final long maxBytes, final LongSupplier nanoClock) {
        if (maxEntries < 2 || maxBytes < 2) {
            throw new IllegalArgumentException("cache bounds too small: " + maxEntries + ", " + maxBytes + " B");
        }
        this.nanoClock = nanoClock;
        this.maxEntriesPerGeneration = maxEntries / 2;
        this.maxBytesPerGeneration = maxBytes / 2;
        this.rotatedAtNs = nanoClock.getAsLong();
    }

    /**
     * @param cookie the request's cookie.
     * @return the whole reply datagram sent for it within the last 30 to 60 seconds, or null.
     */
    public byte[] get(final String cookie) {
        rotateIfDue();
        byte[] reply = current.get(cookie);
        if (reply == null) {
            reply = previous.get(cookie);
        }
        if (reply != null) {
            hits++;
        }
        return reply;
    }

    /**
     * Remembers the reply sent for a cookie (replacing an older one). A reply bigger than half the byte budget is
     * not cached.
     *
     * @param cookie the request's cookie.
     * @param reply  the whole reply datagram; not copied, the caller must not change it.
     */
    public void put(final String cookie, final byte[] reply) {
        rotateIfDue();
        final long size = cost(cookie, reply);
        if (size > maxBytesPerGeneration) {
            return;
        }
        final byte[] old = previous.remove(cookie);
        if (old != null) {
            previousBytes -= cost(cookie, old);
        }
        final byte[] replaced = current.get(cookie);
        if (replaced == null
            && (current.size() >= maxEntriesPerGeneration || currentBytes + size > maxBytesPerGeneration)) {
            rotate();
            forcedRotations++;
        }
        final byte[] before = current.put(cookie, reply);
        if (before != null) {
            currentBytes -= cost(cookie, before);
        }
        currentBytes += size;
    }

    /** @return how many entries are cached now. */
    public int size() {
        return current.size() + previous.size();
    }

    /** @return cookie and reply bytes cached now. */
    public long bytes() {
        return currentBytes + previousBytes;
    }

    /** @return how many lookups found a reply. */
    public long hits() {
        return hits;
    }

    /** @return how many times a full generation was rotated before its 30 seconds were up. */
    public long forcedRotations() {
        return forcedRotations;
    }

    private static long cost(final String cookie, final byte[] reply) {
        return cookie.length() + (long)reply.length;
    }

    private void rotateIfDue() {
        final long elapsedNs = nanoClock.getAsLong() - rotatedAtNs;
        if (elapsedNs >= ROTATION_NS) {
            rotate();
            if (elapsedNs >= 2 * ROTATION_NS) {
                // idle for two generations: what rotated into 'previous' is older than 60 s too (rtpengine
                // would still answer it; we keep the bound)
                rotate();
            }
        }
    }

    private void rotate() {
        previous = current;
        previousBytes = currentBytes;
        current = new HashMap<>();
        currentBytes = 0;
        rotatedAtNs = nanoClock.getAsLong();
    }
}
