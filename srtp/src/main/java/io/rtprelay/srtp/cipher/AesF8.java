package io.rtprelay.srtp.cipher;

/**
 * AES in f8 mode, RFC 3711 §4.1.2: with the session key k_e and the session salt k_s, the key mask
 * m = k_s || 0x5555... (as long as k_e), the packet's IV and IV' = E(k_e XOR m, IV), the keystream is
 * S(-1) = 0, S(j) = E(k_e, IV' XOR j XOR S(j-1)) for j = 0, 1, ... (j a 128-bit integer).
 *
 * <p>Unlike counter mode, each block of keystream needs the one before, so the blocks are encrypted one
 * {@code Cipher.update} at a time. The two AES key schedules (k_e and k_e XOR m) are made once here; the
 * chaining state lives in fields, so per packet nothing is allocated. Owned by one thread, like the context that
 * holds it.
 */
public final class AesF8 {
    private static final int KEY_MASK_FILL = 0x55;

    private final AesCtr key;
    private final AesCtr maskedKey;
    /** IV', then IV' XOR j XOR S(j-1): the block encrypted next. */
    private final byte[] ivPrime = new byte[AesCtr.BLOCK];
    private final byte[] input = new byte[AesCtr.BLOCK];
    /** S(j), the keystream block just made. */
    private final byte[] s = new byte[AesCtr.BLOCK];

    /**
     * @param sessionKey  k_e, 16 bytes for {@code F8_128} (any AES key length works).
     * @param sessionSalt k_s, at most as long as the key (14 bytes in SRTP; RFC 3711 B.1 uses 4).
     * @throws IllegalArgumentException on a key that is not an AES key or a salt longer than it.
     */
    public AesF8(final byte[] sessionKey, final byte[] sessionSalt) {
        if (sessionSalt.length > sessionKey.length) {
            throw new IllegalArgumentException("f8 salt of " + sessionSalt.length + " bytes for a key of "
                + sessionKey.length);
        }
        this.key = new AesCtr(sessionKey);
        final byte[] masked = new byte[sessionKey.length];
        for (int i = 0; i < masked.length; i++) {
            final int m = i < sessionSalt.length ? sessionSalt[i] : KEY_MASK_FILL;
            masked[i] = (byte) (sessionKey[i] ^ m);
        }
        this.maskedKey = new AesCtr(masked);
    }

    /**
     * XORs the f8 keystream of {@code iv} into {@code data[off, off + length)}.
     *
     * @param iv     the 16-byte IV of the packet (RFC 3711 §4.1.2.2 for SRTP, §4.1.2.3 for SRTCP); not modified.
     * @param data   the bytes to encrypt or decrypt in place.
     * @param off    where they start.
     * @param length how many.
     */
    public void xorKeystream(final byte[] iv, final byte[] data, final int off, final int length) {
        if (length <= 0) {
            return;
        }
        maskedKey.encryptBlocks(iv, 0, AesCtr.BLOCK, ivPrime, 0);
        System.arraycopy(ivPrime, 0, input, 0, AesCtr.BLOCK);
        int j = 0;
        int done = 0;
        while (true) {
            key.encryptBlocks(input, 0, AesCtr.BLOCK, s, 0);
            final int n = Math.min(AesCtr.BLOCK, length - done);
            AesCtr.xor(s, data, off + done, n);
            done += n;
            if (done >= length) {
                return;
            }
            j++;
            for (int i = 0; i < AesCtr.BLOCK; i++) {
                input[i] = (byte) (ivPrime[i] ^ s[i]);
            }
            input[12] ^= (byte) (j >>> 24);
            input[13] ^= (byte) (j >>> 16);
            input[14] ^= (byte) (j >>> 8);
            input[15] ^= (byte) j;
        }
    }
}
