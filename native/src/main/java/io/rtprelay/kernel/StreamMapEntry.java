package io.rtprelay.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * The byte layout of one {@code relay_streams} entry, {@code struct relay_key} and {@code struct relay_value} in
 * relay.bpf.c. Addresses are 16 bytes (IPv4 as {@code ::ffff:a.b.c.d}) and ports big-endian, as on the wire;
 * the interface index, flags and counters are the kernel's native order.
 * <pre>
 *  key:    0 local address[16]  16 local port[2]  18 zero[2]                                     (20 bytes)
 *  value:  0 source address[16]  16 new source address[16]  32 new destination address[16]
 *         48 source port[2]  50 new source port[2]  52 new destination port[2]  54 tos  55 ttl
 *         56 egress ifindex[4]  60 flags[4]  64 packets[8]  72 bytes[8]  80 last seen ns[8]        (88 bytes)
 * </pre>
 */
final class StreamMapEntry {
    static final int KEY_SIZE = 20;
    static final int VALUE_SIZE = 88;
    static final int PACKETS = 64;
    static final int BYTES = 72;
    static final int LAST_SEEN = 80;

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NATIVE_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong NATIVE_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final byte[] V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private StreamMapEntry() {
    }

    static void writeKey(final MemorySegment key, final InetSocketAddress local) {
        key.fill((byte) 0);
        writeAddress(key, 0, local.getAddress());
        key.set(PORT, 16, (short) local.getPort());
    }

    /** Writes the stream with counters {@code packets}, {@code bytes}, {@code lastSeenNs} (kept across a re-put). */
    static void writeValue(final MemorySegment value, final KernelStream stream, final KernelCounters counters) {
        value.fill((byte) 0);
        writeAddress(value, 0, stream.source().getAddress());
        writeAddress(value, 16, stream.newSource().getAddress());
        writeAddress(value, 32, stream.newDestination().getAddress());
        value.set(PORT, 48, (short) stream.source().getPort());
        value.set(PORT, 50, (short) stream.newSource().getPort());
        value.set(PORT, 52, (short) stream.newDestination().getPort());
        value.set(ValueLayout.JAVA_BYTE, 54, (byte) stream.tos());
        value.set(ValueLayout.JAVA_BYTE, 55, (byte) stream.ttl());
        value.set(NATIVE_INT, 56, stream.egressIfindex());
        if (counters != null) {
            value.set(NATIVE_LONG, PACKETS, counters.packets());
            value.set(NATIVE_LONG, BYTES, counters.bytes());
            value.set(NATIVE_LONG, LAST_SEEN, counters.lastSeenNs());
        }
    }

    static KernelCounters readCounters(final MemorySegment value) {
        return new KernelCounters(value.get(NATIVE_LONG, PACKETS), value.get(NATIVE_LONG, BYTES),
            value.get(NATIVE_LONG, LAST_SEEN));
    }

    private static void writeAddress(final MemorySegment to, final long offset, final InetAddress address) {
        final byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            MemorySegment.copy(V4_MAPPED, 0, to, ValueLayout.JAVA_BYTE, offset, V4_MAPPED.length);
            MemorySegment.copy(raw, 0, to, ValueLayout.JAVA_BYTE, offset + 12, 4);
        } else {
            MemorySegment.copy(raw, 0, to, ValueLayout.JAVA_BYTE, offset, 16);
        }
    }
}
