package io.rtprelay.srtp.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/**
 * GHASH + AES-CTR assembled as GCM, checked against the JDK's own AES/GCM (an independent implementation) on random
 * keys, IVs and lengths, the associated data fed in uneven pieces.
 */
class GhashTest {
    @Test
    void gcmBuiltFromTheseMatchesTheJdksAesGcm() throws Exception {
        final SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 300; round++) {
            final byte[] key = bytes(random, round % 2 == 0 ? 16 : 32);
            final byte[] nonce = bytes(random, 12);
            final byte[] aad = bytes(random, random.nextInt(0, 70));
            final byte[] plain = bytes(random, random.nextInt(0, 300));

            final Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            jdk.updateAAD(aad);
            final byte[] expected = jdk.doFinal(plain);

            final int piece = random.nextInt(1, 20);
            assertArrayEquals(expected, seal(key, nonce, aad, plain, piece, true), "byte tables, round " + round);
            assertArrayEquals(expected, seal(key, nonce, aad, plain, piece, false), "nibble tables, round " + round);
        }
    }

    private static byte[] seal(final byte[] key, final byte[] nonce, final byte[] aad, final byte[] plain,
                               final int piece, final boolean byteTables) {
        final AesCtr ctr = new AesCtr(key);
        final byte[] h = new byte[16];
        ctr.encryptBlocks(h, 0, 16, h, 0);
        final Ghash ghash = new Ghash(h, byteTables);
        final byte[] counter = Arrays.copyOf(nonce, 16);
        counter[15] = 2;
        final byte[] out = Arrays.copyOf(plain, plain.length + 16);
        ctr.xorKeystream(counter, out, 0, plain.length, new byte[AesCtr.CHUNK], new byte[AesCtr.CHUNK]);
        ghash.reset();
        for (int i = 0; i < aad.length; i += piece) {
            ghash.update(aad, i, Math.min(piece, aad.length - i));
        }
        ghash.pad();
        ghash.update(out, 0, plain.length);
        final byte[] s = new byte[16];
        ghash.finish(aad.length, plain.length, s, 0);
        counter[15] = 1;
        final byte[] mask = new byte[16];
        ctr.encryptBlocks(counter, 0, 16, mask, 0);
        for (int i = 0; i < 16; i++) {
            out[plain.length + i] = (byte) (s[i] ^ mask[i]);
        }
        return out;
    }

    private static byte[] bytes(final SplittableRandom random, final int n) {
        final byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
