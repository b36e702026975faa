package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls through a relay under test with paced RTP both ways, counted per call and direction: how many packets each
 * party sent and how many the other party received. Each call is two parties, A (the offerer) and B, each one UDP
 * socket on loopback; A sends to the relay port from the answer, B to the one from the offer.
 *
 * <p>Threads: the test thread sets calls up and reads counters; one {@code rtp-send} thread paces every call's
 * packets; one {@code rtp-receive} thread reads every socket through a selector. Both stop on {@link #close()} or
 * after the bounded duration given to {@link #startSending}.
 */
public final class RtpLoad implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final int PACKET_BYTES = 172;
    private static final int A_TO_B = 0;
    private static final int B_TO_A = 1;
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final List<Call> calls;
    private final AtomicLongArray sent;
    private final AtomicLongArray received;
    private final AtomicLong foreign = new AtomicLong();
    private final Selector selector;
    private volatile boolean closed;
    private Thread sender;
    private Thread receiver;

    /** One call: its id, both parties' sockets, and where each sends. */
    private static final class Call {
        final String callId;
        final DatagramChannel a;
        final DatagramChannel b;
        InetSocketAddress relayForA;
        InetSocketAddress relayForB;
        boolean sending = true;

        Call(final String callId, final DatagramChannel a, final DatagramChannel b) {
            this.callId = callId;
            this.a = a;
            this.b = b;
        }
    }

    private RtpLoad(final List<Call> calls) throws IOException {
        this.calls = calls;
        this.sent = new AtomicLongArray(calls.size() * 2);
        this.received = new AtomicLongArray(calls.size() * 2);
        this.selector = Selector.open();
    }

    /**
     * Sets up calls with offer and answer.
     *
     * @param ng     the relay's ng client.
     * @param prefix call-ids are {@code prefix-0}, {@code prefix-1}, ...
     * @param count  how many calls.
     * @return the calls, no media sent yet.
     */
    public static RtpLoad establish(final NgClient ng, final String prefix, final int count) {
        final List<Call> calls = new ArrayList<>();
        boolean done = false;
        try {
            for (int i = 0; i < count; i++) {
                final Call call = new Call(prefix + "-" + i, open(), open());
                calls.add(call);
                final Map<String, Object> offer = ng.call(offer(call));
                call.relayForB = relayPort(offer);
                final Map<String, Object> answer = ng.call(request("answer", call.callId, "from-tag", "a",
                    "to-tag", "b", "sdp", sdp(call.b, 2)));
                call.relayForA = relayPort(answer);
            }
            final RtpLoad load = new RtpLoad(calls);
            done = true;
            return load;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!done) {
                calls.forEach(RtpLoad::closeQuietly);
            }
        }
    }

    /** @return how many calls. */
    public int size() {
        return calls.size();
    }

    /**
     * @param i a call's index.
     * @return its call-id.
     */
    public String callId(final int i) {
        return calls.get(i).callId;
    }

    /**
     * @param i a call's index.
     * @return its offer again, as sent when it was set up (a re-offer).
     */
    public Map<String, Object> reOffer(final int i) {
        return offer(calls.get(i));
    }

    /**
     * @param i a call's index.
     * @return its answer again, as sent when it was set up (a re-answer).
     */
    public Map<String, Object> reAnswer(final int i) {
        final Call call = calls.get(i);
        return request("answer", call.callId, "from-tag", "a", "to-tag", "b", "sdp", sdp(call.b, 2));
    }

    /**
     * Starts sending on every call, both ways.
     *
     * @param packetsPerSecond per call and direction.
     * @param maxDuration      sending stops by itself after this.
     */
    public void startSending(final int packetsPerSecond, final Duration maxDuration) {
        try {
            for (int i = 0; i < calls.size(); i++) {
                final Call call = calls.get(i);
                call.a.register(selector, SelectionKey.OP_READ, i * 2 + B_TO_A);
                call.b.register(selector, SelectionKey.OP_READ, i * 2 + A_TO_B);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver = Thread.ofPlatform().name("rtp-receive").daemon().start(this::receiveLoop);
        final long periodNs = TimeUnit.SECONDS.toNanos(1) / packetsPerSecond;
        final long endNs = System.nanoTime() + maxDuration.toNanos();
        sender = Thread.ofPlatform().name("rtp-send").daemon().start(() -> sendLoop(periodNs, endNs));
    }

    /**
     * Stops sending on one call; packets already sent may still be on their way.
     *
     * @param i the call's index.
     */
    public void stopSending(final int i) {
        final Call call = calls.get(i);
        synchronized (call) {
            call.sending = false;
        }
    }

    /**
     * @param i         a call's index.
     * @param direction 0: A to B, 1: B to A.
     * @return packets sent that way.
     */
    public long sent(final int i, final int direction) {
        return sent.get(i * 2 + direction);
    }

    /**
     * @param i         a call's index.
     * @param direction 0: A to B (received by B), 1: B to A (received by A).
     * @return packets received that way.
     */
    public long received(final int i, final int direction) {
        return received.get(i * 2 + direction);
    }

    /** @return packets that arrived at a party of another call or direction than they were sent on. */
    public long misrouted() {
        return foreign.get();
    }

    /**
     * Waits until every call has received at least this many packets in both directions.
     *
     * @param minimum per call and direction.
     * @param timeout how long to wait.
     * @throws AssertionError when they do not arrive in time.
     */
    public void awaitFlowing(final long minimum, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        for (int k = 0; k < received.length(); k++) {
            while (received.get(k) < minimum) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new AssertionError("call " + calls.get(k / 2).callId + " direction " + k % 2 + " received "
                        + received.get(k) + " packets, expected at least " + minimum + " within " + timeout);
                }
                LockSupport.parkNanos(POLL_NS);
            }
        }
    }

    /**
     * Waits until a call (no longer sending) has received, each way, every packet sent.
     *
     * @param i       the call's index.
     * @param timeout how long in-flight packets get.
     * @throws AssertionError when packets are missing after the timeout.
     */
    public void awaitDelivered(final int i, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        for (int direction = A_TO_B; direction <= B_TO_A; direction++) {
            while (received(i, direction) < sent(i, direction)) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new AssertionError("call " + callId(i) + " direction " + direction + ": sent "
                        + sent(i, direction) + ", received " + received(i, direction) + " (lost "
                        + (sent(i, direction) - received(i, direction)) + ")");
                }
                LockSupport.parkNanos(POLL_NS);
            }
        }
    }

    private void sendLoop(final long periodNs, final long endNs) {
        final ByteBuffer packet = ByteBuffer.allocate(PACKET_BYTES);
        long nextNs = System.nanoTime();
        while (!closed && System.nanoTime() - endNs < 0) {
            for (int i = 0; i < calls.size(); i++) {
                final Call call = calls.get(i);
                synchronized (call) {
                    if (call.sending) {
                        send(call.a, call.relayForA, packet, i, A_TO_B);
                        send(call.b, call.relayForB, packet, i, B_TO_A);
                    }
                }
            }
            nextNs += periodNs;
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(waitNs);
            }
        }
    }

    private void send(final DatagramChannel from, final InetSocketAddress to, final ByteBuffer packet, final int call,
        final int direction) {
        final int k = call * 2 + direction;
        final long seq = sent.get(k);
        packet.clear();
        packet.put((byte)0x80).put((byte)0).putShort((short)seq).putInt((int)(seq * 160)).putInt(0x1000 + k);
        packet.putInt(call).putInt(direction).putLong(seq);
        while (packet.hasRemaining()) {
            packet.put((byte)0xd5);
        }
        packet.flip();
        try {
            if (from.send(packet, to) == PACKET_BYTES) {
                sent.incrementAndGet(k);
            }
        } catch (final IOException e) {
            if (!closed) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void receiveLoop() {
        final ByteBuffer in = ByteBuffer.allocate(2048);
        try {
            while (!closed) {
                selector.select(100);
                for (final SelectionKey key : selector.selectedKeys()) {
                    final DatagramChannel channel = (DatagramChannel)key.channel();
                    final int expected = (Integer)key.attachment();
                    in.clear();
                    while (channel.receive(in) != null) {
                        in.flip();
                        final int k = in.remaining() == PACKET_BYTES ? in.getInt(12) * 2 + in.getInt(16) : -1;
                        if (k == expected) {
                            received.incrementAndGet(k);
                        } else {
                            foreign.incrementAndGet();
                        }
                        in.clear();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (final IOException e) {
            if (!closed) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Map<String, Object> offer(final Call call) {
        return request("offer", call.callId, "from-tag", "a", "sdp", sdp(call.a, 1));
    }

    /**
     * @param command an ng command.
     * @param callId  its call-id.
     * @param kv      further keys and values.
     * @return the request dictionary.
     */
    public static Map<String, Object> request(final String command, final String callId, final Object... kv) {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", command);
        r.put("call-id", callId);
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String)kv[i], kv[i + 1]);
        }
        return r;
    }

    /**
     * @param port    the party's RTP port.
     * @param session its SDP session id.
     * @return an SDP offering PCMU on that port of 127.0.0.1.
     */
    public static String sdp(final int port, final int session) {
        return "v=0\r\n"
            + "o=- " + session + " 1 IN IP4 127.0.0.1\r\n"
            + "s=-\r\n"
            + "c=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\n"
            + "m=audio " + port + " RTP/AVP 0\r\n"
            + "a=sendrecv\r\n";
    }

    private static String sdp(final DatagramChannel party, final int session) {
        try {
            return sdp(((InetSocketAddress)party.getLocalAddress()).getPort(), session);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetSocketAddress relayPort(final Map<String, Object> reply) {
        if (!"ok".equals(reply.get("result"))) {
            throw new AssertionError("reply: " + reply);
        }
        final Matcher m = M_PORT.matcher((String)reply.get("sdp"));
        if (!m.find()) {
            throw new AssertionError("no m=audio port in " + reply.get("sdp"));
        }
        return new InetSocketAddress(LOOPBACK, Integer.parseInt(m.group(1)));
    }

    private static DatagramChannel open() throws IOException {
        final DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(LOOPBACK, 0));
        channel.configureBlocking(false);
        return channel;
    }

    private static void closeQuietly(final Call call) {
        try {
            call.a.close();
            call.b.close();
        } catch (final IOException e) {
            // closing a datagram channel does not fail in practice; nothing to do in a test's cleanup
            return;
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            if (sender != null) {
                sender.join(2_000);
            }
            if (receiver != null) {
                receiver.join(2_000);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (final Call call : calls) {
            closeQuietly(call);
        }
        try {
            selector.close();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
