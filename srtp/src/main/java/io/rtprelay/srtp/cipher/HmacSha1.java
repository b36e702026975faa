package io.rtprelay.srtp.cipher;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) for one key, as SRTP authenticates (RFC 3711 §4.2.1), on the JDK's SHA-1 digest (SHA-NI
 * intrinsics where the CPU has them) without allocation: {@code Mac.doFinal(out, off)} allocates its result, this
 * writes the digest straight into the caller's array. Owned by one thread.
 */
public final class HmacSha1 {
    /** Length of an HMAC-SHA1 output. */
    public static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];

    /** @param key the authentication key; keys longer than 64 bytes are hashed first (RFC 2104 §2). */
    public HmacSha1(final byte[] key) {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
        final byte[] k = key.length > BLOCK ? sha1.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            final byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
    }

    /** Starts a new MAC (discarding any unfinished one). */
    public void start() {
        sha1.reset();
        sha1.update(innerPad, 0, BLOCK);
    }

    /**
     * @param data   bytes to authenticate.
     * @param off    where they start.
     * @param length how many.
     */
    public void update(final byte[] data, final int off, final int length) {
        sha1.update(data, off, length);
    }

    /**
     * Finishes the MAC started by {@link #start()}.
     *
     * @param out where the {@link #LENGTH} bytes go (the caller truncates by reading fewer).
     * @param off where they start.
     */
    public void finish(final byte[] out, final int off) {
        try {
            sha1.digest(inner, 0, LENGTH);
            sha1.update(outerPad, 0, BLOCK);
            sha1.update(inner, 0, LENGTH);
            sha1.digest(out, off, LENGTH);
        } catch (final DigestException e) {
            throw new IllegalStateException("SHA-1 digest into a 20-byte slot failed", e);
        }
    }
}
