package io.rtprelay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The key derivation against the RFCs' own vectors. */
class KeyDerivationTest {
    private static byte[] hex(final String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** RFC 3711 appendix B.3, key derivation test vectors (AES-128, labels 0, 2 and 1). */
    @Test
    void derivesTheSessionKeysOfRfc3711AppendixB3() {
        final byte[] key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        final byte[] salt = hex("0EC675AD498AFEEBB6960B3AABE6");
        assertArrayEquals(hex("C61E7A93744F39EE10734AFE3FF7A087"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_ENCRYPTION, 16));
        assertArrayEquals(hex("30CBBC08863D8C85D49DB34A9AE1"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_SALT, 14));
        // B.3 derives 94 bytes of authentication key, which spans six AES blocks.
        assertArrayEquals(hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
                + "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
                + "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_AUTHENTICATION, 94));
    }

    /** RFC 6188 §7.2, the AES_256_CM_PRF key derivation test vectors. */
    @Test
    void derivesTheSessionKeysOfRfc6188Section7_2WithAes256() {
        final byte[] key = hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6");
        final byte[] salt = hex("3b04803de51ee7c96423ab5b78d2");
        assertArrayEquals(hex("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_ENCRYPTION, 32));
        assertArrayEquals(hex("fa31791685ca444a9e07c6c64e93"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_SALT, 14));
        assertArrayEquals(hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_AUTHENTICATION, 20));
    }

    /** RFC 6188 §7.4, the AES_192_CM_PRF key derivation test vectors. */
    @Test
    void derivesTheSessionKeysOfRfc6188Section7_4WithAes192() {
        final byte[] key = hex("73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1");
        final byte[] salt = hex("c8522f3acd4ce86d5add78edbb11");
        assertArrayEquals(hex("31874736a8f1143870c26e4857d8a5b2c4a354407faadabb"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_ENCRYPTION, 24));
        assertArrayEquals(hex("2372b82d639b6d8503a47adc0a6c"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_SALT, 14));
        assertArrayEquals(hex("355b10973cd95b9eacf4061c7e1a7151e7cfbfcb"),
            KeyDerivation.derive(key, salt, KeyDerivation.SRTP_AUTHENTICATION, 20));
    }
}
