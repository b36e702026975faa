package io.rtprelay.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Java side of the map entry against the compiled program's own idea of it: the member offsets and sizes of
 * {@code struct relay_key} and {@code struct relay_value} read from the object's BTF with bpftool (installed by
 * scripts/install-deps.sh; without it the test fails: a cross-check that silently skips proves nothing).
 */
class StreamMapEntryTest {
    private static final Pattern STRUCT = Pattern.compile("STRUCT '(\\w+)' size=(\\d+)");
    private static final Pattern MEMBER = Pattern.compile("^\\s+'(\\w+)' type_id=\\d+ bits_offset=(\\d+)");
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final Map<String, Integer> SIZES = new HashMap<>();
    private static final Map<String, Integer> OFFSETS = new HashMap<>();

    @BeforeAll
    static void readBtf() throws Exception {
        final Process p = new ProcessBuilder("bpftool", "btf", "dump", "file",
            "target/classes/io/rtprelay/kernel/" + BpfObject.RESOURCE, "format", "raw").redirectErrorStream(true)
            .start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("bpftool btf dump failed (scripts/install-deps.sh installs bpftool): " + out);
        }
        String struct = null;
        for (final String line : out.split("\n")) {
            final Matcher s = STRUCT.matcher(line);
            final Matcher m = MEMBER.matcher(line);
            if (s.find()) {
                struct = s.group(1);
                SIZES.put(struct, Integer.parseInt(s.group(2)));
            } else if (m.find() && struct != null) {
                OFFSETS.put(struct + "." + m.group(1), Integer.parseInt(m.group(2)) / 8);
            } else {
                struct = null;
            }
        }
    }

    @Test
    void theKeyIsWhereTheProgramLooksForIt() throws Exception {
        assertEquals(StreamMapEntry.KEY_SIZE, SIZES.get("relay_key"));
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment key = arena.allocate(StreamMapEntry.KEY_SIZE);
            StreamMapEntry.writeKey(key, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 30002));
            assertArrayEquals(mapped("192.0.2.1"), bytes(key, at("relay_key.addr"), 16));
            assertEquals((short) 30002, key.get(BE_SHORT, at("relay_key.port")));
            assertEquals((short) 0, key.get(BE_SHORT, at("relay_key.zero")));
        }
    }

    @Test
    void theValueIsWhereTheProgramLooksForIt() throws Exception {
        assertEquals(StreamMapEntry.VALUE_SIZE, SIZES.get("relay_value"));
        assertEquals(StreamMapEntry.PACKETS, at("relay_value.packets"));
        assertEquals(StreamMapEntry.BYTES, at("relay_value.bytes"));
        assertEquals(StreamMapEntry.LAST_SEEN, at("relay_value.last_seen_ns"));
        final KernelStream stream = new KernelStream(endpoint("192.0.2.1", 30000), endpoint("192.0.2.2", 5004),
            endpoint("198.51.100.1", 30002), endpoint("198.51.100.2", 6000), 0xb8, 63, 7);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment value = arena.allocate(StreamMapEntry.VALUE_SIZE);
            StreamMapEntry.writeValue(value, stream, new KernelCounters(11, 22, 33));
            assertArrayEquals(mapped("192.0.2.2"), bytes(value, at("relay_value.src_addr"), 16));
            assertArrayEquals(mapped("198.51.100.1"), bytes(value, at("relay_value.new_src_addr"), 16));
            assertArrayEquals(mapped("198.51.100.2"), bytes(value, at("relay_value.new_dst_addr"), 16));
            assertEquals((short) 5004, value.get(BE_SHORT, at("relay_value.src_port")));
            assertEquals((short) 30002, value.get(BE_SHORT, at("relay_value.new_src_port")));
            assertEquals((short) 6000, value.get(BE_SHORT, at("relay_value.new_dst_port")));
            assertEquals((byte) 0xb8, value.get(ValueLayout.JAVA_BYTE, at("relay_value.tos")));
            assertEquals((byte) 63, value.get(ValueLayout.JAVA_BYTE, at("relay_value.ttl")));
            assertEquals(7, value.get(ValueLayout.JAVA_INT_UNALIGNED, at("relay_value.ifindex")));
            assertEquals(0, value.get(ValueLayout.JAVA_INT_UNALIGNED, at("relay_value.flags")));
            assertEquals(new KernelCounters(11, 22, 33), StreamMapEntry.readCounters(value));
        }
    }

    @Test
    void anIpv6AddressIsWrittenAsItIs() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment key = arena.allocate(StreamMapEntry.KEY_SIZE);
            StreamMapEntry.writeKey(key, endpoint("2001:db8::1", 1));
            assertArrayEquals(InetAddress.getByName("2001:db8::1").getAddress(), bytes(key, 0, 16));
        }
    }

    private static int at(final String member) {
        final Integer offset = OFFSETS.get(member);
        if (offset == null) {
            throw new AssertionError("no " + member + " in the object's BTF: " + OFFSETS.keySet());
        }
        return offset;
    }

    private static InetSocketAddress endpoint(final String address, final int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    private static byte[] mapped(final String v4) throws Exception {
        final byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(v4).getAddress(), 0, out, 12, 4);
        return out;
    }

    private static byte[] bytes(final MemorySegment s, final long offset, final int length) {
        return s.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
