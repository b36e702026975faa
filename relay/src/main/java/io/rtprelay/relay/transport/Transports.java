package io.rtprelay.relay.transport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Chooses the Netty transport. "auto" takes epoll, else io_uring, else NIO; an explicitly named transport that is
 * unavailable fails fast instead.
 *
 * <p>Why epoll before io_uring for media (docs/PERFORMANCE.md has the figures): a relay holds thousands of UDP sockets
 * that each see one datagram per wake-up (50 packets/s per stream). Netty 4.2's io_uring datagram channel reserves
 * 2 x 256 msghdr slots per socket (about 100 KB of heap plus native memory, not configurable), so 1,000 calls (4,000
 * sockets) need about 0.8 GB where epoll needs a few MB; it re-arms a poll per receive, and it spent 25-40 % more CPU
 * per forwarded packet than epoll here, with a worse latency tail. io_uring stays available by name
 * ({@code --transport=io_uring}); containers that forbid io_uring through seccomp never see it.
 *
 * <p>The native transports are probed once, on first use (a class-holder idiom, so any thread may call); each
 * unavailability reason is logged once, at that time, as Netty's own {@code unavailabilityCause()} reports it.
 */
public final class Transports {
    /** Accepted by {@link #select(String)}: the best available transport for media (epoll, io_uring, NIO). */
    public static final String AUTO = "auto";
    /** Linux io_uring, Netty's {@code IoUringIoHandler}. */
    public static final String IO_URING = "io_uring";
    /** Linux epoll, Netty's {@code EpollIoHandler}. */
    public static final String EPOLL = "epoll";
    /** Java NIO, everywhere. */
    public static final String NIO = "nio";

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    private Transports() {
    }

    /**
     * @param preference "auto", "io_uring", "epoll" or "nio" (case-insensitive; "iouring" and "io-uring" are
     *                   accepted for io_uring).
     * @return the transport to run the media event loops on.
     * @throws IllegalArgumentException if the preference names no transport.
     * @throws IllegalStateException    if the named transport is unavailable here (the cause says why).
     */
    public static Transport select(final String preference) {
        final String wanted = normalize(preference);
        final Transport chosen;
        if (AUTO.equals(wanted)) {
            chosen = Probe.EPOLL_CAUSE == null ? epoll() : Probe.IO_URING_CAUSE == null ? ioUring() : nio();
        } else {
            final Throwable cause = unavailabilityCause(wanted);
            if (cause != null) {
                throw new IllegalStateException("transport " + wanted + " is unavailable: " + cause, cause);
            }
            chosen = switch (wanted) {
                case IO_URING -> ioUring();
                case EPOLL -> epoll();
                default -> nio();
            };
        }
        LOG.info("media transport: {} (asked for {})", chosen.name(), wanted);
        return chosen;
    }

    /**
     * @param name "io_uring", "epoll" or "nio".
     * @return whether that transport can run here.
     */
    public static boolean isAvailable(final String name) {
        return unavailabilityCause(normalize(name)) == null;
    }

    /**
     * @param name "io_uring", "epoll" or "nio".
     * @return why that transport cannot run here, or null when it can.
     */
    public static Throwable unavailabilityCause(final String name) {
        return switch (normalize(name)) {
            case IO_URING -> Probe.IO_URING_CAUSE;
            case EPOLL -> Probe.EPOLL_CAUSE;
            case NIO -> null;
            default -> throw new IllegalArgumentException("no such transport: " + name);
        };
    }

    private static String normalize(final String name) {
        final String lower = name == null ? AUTO : name.trim().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "", AUTO -> AUTO;
            case IO_URING, "iouring", "io-uring" -> IO_URING;
            case EPOLL -> EPOLL;
            case NIO -> NIO;
            default -> throw new IllegalArgumentException(
                "no such transport: " + name + " (auto, io_uring, epoll or nio)");
        };
    }

    private static Transport ioUring() {
        return new Transport(IO_URING, IoUringIoHandler.newFactory(), IoUringDatagramChannel.class);
    }

    private static Transport epoll() {
        return new Transport(EPOLL, EpollIoHandler.newFactory(), EpollDatagramChannel.class);
    }

    private static Transport nio() {
        return new Transport(NIO, NioIoHandler.newFactory(), NioDatagramChannel.class);
    }

    /** Probes the native transports once, when first needed, and logs each reason one is unavailable. */
    private static final class Probe {
        static final Throwable IO_URING_CAUSE = probe(IO_URING, true);
        static final Throwable EPOLL_CAUSE = probe(EPOLL, false);

        private Probe() {
        }

        private static Throwable probe(final String name, final boolean ioUring) {
            Throwable cause;
            try {
                cause = ioUring ? ioUringCause() : epollCause();
            } catch (final LinkageError | RuntimeException e) {
                cause = e;
            }
            if (cause != null) {
                LOG.info("media transport {} is unavailable: {}", name, cause.toString());
            }
            return cause;
        }

        private static Throwable ioUringCause() {
            return IoUring.isAvailable() ? null : orUnknown(IoUring.unavailabilityCause());
        }

        private static Throwable epollCause() {
            return Epoll.isAvailable() ? null : orUnknown(Epoll.unavailabilityCause());
        }

        private static Throwable orUnknown(final Throwable cause) {
            return cause != null ? cause : new UnsupportedOperationException("unavailable, no reason given");
        }
    }
}
