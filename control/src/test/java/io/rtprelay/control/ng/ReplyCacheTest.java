package io.rtprelay.control.ng;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyCacheTest {
    private long nowNs = 1_000_000_000L;

    private ReplyCache cache(final int entries, final long bytes) {
        return new ReplyCache(entries, bytes, () -> nowNs);
    }

    private void advanceSeconds(final long s) {
        nowNs += TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void returnsTheSameBytesForTheSameCookie() {
        final ReplyCache c = cache(100, 1 << 20);
        final byte[] reply = "c1 d6:result4:ponge".getBytes();
        c.put("c1", reply);
        assertSame(reply, c.get("c1"));
        assertNull(c.get("c2"));
        assertEquals(1, c.hits());
    }

    @Test
    void keepsAnEntryAtLeastThirtyAndAtMostSixtySeconds() {
        final ReplyCache c = cache(100, 1 << 20);
        c.put("early", new byte[] {1});
        advanceSeconds(29);
        c.put("late", new byte[] {2});
        assertArrayEquals(new byte[] {1}, c.get("early"));
        advanceSeconds(1); // 30 s: rotation, both in the previous generation now
        assertArrayEquals(new byte[] {1}, c.get("early"));
        assertArrayEquals(new byte[] {2}, c.get("late"));
        advanceSeconds(30); // 60 s: the previous generation is dropped
        assertNull(c.get("early"));
        assertNull(c.get("late"));
        assertEquals(0, c.size());
    }

    @Test
    void forgetsEverythingAfterSixtySecondsOfSilence() {
        final ReplyCache c = cache(100, 1 << 20);
        c.put("a", new byte[] {1});
        advanceSeconds(61);
        assertNull(c.get("a"));
        assertEquals(0, c.bytes());
    }

    @Test
    void aRewrittenCookieHoldsTheNewReplyOnly() {
        final ReplyCache c = cache(100, 1 << 20);
        c.put("a", new byte[] {1});
        advanceSeconds(30);
        c.put("a", new byte[] {2, 2});
        assertArrayEquals(new byte[] {2, 2}, c.get("a"));
        assertEquals(1, c.size());
        assertEquals(3, c.bytes());
    }

    @Test
    void staysWithinItsEntryBound() {
        final ReplyCache c = cache(10, 1 << 20);
        for (int i = 0; i < 1000; i++) {
            c.put("cookie" + i, new byte[] {(byte)i});
            assertTrue(c.size() <= 10, "size " + c.size());
        }
        assertArrayEquals(new byte[] {(byte)999}, c.get("cookie999"));
        assertTrue(c.forcedRotations() > 0);
    }

    @Test
    void staysWithinItsByteBoundAndSkipsRepliesLargerThanHalfOfIt() {
        final ReplyCache c = cache(1000, 10_000);
        for (int i = 0; i < 1000; i++) {
            c.put("k" + i, new byte[1000]);
            assertTrue(c.bytes() <= 10_000, "bytes " + c.bytes());
        }
        c.put("huge", new byte[6000]);
        assertNull(c.get("huge"));
    }
}
