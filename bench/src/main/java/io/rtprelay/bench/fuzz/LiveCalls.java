package io.rtprelay.bench.fuzz;

import io.rtprelay.bench.load.NgControl;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live calls a fuzz run must not disturb: plain RTP calls and one SDES call (plain RTP on A's side, SRTP with
 * AES_CM_128_HMAC_SHA1_80 on B's, bridged by the relay), set up with {@code strict-source}. Every 20 ms each
 * endpoint sends one RTP packet, and every second one RTCP sender report, to the relay; each packet carries its
 * index and a payload derived from it, so the receiving endpoint checks that every packet arrived exactly once,
 * intact, and that nothing else (a fuzz packet let through) arrived.
 *
 * <p>Threads: set up on the caller's thread; one thread sends, one receives; counters are read once both stopped.
 */
final class LiveCalls implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("m=audio (\\d+) (\\S+)");
    private static final Pattern RTCP = Pattern.compile("a=rtcp:(\\d+)");
    private static final Pattern CRYPTO = Pattern.compile("a=crypto:(\\d+) AES_CM_128_HMAC_SHA1_80 inline:(\\S+)");
    private static final SrtpProfile SUITE = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
    private static final int PAYLOAD = 160;
    private static final long TICK_NS = 20_000_000L;
    private static final int RTCP_EVERY = 50;

    private final InetAddress loopback;
    private final List<Leg> legs = new ArrayList<>();
    private final List<String> callIds = new ArrayList<>();
    private final List<InetSocketAddress> relayPorts = new ArrayList<>();
    private final Selector selector;
    private volatile boolean running;
    private Thread sender;
    private Thread receiver;

    private LiveCalls(final InetAddress loopback) throws IOException {
        this.loopback = loopback;
        this.selector = Selector.open();
    }

    /**
     * Sets up the calls.
     *
     * @param ng      the relay's ng client.
     * @param plain   plain RTP calls.
     * @param sdes    SDES (RTP to SRTP) calls.
     * @param address the loopback address endpoints bind.
     * @return the calls, not yet streaming.
     */
    static LiveCalls setUp(final NgControl ng, final int plain, final int sdes, final InetAddress address) {
        try {
            final LiveCalls calls = new LiveCalls(address);
            for (int i = 0; i < plain + sdes; i++) {
                calls.setUpCall(ng, "live-" + Long.toHexString(System.nanoTime()) + "-" + i, i >= plain);
            }
            return calls;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void setUpCall(final NgControl ng, final String callId, final boolean srtp) throws IOException {
        final Endpoint a = new Endpoint(loopback);
        final Endpoint b = new Endpoint(loopback);
        final Map<String, Object> offer = request("offer", callId, a.sdp("RTP/AVP", null));
        if (srtp) {
            offer.put("transport-protocol", "RTP/SAVP");
        }
        final String toB = sdpOf(ng.call(offer));
        SrtpContext bSends = null;
        SrtpContext bReceives = null;
        String crypto = null;
        if (srtp) {
            final Matcher c = CRYPTO.matcher(toB);
            if (!c.find()) {
                throw new IllegalStateException("the relay offered no AES_CM_128_HMAC_SHA1_80 key: " + toB);
            }
            final byte[] keyOfB = new byte[SUITE.keySaltLength()];
            new java.security.SecureRandom().nextBytes(keyOfB);
            bReceives = SrtpContext.create(SrtpPolicy.ofKeyAndSalt(SUITE, Base64.getDecoder().decode(c.group(2))));
            bSends = SrtpContext.create(SrtpPolicy.ofKeyAndSalt(SUITE, keyOfB));
            crypto = "a=crypto:" + c.group(1) + " " + SUITE.sdesName() + " inline:"
                + Base64.getEncoder().encodeToString(keyOfB);
        }
        final Map<String, Object> answer = request("answer", callId, b.sdp(srtp ? "RTP/SAVP" : "RTP/AVP", crypto));
        answer.put("to-tag", "b");
        final String toA = sdpOf(ng.call(answer));
        final InetSocketAddress relayA = relayRtp(toA);
        final InetSocketAddress relayB = relayRtp(toB);
        final InetSocketAddress relayRtcpA = relayRtcp(toA, relayA);
        final InetSocketAddress relayRtcpB = relayRtcp(toB, relayB);
        relayPorts.addAll(List.of(relayA, relayRtcpA, relayB, relayRtcpB));
        a.relaySources.addAll(List.of(relayA, relayRtcpA));
        b.relaySources.addAll(List.of(relayB, relayRtcpB));
        callIds.add(callId);
        final int ssrcA = (int) System.nanoTime() | 1;
        final int ssrcB = ssrcA * 31 + 7;
        legs.add(new Leg(callId + " A->B", a, relayA, relayRtcpA, b, ssrcA, null, bReceives));
        legs.add(new Leg(callId + " B->A", b, relayB, relayRtcpB, a, ssrcB, bSends, null));
        a.register(selector);
        b.register(selector);
    }

    private static Map<String, Object> request(final String command, final String callId, final String sdp) {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", command);
        r.put("call-id", callId);
        r.put("from-tag", "a");
        r.put("sdp", sdp);
        r.put("flags", new ArrayList<>(List.of("strict-source")));
        r.put("replace", new ArrayList<>(List.of("origin", "session-connection")));
        r.put("ICE", "remove");
        return r;
    }

    private static String sdpOf(final Map<String, Object> reply) {
        if (!"ok".equals(reply.get("result")) || !(reply.get("sdp") instanceof String sdp)) {
            throw new IllegalStateException("a live call was refused: " + reply);
        }
        return sdp;
    }

    private InetSocketAddress relayRtp(final String sdp) {
        final Matcher m = PORT.matcher(sdp);
        if (!m.find()) {
            throw new IllegalStateException("no m=audio in " + sdp);
        }
        return new InetSocketAddress(loopback, Integer.parseInt(m.group(1)));
    }

    private InetSocketAddress relayRtcp(final String sdp, final InetSocketAddress rtp) {
        final Matcher m = RTCP.matcher(sdp);
        return new InetSocketAddress(loopback, m.find() ? Integer.parseInt(m.group(1)) : rtp.getPort() + 1);
    }

    /** @return the relay's RTP and RTCP ports of every live call (where foreign packets are aimed). */
    List<InetSocketAddress> relayPorts() {
        return List.copyOf(relayPorts);
    }

    /** @return the SSRCs the live endpoints send with (fuzz packets reuse them). */
    int[] ssrcs() {
        final int[] out = new int[legs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = legs.get(i).ssrc;
        }
        return out;
    }

    /** @return the live calls' call-ids. */
    List<String> callIds() {
        return List.copyOf(callIds);
    }

    /** Starts streaming. */
    void start() {
        running = true;
        receiver = Thread.ofPlatform().name("live-receiver").start(this::receiveLoop);
        sender = Thread.ofPlatform().name("live-sender").start(this::sendLoop);
    }

    /** @return true once every leg has delivered at least {@code packets} RTP packets. */
    boolean established(final int packets) {
        for (final Leg leg : legs) {
            if (leg.rtp.distinct < packets || leg.rtcp.distinct < 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops sending, waits (bounded) for packets in flight, stops receiving.
     *
     * @return what each leg sent and received.
     */
    LiveResult stop() {
        running = false;
        join(sender);
        for (int i = 0; i < 200 && !complete(); i++) {
            LockSupport.parkNanos(10_000_000L);
        }
        receiverStop = true;
        join(receiver);
        long sent = 0;
        long delivered = 0;
        long lost = 0;
        long duplicates = 0;
        long corrupt = 0;
        long foreign = 0;
        long stray = 0;
        final List<String> problems = new ArrayList<>();
        for (final Leg leg : legs) {
            for (final Flow f : List.of(leg.rtp, leg.rtcp)) {
                sent += f.sent;
                delivered += f.received.cardinality();
                lost += f.sent - f.received.cardinality();
                duplicates += f.duplicates;
                corrupt += f.corrupt;
                if (f.sent != f.received.cardinality() || f.duplicates + f.corrupt > 0) {
                    problems.add(leg.name + (f == leg.rtp ? " RTP" : " RTCP") + ": sent " + f.sent + ", received "
                        + f.received.cardinality() + ", duplicates " + f.duplicates + ", corrupt " + f.corrupt);
                }
            }
        }
        for (final Endpoint e : endpoints()) {
            foreign += e.foreign;
            stray += e.stray;
        }
        return new LiveResult(legs.size() / 2, sent, delivered, lost, duplicates, corrupt, foreign, stray, problems);
    }

    private volatile boolean receiverStop;

    private boolean complete() {
        for (final Leg leg : legs) {
            if (leg.rtp.distinct < leg.rtp.sent || leg.rtcp.distinct < leg.rtcp.sent) {
                return false;
            }
        }
        return true;
    }

    private static void join(final Thread t) {
        try {
            t.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendLoop() {
        final ByteBuffer buf = ByteBuffer.allocateDirect(2_048);
        long next = System.nanoTime();
        int tick = 0;
        while (running) {
            for (final Leg leg : legs) {
                leg.sendRtp(buf);
                if (tick % RTCP_EVERY == 0) {
                    leg.sendRtcp(buf);
                }
            }
            tick++;
            next += TICK_NS;
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void receiveLoop() {
        final ByteBuffer buf = ByteBuffer.allocateDirect(65_536);
        while (!receiverStop) {
            try {
                selector.select(20);
                for (final SelectionKey key : selector.selectedKeys()) {
                    final Endpoint e = (Endpoint) key.attachment();
                    final DatagramChannel ch = (DatagramChannel) key.channel();
                    while (true) {
                        buf.clear();
                        final SocketAddress source = ch.receive(buf);
                        if (source == null) {
                            break;
                        }
                        buf.flip();
                        deliver(e, ch == e.rtcp, buf, source);
                    }
                }
                selector.selectedKeys().clear();
            } catch (final IOException e) {
                if (!selector.isOpen()) {
                    return;
                }
            }
        }
    }

    /** @return every endpoint that receives, once each. */
    private Set<Endpoint> endpoints() {
        final Set<Endpoint> out = new LinkedHashSet<>();
        for (final Leg leg : legs) {
            out.add(leg.to);
        }
        return out;
    }

    private void deliver(final Endpoint at, final boolean rtcp, final ByteBuffer buf, final SocketAddress source) {
        if (!at.relaySources.contains(source)) {
            at.stray++;
            return;
        }
        for (final Leg leg : legs) {
            if (leg.to == at && leg.accept(rtcp, buf)) {
                return;
            }
        }
        at.foreign++;
    }

    @Override
    public void close() {
        receiverStop = true;
        running = false;
        try {
            selector.close();
        } catch (final IOException e) {
            // closing anyway
        }
        for (final Leg leg : legs) {
            leg.from.close();
        }
    }

    /** One party's RTP and RTCP sockets. */
    private static final class Endpoint {
        final DatagramChannel rtp;
        final DatagramChannel rtcp;
        final InetAddress address;
        /** The relay ports that send this endpoint its call's media (the ports it sends to, symmetric RTP). */
        final Set<SocketAddress> relaySources = new HashSet<>();
        long foreign;
        long stray;

        Endpoint(final InetAddress address) throws IOException {
            this.address = address;
            rtp = DatagramChannel.open().bind(new InetSocketAddress(address, 0));
            rtcp = DatagramChannel.open().bind(new InetSocketAddress(address, 0));
            rtp.configureBlocking(false);
            rtcp.configureBlocking(false);
        }

        String sdp(final String protocol, final String crypto) throws IOException {
            final String ip = address.getHostAddress();
            final String type = address.getAddress().length == 16 ? "IP6" : "IP4";
            return "v=0\r\no=- 1 1 IN " + type + " " + ip + "\r\ns=-\r\nc=IN " + type + " " + ip + "\r\nt=0 0\r\n"
                + "m=audio " + port(rtp) + " " + protocol + " 0\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtcp:" + port(rtcp) + "\r\n" + (crypto == null ? "" : crypto + "\r\n") + "a=sendrecv\r\n";
        }

        private static int port(final DatagramChannel ch) throws IOException {
            return ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }

        void register(final Selector selector) throws IOException {
            if (rtp.keyFor(selector) == null) {
                rtp.register(selector, SelectionKey.OP_READ, this);
                rtcp.register(selector, SelectionKey.OP_READ, this);
            }
        }

        void close() {
            try {
                rtp.close();
                rtcp.close();
            } catch (final IOException e) {
                // closing anyway
            }
        }
    }

    /** Packets of one kind on one leg: sent by the sender thread, received bits by the receiver thread. */
    private static final class Flow {
        volatile long sent;
        final BitSet received = new BitSet();
        /** Distinct packets received, for other threads (the bit set is the receiver's alone). */
        volatile long distinct;
        long duplicates;
        long corrupt;
    }

    /**
     * One direction of a call: who sends, to which relay ports, who receives; SRTP contexts when a side speaks SRTP.
     */
    private static final class Leg {
        final String name;
        final Endpoint from;
        final InetSocketAddress relayRtp;
        final InetSocketAddress relayRtcp;
        final Endpoint to;
        final int ssrc;
        final SrtpContext protect;
        final SrtpContext unprotect;
        final Flow rtp = new Flow();
        final Flow rtcp = new Flow();
        final byte[] scratch = new byte[2_048];

        Leg(final String name, final Endpoint from, final InetSocketAddress relayRtp,
            final InetSocketAddress relayRtcp, final Endpoint to, final int ssrc, final SrtpContext protect,
            final SrtpContext unprotect) {
            this.name = name;
            this.from = from;
            this.relayRtp = relayRtp;
            this.relayRtcp = relayRtcp;
            this.to = to;
            this.ssrc = ssrc;
            this.protect = protect;
            this.unprotect = unprotect;
        }

        void sendRtp(final ByteBuffer buf) {
            final int index = (int) rtp.sent;
            buf.clear();
            writeRtp(buf, index);
            int len = buf.position();
            if (protect != null) {
                len = protect.protectRtp(buf, 0, len);
            }
            send(from.rtp, buf, len, relayRtp);
            rtp.sent = index + 1;
        }

        void sendRtcp(final ByteBuffer buf) {
            final int index = (int) rtcp.sent;
            buf.clear();
            writeRtcp(buf, index);
            int len = buf.position();
            if (protect != null) {
                len = protect.protectRtcp(buf, 0, len);
            }
            send(from.rtcp, buf, len, relayRtcp);
            rtcp.sent = index + 1;
        }

        private static void send(final DatagramChannel ch, final ByteBuffer buf, final int len,
            final InetSocketAddress to) {
            buf.limit(len).position(0);
            try {
                ch.send(buf, to);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void writeRtp(final ByteBuffer buf, final int index) {
            buf.put((byte) 0x80).put((byte) 0).putShort((short) index).putInt(index * 160).putInt(ssrc);
            buf.putInt(index);
            for (int i = 4; i < PAYLOAD; i++) {
                buf.put((byte) (index * 7 + i + ssrc));
            }
        }

        private void writeRtcp(final ByteBuffer buf, final int index) {
            buf.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(ssrc)
                .putInt(index).putInt(0x5EED_F00D).putInt(index * 8_000).putInt(index * 50).putInt(index * 8_000);
        }

        /** @return true when the packet is this leg's; counts it. */
        boolean accept(final boolean isRtcp, final ByteBuffer in) {
            int len = in.remaining();
            if (unprotect != null) {
                final ByteBuffer copy = ByteBuffer.allocate(len);
                copy.put(in.duplicate()).flip();
                len = isRtcp ? unprotect.unprotectRtcp(copy, 0, len) : unprotect.unprotectRtp(copy, 0, len);
                if (len < 0) {
                    return false;
                }
                copy.get(0, scratch, 0, len);
            } else {
                in.get(in.position(), scratch, 0, Math.min(len, scratch.length));
            }
            if (len > scratch.length) {
                return false;
            }
            final ByteBuffer p = ByteBuffer.wrap(scratch, 0, len);
            if (len < 12 || p.getInt(isRtcp ? 4 : 8) != ssrc) {
                return false;
            }
            final Flow f = isRtcp ? rtcp : rtp;
            final int index = p.getInt(isRtcp ? 8 : 12);
            final ByteBuffer expected = ByteBuffer.allocate(2_048);
            if (isRtcp) {
                writeRtcp(expected, index);
            } else {
                writeRtp(expected, index);
            }
            if (index < 0 || len != expected.position()
                || !java.util.Arrays.equals(scratch, 0, len, expected.array(), 0, len)) {
                f.corrupt++;
                return true;
            }
            if (f.received.get(index)) {
                f.duplicates++;
            } else {
                f.received.set(index);
                f.distinct++;
            }
            return true;
        }
    }
}
