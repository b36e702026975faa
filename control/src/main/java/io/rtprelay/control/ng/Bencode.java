package io.rtprelay.control.ng;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bencode (BEP 3) as the ng protocol uses it, on the control thread only.
 *
 * <p>Decoded values are {@link String} (byte strings, mapped byte for byte through ISO-8859-1 so that any SDP,
 * whatever its charset, survives a round trip unchanged), {@link Long}, {@link List} and {@link Map} with
 * {@link String} keys in the order they arrived (rtpengine neither sorts nor requires sorted keys). When a key
 * repeats, its first value wins, as in rtpengine's dictionary lookup. The encoder takes the same types plus
 * {@code byte[]}, {@link Integer} and {@link Short}.
 *
 * <p>Two decoders: {@link #decode} is strict BEP 3 (for replies and tests); {@link #decodeNgRequest} accepts
 * exactly what rtpengine's request decoder accepts, which is more (see there).
 */
public final class Bencode {
    /** Nesting deeper than this is refused: no ng message needs it and it bounds the decoder's stack. */
    public static final int MAX_DEPTH = 32;

    private final byte[] buf;
    private final int end;
    private final boolean lenient;
    private int pos;

    private Bencode(final byte[] buf, final int offset, final int length, final boolean lenient) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        this.lenient = lenient;
    }

    /**
     * Decodes exactly one value spanning the whole range.
     *
     * @param buf    the bytes.
     * @param offset where the value starts.
     * @param length how many bytes it spans.
     * @return the decoded value.
     * @throws BencodeException if the range is not exactly one well-formed value.
     */
    public static Object decode(final byte[] buf, final int offset, final int length) throws BencodeException {
        final Bencode decoder = new Bencode(buf, offset, length, false);
        final Object value = decoder.value(0);
        if (decoder.pos != decoder.end) {
            throw new BencodeException("trailing bytes after the value at offset " + (decoder.pos - offset));
        }
        return value;
    }

    /**
     * Decodes one dictionary spanning the whole range.
     *
     * @param buf    the bytes.
     * @param offset where the dictionary starts.
     * @param length how many bytes it spans.
     * @return the dictionary, keys in arrival order.
     * @throws BencodeException if the range is not exactly one well-formed dictionary.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> decodeDictionary(final byte[] buf, final int offset, final int length)
        throws BencodeException {
        if (length <= 0 || buf[offset] != 'd') {
            throw new BencodeException("not a dictionary");
        }
        return (Map<String, Object>)decode(buf, offset, length);
    }

    /**
     * Decodes an ng request dictionary the way rtpengine's decoder does (observed on rtpengine 10.5), so that we
     * accept and refuse the same requests:
     * <ul>
     *   <li>bytes after the dictionary are ignored;</li>
     *   <li>a list or dictionary that reaches the end of the input where an element (or a key) or its closing
     *       {@code e} should follow is taken as closed ({@code d7:command4:ping} is a ping); running out inside a
     *       string, an integer, or between a key and its value is an error;</li>
     *   <li>an integer is {@code i0e}, or what C's {@code strtoll} reads after {@code i}: leading white space, a
     *       {@code +} or {@code -}, digits (leading zeros after a sign allowed), saturating at the long range;
     *       {@code i05e} and {@code iee} are errors;</li>
     *   <li>string lengths as in BEP 3 ({@code 05:} is an error).</li>
     * </ul>
     * Nesting is still bounded by {@link #MAX_DEPTH}, which rtpengine does not bound.
     *
     * @param buf    the bytes.
     * @param offset where the dictionary starts (the byte must be {@code d}).
     * @param length how many bytes follow, trailing bytes included.
     * @return the dictionary, keys in arrival order, first value of a repeated key.
     * @throws BencodeException if rtpengine would refuse it too.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> decodeNgRequest(final byte[] buf, final int offset, final int length)
        throws BencodeException {
        if (length <= 0 || buf[offset] != 'd') {
            throw new BencodeException("not a dictionary");
        }
        return (Map<String, Object>)new Bencode(buf, offset, length, true).value(0);
    }

    /**
     * Encodes a value.
     *
     * @param value a String, byte[], Long, Integer, Short, List or Map with String keys, nested freely.
     * @return its bencoding.
     * @throws IllegalArgumentException for any other type.
     */
    public static byte[] encode(final Object value) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        encode(value, out);
        return out.toByteArray();
    }

    /**
     * Encodes a value onto a stream.
     *
     * @param value the value, as for {@link #encode(Object)}.
     * @param out   where the bytes go.
     */
    public static void encode(final Object value, final ByteArrayOutputStream out) {
        switch (value) {
            case String s -> string(s.getBytes(StandardCharsets.ISO_8859_1), out);
            case byte[] b -> string(b, out);
            case Long l -> integer(l, out);
            case Integer i -> integer(i, out);
            case Short s -> integer(s, out);
            case List<?> list -> {
                out.write('l');
                for (final Object item : list) {
                    encode(item, out);
                }
                out.write('e');
            }
            case Map<?, ?> map -> {
                out.write('d');
                for (final Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("dictionary key is not a string: " + e.getKey());
                    }
                    string(key.getBytes(StandardCharsets.ISO_8859_1), out);
                    encode(e.getValue(), out);
                }
                out.write('e');
            }
            case null -> throw new IllegalArgumentException("null cannot be bencoded");
            default -> throw new IllegalArgumentException("cannot bencode " + value.getClass().getName());
        }
    }

    private static void string(final byte[] bytes, final ByteArrayOutputStream out) {
        out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(bytes);
    }

    private static void integer(final long value, final ByteArrayOutputStream out) {
        out.write('i');
        out.writeBytes(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
        out.write('e');
    }

    private Object value(final int depth) throws BencodeException {
        if (pos >= end) {
            throw new BencodeException("truncated input at offset " + pos);
        }
        final byte b = buf[pos];
        if (b >= '0' && b <= '9') {
            return string();
        }
        if (depth >= MAX_DEPTH) {
            throw new BencodeException("nesting deeper than " + MAX_DEPTH);
        }
        return switch (b) {
            case 'i' -> integer();
            case 'l' -> list(depth);
            case 'd' -> dictionary(depth);
            default -> throw new BencodeException(
                "unexpected byte 0x" + Integer.toHexString(b & 0xFF) + " at offset " + pos);
        };
    }

    private String string() throws BencodeException {
        long length = 0;
        final int start = pos;
        while (pos < end && buf[pos] != ':') {
            final byte d = buf[pos];
            if (d < '0' || d > '9' || pos - start >= 10) {
                throw new BencodeException("bad string length at offset " + start);
            }
            length = length * 10 + (d - '0');
            pos++;
        }
        if (pos >= end) {
            throw new BencodeException("truncated string length at offset " + start);
        }
        if (buf[start] == '0' && pos - start > 1) {
            throw new BencodeException("string length with a leading zero at offset " + start);
        }
        pos++;
        if (length > end - pos) {
            throw new BencodeException("string of " + length + " bytes runs past the end at offset " + start);
        }
        final String s = new String(buf, pos, (int)length, StandardCharsets.ISO_8859_1);
        pos += (int)length;
        return s;
    }

    private Long integer() throws BencodeException {
        final int start = pos++;
        if (lenient) {
            return lenientInteger(start);
        }
        final int first = pos;
        if (pos < end && buf[pos] == '-') {
            pos++;
        }
        final int digits = pos;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
            pos++;
        }
        if (pos >= end) {
            throw new BencodeException("truncated integer at offset " + start);
        }
        final int count = pos - digits;
        final boolean negative = digits > first;
        if (buf[pos] != 'e' || count == 0 || (buf[digits] == '0' && (count > 1 || negative)) || count > 19) {
            throw new BencodeException("bad integer at offset " + start);
        }
        final String text = new String(buf, first, pos - first, StandardCharsets.US_ASCII);
        pos++;
        try {
            return Long.parseLong(text);
        } catch (final NumberFormatException e) {
            throw new BencodeException("integer out of range at offset " + start);
        }
    }

    /** What rtpengine reads after {@code i}: {@code 0}, or C {@code strtoll} semantics; then {@code e}. */
    private Long lenientInteger(final int start) throws BencodeException {
        if (pos >= end) {
            throw new BencodeException("truncated integer at offset " + start);
        }
        long value = 0;
        if (buf[pos] == '0') {
            pos++;
        } else {
            while (pos < end && isCSpace(buf[pos])) {
                pos++;
            }
            boolean negative = false;
            if (pos < end && (buf[pos] == '-' || buf[pos] == '+')) {
                negative = buf[pos] == '-';
                pos++;
            }
            final int digits = pos;
            boolean saturated = false;
            while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
                final int d = buf[pos] - '0';
                if (!saturated) {
                    if (value > (Long.MAX_VALUE - d) / 10) {
                        saturated = true;
                    } else {
                        value = value * 10 + d;
                    }
                }
                pos++;
            }
            if (pos == digits) {
                throw new BencodeException("bad integer at offset " + start);
            }
            if (saturated) {
                value = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            } else if (negative) {
                value = -value;
            }
        }
        if (pos >= end || buf[pos] != 'e') {
            throw new BencodeException("bad integer at offset " + start);
        }
        pos++;
        return value;
    }

    private static boolean isCSpace(final byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private List<Object> list(final int depth) throws BencodeException {
        pos++;
        final List<Object> list = new ArrayList<>();
        while (true) {
            if (pos >= end) {
                if (lenient) {
                    return list;
                }
                throw new BencodeException("truncated list");
            }
            if (buf[pos] == 'e') {
                pos++;
                return list;
            }
            list.add(value(depth + 1));
        }
    }

    private Map<String, Object> dictionary(final int depth) throws BencodeException {
        pos++;
        final Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            if (pos >= end) {
                if (lenient) {
                    return map;
                }
                throw new BencodeException("truncated dictionary");
            }
            if (buf[pos] == 'e') {
                pos++;
                return map;
            }
            final byte b = buf[pos];
            if (b < '0' || b > '9') {
                throw new BencodeException("dictionary key is not a string at offset " + pos);
            }
            final String key = string();
            final Object value = value(depth + 1);
            map.putIfAbsent(key, value);
        }
    }
}
