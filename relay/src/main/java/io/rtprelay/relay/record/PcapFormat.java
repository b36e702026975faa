package io.rtprelay.relay.record;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The classic libpcap file format as rtpengine's {@code recording-method=pcap} writes it (observed on rtpengine
 * 10.5): a 24-byte file header in the writer's byte order (little-endian here, magic {@code d4 c3 b2 a1}: microsecond
 * timestamps), version 2.4, snap length 65535, then per packet a 16-byte record header and the packet as an IP
 * datagram: link type {@value #LINKTYPE_RAW} (raw IPv4/IPv6, no link header) for {@code recording-format=raw}, the
 * default, or {@value #LINKTYPE_ETHERNET} with a fake Ethernet header (zero MAC addresses) for
 * {@code recording-format=eth}.
 *
 * <pre>
 * file header:   magic(4) version_major(2)=2 version_minor(2)=4 thiszone(4)=0 sigfigs(4)=0 snaplen(4) network(4)
 * record header: ts_sec(4) ts_usec(4) incl_len(4) orig_len(4)
 * </pre>
 *
 * <p>The IP and UDP headers are synthesised as rtpengine does: IPv4 with identification 0, no fragmentation flags,
 * TTL 64, protocol 17 and a zero header checksum; IPv6 with hop limit 64; UDP with a zero checksum. Source is the
 * packet's sender, destination the relay's address and port it arrived on. Stateless; used by the writer thread.
 */
public final class PcapFormat {
    /** No link-layer header: the record is the IP datagram. */
    public static final int LINKTYPE_RAW = 101;
    /** An Ethernet II header before the IP datagram. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** The snap length written in the file header. */
    public static final int SNAPLEN = 65_535;
    /** Bytes of the file header. */
    public static final int FILE_HEADER_LENGTH = 24;
    /** Bytes of a record header. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Bytes of the fake Ethernet header of {@link #LINKTYPE_ETHERNET}. */
    public static final int ETHERNET_HEADER_LENGTH = 14;
    /** Bytes of an IPv4 header without options. */
    public static final int IPV4_HEADER_LENGTH = 20;
    /** Bytes of an IPv6 header. */
    public static final int IPV6_HEADER_LENGTH = 40;
    /** Bytes of a UDP header. */
    public static final int UDP_HEADER_LENGTH = 8;
    /** The largest record (header, Ethernet, IPv6, UDP and a 64 KiB payload). */
    public static final int MAX_RECORD_LENGTH =
        RECORD_HEADER_LENGTH + ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH + UDP_HEADER_LENGTH + 65_536;

    private static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    private static final int TTL = 64;
    private static final int UDP = 17;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private PcapFormat() {
    }

    /**
     * @param linkType {@link #LINKTYPE_RAW} or {@link #LINKTYPE_ETHERNET}.
     * @return the 24-byte file header, ready to write.
     */
    public static ByteBuffer fileHeader(final int linkType) {
        final ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_MICROSECONDS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(SNAPLEN).putInt(linkType);
        return header.flip();
    }

    /**
     * @param linkType the file's link type.
     * @param ipv6     whether the packet is IPv6.
     * @param payload  UDP payload bytes.
     * @return the record's captured length: link header, IP, UDP and payload.
     */
    public static int capturedLength(final int linkType, final boolean ipv6, final int payload) {
        return (linkType == LINKTYPE_ETHERNET ? ETHERNET_HEADER_LENGTH : 0)
            + (ipv6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH) + UDP_HEADER_LENGTH + payload;
    }

    /**
     * Writes a record header and the synthesised link, IP and UDP headers of one recorded packet at the buffer's
     * position (little-endian record header, network-order packet headers); the caller then puts the payload.
     *
     * @param out      where to write; needs room for the headers.
     * @param linkType the file's link type.
     * @param epochUs  the packet's time, microseconds since the epoch.
     * @param packet   the ring message holding the packet ({@link RecordedPacket} layout).
     * @param index    where the message starts in {@code packet}.
     * @param ipv6     whether its addresses are IPv6.
     * @param payload  UDP payload bytes that follow.
     */
    static void putHeaders(final ByteBuffer out, final int linkType, final long epochUs, final DirectBuffer packet,
        final int index, final boolean ipv6, final int payload) {
        final int captured = capturedLength(linkType, ipv6, payload);
        out.order(ByteOrder.LITTLE_ENDIAN);
        out.putInt((int)(epochUs / 1_000_000)).putInt((int)(epochUs % 1_000_000)).putInt(captured).putInt(captured);
        out.order(ByteOrder.BIG_ENDIAN);
        if (linkType == LINKTYPE_ETHERNET) {
            out.putLong(0).putInt(0).putShort((short)(ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4));
        }
        final int udpLength = UDP_HEADER_LENGTH + payload;
        final int addressLength = ipv6 ? 16 : 4;
        if (ipv6) {
            out.putInt(0x6000_0000).putShort((short)udpLength).put((byte)UDP).put((byte)TTL);
        } else {
            out.put((byte)0x45).put((byte)0).putShort((short)(IPV4_HEADER_LENGTH + udpLength))
                .putShort((short)0).putShort((short)0).put((byte)TTL).put((byte)UDP).putShort((short)0);
        }
        putAddress(out, packet, index + RecordedPacket.SOURCE_ADDRESS_OFFSET, addressLength);
        putAddress(out, packet, index + RecordedPacket.DESTINATION_ADDRESS_OFFSET, addressLength);
        out.putShort(packet.getShort(index + RecordedPacket.SOURCE_PORT_OFFSET, ByteOrder.BIG_ENDIAN))
            .putShort(packet.getShort(index + RecordedPacket.DESTINATION_PORT_OFFSET, ByteOrder.BIG_ENDIAN))
            .putShort((short)udpLength)
            .putShort((short)0);
    }

    private static void putAddress(final ByteBuffer out, final DirectBuffer from, final int offset,
        final int length) {
        final int position = out.position();
        from.getBytes(offset, out, position, length);
        out.position(position + length);
    }
}
