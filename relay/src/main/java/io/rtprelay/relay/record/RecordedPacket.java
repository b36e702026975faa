package io.rtprelay.relay.record;

/**
 * The layout of one recorded packet as a message in the recording ring: a fixed header, then the UDP payload as
 * received (after SRTP unprotect, before the peer's protect). The message type is {@link #TYPE_IPV4} or
 * {@link #TYPE_IPV6}; multi-byte fields are in network byte order (written and read explicitly so).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |              receive time, System.nanoTime() (64)             |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                       recording id (32)                       |
 * +-------------------------------+-------------------------------+
 * |        source port (16)       |     destination port (16)     |
 * +-------------------------------+-------------------------------+
 * |          source address (128; IPv4: the first 32 bits)        |
 * |                              ...                              |
 * +---------------------------------------------------------------+
 * |       destination address (128; IPv4: the first 32 bits)      |
 * |                              ...                              |
 * +---------------------------------------------------------------+
 * |                         payload ...                           |
 * </pre>
 *
 * Source is the packet's sender, destination the relay's local address and port it was read on.
 */
public final class RecordedPacket {
    /** Message type of a packet between IPv4 addresses. */
    public static final int TYPE_IPV4 = 4;
    /** Message type of a packet between IPv6 addresses. */
    public static final int TYPE_IPV6 = 6;
    /** Offset of the receive time. */
    public static final int NOW_NS_OFFSET = 0;
    /** Offset of the recording id. */
    public static final int RECORDING_ID_OFFSET = 8;
    /** Offset of the source port. */
    public static final int SOURCE_PORT_OFFSET = 12;
    /** Offset of the destination port. */
    public static final int DESTINATION_PORT_OFFSET = 14;
    /** Offset of the source address. */
    public static final int SOURCE_ADDRESS_OFFSET = 16;
    /** Offset of the destination address. */
    public static final int DESTINATION_ADDRESS_OFFSET = 32;
    /** Offset of the payload, the header's length. */
    public static final int PAYLOAD_OFFSET = 48;

    private RecordedPacket() {
    }
}
