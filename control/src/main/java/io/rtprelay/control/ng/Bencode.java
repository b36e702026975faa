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
 * {@link String} keys in the order they arrived (rtpengine neither sorts nor requires sorted keys). The encoder
 * takes the same types plus {@code byte[]}, {@link Integer} and {@link Short}.
 */
public final class Bencode {
    /** Nesting deeper than this is refused: no ng message needs it and it bounds the decoder's stack. */
    public static final int MAX_DEPTH = 32;

    private final byte[] buf;
    private final int end;
    private int pos;

    private Bencode(final byte[] buf, final int offset, final int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
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
        final Bencode decoder = new Bencode(buf, offset, length);
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
        final int start = ++pos;
        boolean negative = false;
        if (pos < end && buf[pos] == '-') {
            negative = true;
            pos++;
        }
        final int digits = pos;
        long value = 0;
        while (pos < end && buf[pos] != 'e') {
            final byte d = buf[pos];
            if (d < '0' || d > '9' || pos - digits >= 18) {
                throw new BencodeException("bad integer at offset " + (start - 1));
            }
            value = value * 10 + (d - '0');
            pos++;
        }
        if (pos >= end) {
            throw new BencodeException("truncated integer at offset " + (start - 1));
        }
        final int count = pos - digits;
        if (count == 0 || (buf[digits] == '0' && (count > 1 || negative))) {
            throw new BencodeException("bad integer at offset " + (start - 1));
        }
        pos++;
        return negative ? -value : value;
    }

    private List<Object> list(final int depth) throws BencodeException {
        pos++;
        final List<Object> list = new ArrayList<>();
        while (true) {
            if (pos >= end) {
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
            map.put(key, value(depth + 1));
        }
    }
}
