package io.rtprelay.srtp.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode over one key: RFC 3711 §4.1.1 (AES-CM, the counter is the IV plus the block number) and the
 * GCTR of AES-GCM (NIST SP 800-38D §6.5, the low 32 bits count up, wrapping). Both are the same here because an
 * SRTP packet never has 2^16 blocks: the block number is added to the IV's last 32 bits.
 *
 * <p>The JDK's {@code AES/ECB/NoPadding} cipher is initialised once with the key; per call, the counter blocks are
 * written into a scratch array, encrypted with one {@code Cipher.update} (AES-NI intrinsics) and XORed into the
 * data. No allocation. Owned by one thread (the cipher and the caller's scratch are not shareable).
 */
public final class AesCtr {
    /** Bytes of keystream made per {@code Cipher.update}; the scratch arrays passed in must be at least this long. */
    public static final int CHUNK = 512;
    /** The AES block size. */
    public static final int BLOCK = 16;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final Cipher ecb;

    /**
     * @param key a 16, 24 or 32 byte AES key.
     * @throws IllegalArgumentException if the key length is not an AES key length.
     */
    public AesCtr(final byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("AES key of " + key.length + " bytes");
        }
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/ECB/NoPadding", e);
        }
    }

    /**
     * Encrypts {@code blocks} whole blocks.
     *
     * @param in     plaintext blocks.
     * @param inOff  where they start.
     * @param length bytes, a multiple of {@link #BLOCK}.
     * @param out    where the ciphertext goes (not overlapping {@code in} unless equal offsets).
     * @param outOff where it starts.
     */
    public void encryptBlocks(final byte[] in, final int inOff, final int length, final byte[] out,
                              final int outOff) {
        try {
            ecb.update(in, inOff, length, out, outOff);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB update failed", e);
        }
    }

    /**
     * XORs the counter-mode keystream into {@code data[off, off + length)}: block {@code j} of the keystream is
     * AES(IV with its last 32 bits plus {@code j}).
     *
     * @param iv        the 16-byte initial counter block (not modified).
     * @param data      the bytes to encrypt or decrypt in place.
     * @param off       where they start.
     * @param length    how many.
     * @param counters  scratch of at least {@link #CHUNK} bytes.
     * @param keystream scratch of at least {@link #CHUNK} bytes.
     */
    public void xorKeystream(final byte[] iv, final byte[] data, final int off, final int length,
                             final byte[] counters, final byte[] keystream) {
        final long prefix0 = (long) LONG.get(iv, 0);
        final int prefix8 = (int) INT.get(iv, 8);
        final int counter0 = (int) INT_BE.get(iv, 12);
        int block = 0;
        int done = 0;
        while (done < length) {
            final int chunk = Math.min(length - done, CHUNK);
            final int blocks = (chunk + BLOCK - 1) >>> 4;
            for (int b = 0; b < blocks; b++) {
                final int o = b << 4;
                LONG.set(counters, o, prefix0);
                INT.set(counters, o + 8, prefix8);
                INT_BE.set(counters, o + 12, counter0 + block + b);
            }
            encryptBlocks(counters, 0, blocks << 4, keystream, 0);
            xor(keystream, data, off + done, chunk);
            block += blocks;
            done += chunk;
        }
    }

    /**
     * {@code data[off, off + length) ^= keystream[0, length)}, eight bytes at a time.
     *
     * @param keystream the bytes to XOR in.
     * @param data      the bytes changed.
     * @param off       where they start in {@code data}.
     * @param length    how many.
     */
    public static void xor(final byte[] keystream, final byte[] data, final int off, final int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            LONG.set(data, off + i, (long) LONG.get(data, off + i) ^ (long) LONG.get(keystream, i));
        }
        for (; i < length; i++) {
            data[off + i] ^= keystream[i];
        }
    }
}
