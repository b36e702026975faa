package io.rtprelay.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The replay window against a plain model, over a lossy, reordering, duplicating sequence (RFC 3711 §3.3.2). */
class ReplayWindowTest {
    @ParameterizedTest
    @ValueSource(ints = {64, 128, 1024})
    void acceptsEachIndexOnceAndNothingOlderThanTheWindowOverALossyReorderingSequence(final int size) {
        final ReplayWindow window = new ReplayWindow(size);
        final Set<Long> seen = new HashSet<>();
        long highest = -1;
        int accepted = 0;
        int rejected = 0;
        for (final long index : lossyReorderingSequence(20_000, size)) {
            final boolean model = !seen.contains(index) && (highest < 0 || index > highest - size);
            assertEquals(model, window.accepts(index), "index " + index + " highest " + highest);
            if (model) {
                window.accept(index);
                seen.add(index);
                highest = Math.max(highest, index);
                accepted++;
            } else {
                rejected++;
            }
            assertEquals(highest, window.highest());
        }
        assertTrue(accepted > 15_000 && rejected > 1_000, accepted + " accepted, " + rejected + " rejected");
    }

    /** Mostly in order; 5% lost, 10% displaced by up to 1.5 windows, 5% sent twice, some jumps ahead. */
    private static List<Long> lossyReorderingSequence(final int count, final int size) {
        final SplittableRandom random = new SplittableRandom(size);
        final List<Long> out = new ArrayList<>();
        long next = 1000;
        for (int i = 0; i < count; i++) {
            final int roll = random.nextInt(100);
            if (roll < 5) {
                next++;
                continue;
            }
            if (roll < 15) {
                out.add(Math.max(0, next - random.nextInt(1, size + size / 2)));
            } else if (roll < 20) {
                out.add(next - 1);
            } else if (roll == 20) {
                next += random.nextInt(size, 3 * size);
            }
            out.add(next++);
        }
        return out;
    }

    @Test
    void rejectsAnIndexExactlyOneWindowBehindAndAcceptsTheOneInside() {
        final ReplayWindow window = new ReplayWindow(64);
        window.accept(100);
        assertFalse(window.accepts(100));
        assertTrue(window.accepts(37));
        assertFalse(window.accepts(36));
        window.accept(37);
        assertFalse(window.accepts(37));
        window.accept(1000);
        assertFalse(window.accepts(100), "slid out of the window");
        assertTrue(window.accepts(999));
    }

    @Test
    void refusesSizesThatAreNotPowersOfTwoFrom64To1024() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(32));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(96));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(2048));
    }
}
