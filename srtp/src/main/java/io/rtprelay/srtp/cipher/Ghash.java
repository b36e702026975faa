package io.rtprelay.srtp.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH, the authentication function of AES-GCM (NIST SP 800-38D §6.4), over one hash subkey H, streaming: associated
 * data and ciphertext may arrive in pieces (SRTCP's associated data is the header and the trailer word, which are not
 * adjacent). Multiplication in GF(2^128) uses Shoup's table method, either per byte (256 multiples of H, 4 KiB per
 * key, 16 steps per block: for SRTP, the bulk) or per nibble (16 multiples, 256 bytes, 32 steps: for SRTCP, a few
 * packets a second), each step a shift, a reduction look-up and a table look-up. No allocation per call. Owned by
 * one thread.
 *
 * <p>Field elements are held as two longs, {@code hi} = bytes 0..7 and {@code lo} = bytes 8..15 read big-endian; in
 * GCM's bit order the most significant bit of byte 0 is the coefficient of x^0, so multiplying by x is a right shift.
 */
public final class Ghash {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Reduction of the four bits shifted out of {@code lo} by a 4-bit right shift, x^128 = x^7 + x^2 + x + 1. */
    private static final long[] REDUCE4 = {
        0x0000L << 48, 0x1c20L << 48, 0x3840L << 48, 0x2460L << 48,
        0x7080L << 48, 0x6ca0L << 48, 0x48c0L << 48, 0x54e0L << 48,
        0xe100L << 48, 0xfd20L << 48, 0xd940L << 48, 0xc560L << 48,
        0x9180L << 48, 0x8da0L << 48, 0xa9c0L << 48, 0xb5e0L << 48,
    };

