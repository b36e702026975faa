package io.rtprelay.srtp.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** AES counter mode against the RFCs' keystream vectors, including the blocks where the 16-bit counter carries. */
class AesCtrTest {
    private static final byte[] IV = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");

    private static byte[] hex(final String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] keystream(final String key, final int blocks) {
        final byte[] out = new byte[blocks * AesCtr.BLOCK];
        new AesCtr(hex(key)).xorKeystream(IV, out, 0, out.length, new byte[AesCtr.CHUNK], new byte[AesCtr.CHUNK]);
        return out;
    }

    private static byte[] blocks(final byte[] stream, final int first, final int count) {
        return Arrays.copyOfRange(stream, first * AesCtr.BLOCK, (first + count) * AesCtr.BLOCK);
    }

    /** RFC 3711 appendix B.2, AES-CM test vectors: counters 0000..0002 and FEFF..FF01. */
    @Test
    void producesTheKeystreamOfRfc3711AppendixB2() {
        final byte[] stream = keystream("2B7E151628AED2A6ABF7158809CF4F3C", 0xff02);
        assertArrayEquals(hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
            + " 41E95B3BB0A2E8DD477901E4FCA894C0"), blocks(stream, 0, 3));
        assertArrayEquals(hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
            + " 6A2CC3787889374FBEB4C81B17BA6C44"), blocks(stream, 0xfeff, 3));
    }

    /** RFC 6188 §7.1, AES-256-CM test vectors: the first and the last three of 0xff02 blocks. */
    @Test
    void producesTheKeystreamOfRfc6188Section7_1WithAes256() {
        final byte[] stream = keystream("57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98", 0xff02);
        assertArrayEquals(hex("92bdd28a93c3f52511c677d08b5515a4 9da71b2378a854f67050756ded165bac"
            + " 63c4868b7096d88421b563b8c94c9a31"), blocks(stream, 0, 3));
        assertArrayEquals(hex("cea518c90fd91ced9cbb18c078a547113dbc4814f4da5f00a08772b63c6a046d"
            + "6eb246913062a16891433e97dd01a57f"), blocks(stream, 0xfeff, 3));
    }

    /** RFC 6188 §7.3, AES-192-CM test vectors: the first three blocks. */
    @Test
    void producesTheKeystreamOfRfc6188Section7_3WithAes192() {
        final byte[] stream = keystream("eab234764e517b2d3d160d587d8c86219740f65f99b6bcf7", 3);
        assertArrayEquals(hex("35096cba4610028dc1b57503804ce37c5de986291dcce161d5165ec4568f5c9a"
            + "474a40c77894bc17180202272a4c264d"), stream);
    }

    @Test
    void xorsAnyLengthAtAnyOffsetTheSameAsWholeBlocks() {
        final byte[] whole = keystream("2B7E151628AED2A6ABF7158809CF4F3C", 80);
        final AesCtr ctr = new AesCtr(hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        for (int length = 0; length <= whole.length; length += 7) {
            final byte[] data = new byte[length + 5];
            ctr.xorKeystream(IV, data, 5, length, new byte[AesCtr.CHUNK], new byte[AesCtr.CHUNK]);
            assertArrayEquals(Arrays.copyOf(whole, length), Arrays.copyOfRange(data, 5, 5 + length));
        }
    }
}
