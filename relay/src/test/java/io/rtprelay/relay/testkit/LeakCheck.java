package io.rtprelay.relay.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes Netty's leak detector (paranoid in the build) fail tests instead of only logging: installs a detector
 * factory whose detectors record every leak they find. Must be installed before Netty's buffer classes are first
 * used in the JVM; {@link #assertNoLeaks()} then collects garbage, lets the detector run, and fails on any leak.
 */
public final class LeakCheck {
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    private LeakCheck() {
    }

    /** Installs the recording detector factory once per JVM. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(final Class<T> resource, final int interval,
                                                                       final long maxActive) {
                return new RecordingDetector<>(resource, interval);
            }
        });
    }

    /** Records leaks for the assertion (which prints them) instead of logging them. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(final Class<T> resource, final int interval) {
            super(resource, interval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(final String resourceType, final String records) {
            record(resourceType + " leaked; " + records);
        }

        @Override
        protected void reportUntracedLeak(final String resourceType) {
            record(resourceType + " leaked (untraced)");
        }
    }

    private static synchronized void record(final String leak) {
        LEAKS.add(leak);
    }

    /** Collects garbage, has the detector poll its queue (it does so when it tracks a buffer), and checks. */
    public static void assertNoLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 16; i++) {
                final ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
            }
        }
        synchronized (LeakCheck.class) {
            if (!LEAKS.isEmpty()) {
                final String first = LEAKS.getFirst();
                LEAKS.clear();
                throw new AssertionError("Netty buffers leaked: " + first);
            }
        }
    }
}