    /** Reduction of the eight bits shifted out of {@code lo} by an 8-bit right shift. */
    private static final long[] REDUCE8 = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long r = 0;
            for (int k = 0; k < 8; k++) {
                if ((b & (1 << k)) != 0) {
                    r ^= 0xe100000000000000L >>> (7 - k);
                }
            }
            REDUCE8[b] = r;
        }
    }

    /** {@code tableHi[i], tableLo[i]} = H times the element i of {@link #bits} bits (its top bit is x^0). */
    private final long[] tableHi;
    private final long[] tableLo;
    private final int bits;
    private final byte[] partial = new byte[16];
    private int partialLength;
    private long stateHi;
    private long stateLo;

    /**
     * @param h          the hash subkey H = AES_K(0^128), 16 bytes.
     * @param byteTables true for the 4 KiB per-byte tables (faster), false for the 256-byte per-nibble ones.
     */
    public Ghash(final byte[] h, final boolean byteTables) {
        bits = byteTables ? 8 : 4;
        final int size = 1 << bits;
        tableHi = new long[size];
        tableLo = new long[size];
        long vh = (long) LONG_BE.get(h, 0);
        long vl = (long) LONG_BE.get(h, 8);
        final int top = size >>> 1;
        tableHi[top] = vh;
        tableLo[top] = vl;
        for (int i = top >>> 1; i > 0; i >>= 1) {
            final long carry = (vl & 1) != 0 ? 0xe100000000000000L : 0;
            vl = (vh << 63) | (vl >>> 1);
            vh = (vh >>> 1) ^ carry;
            tableHi[i] = vh;
            tableLo[i] = vl;
        }
        for (int i = 2; i <= top; i <<= 1) {
            for (int j = 1; j < i; j++) {
                tableHi[i + j] = tableHi[i] ^ tableHi[j];
                tableLo[i + j] = tableLo[i] ^ tableLo[j];
            }
        }
    }

    /** Starts a new hash: Y_0 = 0. */
    public void reset() {
        stateHi = 0;
        stateLo = 0;
        partialLength = 0;
    }

    /**
     * Absorbs bytes; a final partial block waits for more bytes or {@link #pad()}.
     *
     * @param data   the bytes.
     * @param off    where they start.
     * @param length how many.
     */
    public void update(final byte[] data, final int off, final int length) {
        int i = 0;
        if (partialLength > 0) {
            while (partialLength < 16 && i < length) {
                partial[partialLength++] = data[off + i++];
            }
            if (partialLength < 16) {
                return;
            }
            absorb(partial, 0);
            partialLength = 0;
        }
        for (; i + 16 <= length; i += 16) {
            absorb(data, off + i);
        }
        while (i < length) {
            partial[partialLength++] = data[off + i++];
        }
    }

    /** Completes a partial block with zeros, as GCM pads the associated data and the ciphertext. */
    public void pad() {
        if (partialLength > 0) {
            for (int i = partialLength; i < 16; i++) {
                partial[i] = 0;
            }
            absorb(partial, 0);
            partialLength = 0;
        }
    }

    /**
     * Pads, absorbs the length block and writes the hash S.
     *
     * @param aadLength        bytes of associated data absorbed.
     * @param ciphertextLength bytes of ciphertext absorbed.
     * @param out              where the 16 bytes of S go.
     * @param off              where they start.
     */
    public void finish(final long aadLength, final long ciphertextLength, final byte[] out, final int off) {
        pad();
        stateHi ^= aadLength << 3;
        stateLo ^= ciphertextLength << 3;
        multiply();
        LONG_BE.set(out, off, stateHi);
        LONG_BE.set(out, off + 8, stateLo);
    }

    private void absorb(final byte[] block, final int off) {
        stateHi ^= (long) LONG_BE.get(block, off);
        stateLo ^= (long) LONG_BE.get(block, off + 8);
        multiply();
    }

    private void multiply() {
        if (bits == 8) {
            multiplyByBytes();
        } else {
            multiplyByNibbles();
        }
    }

    /** state = state * H, byte by byte from the last byte (the highest powers of x) down. */
    private void multiplyByBytes() {
        final long[] hi = tableHi;
        final long[] lo = tableLo;
        final long xl = stateLo;
        final long xh = stateHi;
        int b = (int) xl & 0xff;
        long zh = hi[b];
        long zl = lo[b];
        for (int shift = 8; shift < 64; shift += 8) {
            b = (int) (xl >>> shift) & 0xff;
            final int rem = (int) zl & 0xff;
            zl = (zh << 56) | (zl >>> 8);
            zh = (zh >>> 8) ^ REDUCE8[rem] ^ hi[b];
            zl ^= lo[b];
        }
        for (int shift = 0; shift < 64; shift += 8) {
            b = (int) (xh >>> shift) & 0xff;
            final int rem = (int) zl & 0xff;
            zl = (zh << 56) | (zl >>> 8);
            zh = (zh >>> 8) ^ REDUCE8[rem] ^ hi[b];
            zl ^= lo[b];
        }
        stateHi = zh;
        stateLo = zl;
    }

    /** state = state * H, nibble by nibble from the last byte's low nibble (the highest powers of x) down. */
    private void multiplyByNibbles() {
        final long[] hi = tableHi;
        final long[] lo = tableLo;
        final long xl = stateLo;
        final long xh = stateHi;
        int nibble = (int) xl & 0xf;
        long zh = hi[nibble];
        long zl = lo[nibble];
        for (int shift = 4; shift < 64; shift += 4) {
            nibble = (int) (xl >>> shift) & 0xf;
            final int rem = (int) zl & 0xf;
            zl = (zh << 60) | (zl >>> 4);
            zh = (zh >>> 4) ^ REDUCE4[rem] ^ hi[nibble];
            zl ^= lo[nibble];
        }
        for (int shift = 0; shift < 64; shift += 4) {
            nibble = (int) (xh >>> shift) & 0xf;
            final int rem = (int) zl & 0xf;
            zl = (zh << 60) | (zl >>> 4);
            zh = (zh >>> 4) ^ REDUCE4[rem] ^ hi[nibble];
            zl ^= lo[nibble];
        }
        stateHi = zh;
        stateLo = zl;
    }
}
