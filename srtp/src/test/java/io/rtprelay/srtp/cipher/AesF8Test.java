package io.rtprelay.srtp.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** AES-f8 against RFC 3711 appendix B.1, and its chaining against a plain block-by-block model on the JDK's AES. */
class AesF8Test {
    private static final byte[] KEY = hex("234829008467be186c3de14aae72d62c");

    private static byte[] hex(final String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /**
     * RFC 3711 appendix B.1, AES-f8 test vectors: key, the (4-byte) salt key, IV = 0x00 || M PT SEQ TS SSRC || ROC
     * of the RTP header 806e5cba50681de55c621599 with ROC d462564a, and the 39-byte payload's ciphertext.
     */
    @Test
    void encryptsTheRtpPayloadOfRfc3711AppendixB1() {
        final byte[] iv = hex("006e5cba50681de55c621599d462564a");
        final byte[] plaintext = hex("70736575646f72616e646f6d6e657373 20697320746865206e65787420626573"
            + " 74207468696e67");
        final byte[] ciphertext = hex("019ce7a26e7854014a6366aa95d4eefd 1ad4172a14f9faf455b7f1d4b62bd08f"
            + " 562c0eef7c4802");
        final AesF8 f8 = new AesF8(KEY, hex("32f2870d"));
        final byte[] data = plaintext.clone();
        f8.xorKeystream(iv, data, 0, data.length);
        assertArrayEquals(ciphertext, data);
        f8.xorKeystream(iv, data, 0, data.length);
        assertArrayEquals(plaintext, data, "f8 is its own inverse");
    }

    /** The B.1 intermediate values: IV' and S(0), S(1), S(2), seen as the keystream XORed into zeros. */
    @Test
    void producesTheIntermediateValuesOfRfc3711AppendixB1() throws Exception {
        final byte[] iv = hex("006e5cba50681de55c621599d462564a");
        final Cipher masked = ecb(hex("11baae0dd132eb4d3968b41ffb278379"));
        assertArrayEquals(hex("595b699bbd3bc0df26062093c1ad8f73"), masked.doFinal(iv), "IV'");
        final byte[] stream = new byte[48];
        new AesF8(KEY, hex("32f2870d")).xorKeystream(iv, stream, 0, stream.length);
        assertArrayEquals(hex("71ef82d70a172660240709c7fbb19d8e 3abd640a60919fd43bd289a09649b5fc"
            + " 220c7a8715266565b09ecc8a2a62b11b"), stream);
    }

    @Test
    void xorsAnyLengthAtAnyOffsetTheSameAsABlockByBlockModel() throws Exception {
        final byte[] salt = hex("0ec675ad498afeebb6960b3aabe6");
        final byte[] iv = hex("00112233445566778899aabbccddeeff");
        final byte[] model = model(KEY, salt, iv, 40);
        final AesF8 f8 = new AesF8(KEY, salt);
        for (int length = 0; length <= model.length; length += 3) {
            final byte[] data = new byte[length + 7];
            f8.xorKeystream(iv, data, 7, length);
            assertArrayEquals(Arrays.copyOf(model, length), Arrays.copyOfRange(data, 7, 7 + length));
        }
    }

    @Test
    void refusesASaltLongerThanTheKey() {
        assertThrows(IllegalArgumentException.class, () -> new AesF8(KEY, new byte[17]));
    }

    /** RFC 3711 §4.1.2 written out with the JDK's AES, a block at a time: {@code blocks} blocks of keystream. */
    private static byte[] model(final byte[] key, final byte[] salt, final byte[] iv, final int blocks)
        throws Exception {
        final byte[] m = new byte[key.length];
        Arrays.fill(m, (byte) 0x55);
        System.arraycopy(salt, 0, m, 0, salt.length);
        final byte[] masked = new byte[key.length];
        for (int i = 0; i < key.length; i++) {
            masked[i] = (byte) (key[i] ^ m[i]);
        }
        final byte[] ivPrime = ecb(masked).doFinal(iv);
        final Cipher e = ecb(key);
        final byte[] out = new byte[blocks * 16];
        byte[] previous = new byte[16];
        for (int j = 0; j < blocks; j++) {
            final byte[] in = new byte[16];
            for (int i = 0; i < 16; i++) {
                in[i] = (byte) (ivPrime[i] ^ previous[i]);
            }
            in[15] ^= (byte) j;
            previous = e.doFinal(in);
            System.arraycopy(previous, 0, out, j * 16, 16);
        }
        return out;
    }

    private static Cipher ecb(final byte[] key) throws Exception {
        final Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return c;
    }
}
