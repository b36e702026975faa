/*
 * srtp_peer: one libsrtp2 session driven over stdin/stdout, so the Java tests can check our SRTP against an
 * independent implementation (Debian's libsrtp2).
 *
 *   srtp_peer SUITE KEYSALT_HEX send|receive [UNENCRYPTED_SRTP] [UNENCRYPTED_SRTCP] [UNAUTHENTICATED_SRTP]
 *             [MKI=HEX]
 *
 * SUITE is an SDES crypto-suite name (RFC 4568, 6188, 7714); KEYSALT_HEX the master key then the master salt;
 * MKI=HEX gives the key a master key identifier (RFC 3711 3.1) that every packet carries and must carry.
 * Prints "ready", or "unsupported STATUS" and exits 2 when this libsrtp2 build lacks the suite. Then for each
 * input line "rtp HEX" or "rtcp HEX" it protects (send) or unprotects (receive) the packet and prints "ok HEX" or
 * "err STATUS" (a libsrtp2 srtp_err_status_t).
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PACKET 8192

static int set_suite(const char *suite, srtp_policy_t *policy)
{
    srtp_crypto_policy_t *rtp = &policy->rtp;
    srtp_crypto_policy_t *rtcp = &policy->rtcp;
    if (strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
    } else if (strcmp(suite, "AES_CM_128_HMAC_SHA1_32") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp); /* SRTCP keeps the 80-bit tag (RFC 4568) */
    } else if (strcmp(suite, "AES_192_CM_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
    } else if (strcmp(suite, "AES_192_CM_HMAC_SHA1_32") == 0) {
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
    } else if (strcmp(suite, "AES_256_CM_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
    } else if (strcmp(suite, "AES_256_CM_HMAC_SHA1_32") == 0) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
    } else if (strcmp(suite, "AEAD_AES_128_GCM") == 0) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
    } else if (strcmp(suite, "AEAD_AES_256_GCM") == 0) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
    } else if (strcmp(suite, "NULL_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtcp);
    } else if (strcmp(suite, "NULL_HMAC_SHA1_32") == 0) {
        srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtp);
        rtp->auth_tag_len = 4;
        srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtcp);
    } else {
        return -1;
    }
    return 0;
}

static int unhex(const char *hex, unsigned char *out, int max)
{
    int n = 0;
    while (hex[0] && hex[1] && hex[0] != '\n' && n < max) {
        unsigned int byte;
        if (sscanf(hex, "%2x", &byte) != 1) {
            return -1;
        }
        out[n++] = (unsigned char)byte;
        hex += 2;
    }
    return n;
}

static void print_hex(const char *prefix, const unsigned char *data, int length)
{
    fputs(prefix, stdout);
    for (int i = 0; i < length; i++) {
        printf("%02x", data[i]);
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    static unsigned char key[64];
    static unsigned char mki[SRTP_MAX_MKI_LEN];
    int mki_len = 0;
    srtp_master_key_t master_key;
    srtp_master_key_t *master_keys[1] = {&master_key};
    static char line[2 * MAX_PACKET + 64];
    static unsigned char packet[MAX_PACKET + SRTP_MAX_TRAILER_LEN];
    srtp_policy_t policy;
    srtp_t session;
    srtp_err_status_t status;

    if (argc < 4) {
        fprintf(stderr, "usage: %s SUITE KEYSALT_HEX send|receive [options]\n", argv[0]);
        return 1;
    }
    int sending = strcmp(argv[3], "send") == 0;
    memset(&policy, 0, sizeof policy);
    if (set_suite(argv[1], &policy) != 0 || unhex(argv[2], key, sizeof key) <= 0) {
        fprintf(stderr, "unknown suite %s or bad key\n", argv[1]);
        return 1;
    }
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "UNENCRYPTED_SRTP") == 0) {
            policy.rtp.sec_serv &= ~sec_serv_conf;
        } else if (strcmp(argv[i], "UNENCRYPTED_SRTCP") == 0) {
            policy.rtcp.sec_serv &= ~sec_serv_conf;
        } else if (strcmp(argv[i], "UNAUTHENTICATED_SRTP") == 0) {
            /* libsrtp strips the auth function's tag length whatever sec_serv says: use the null auth (whose id
             * the public headers do not name, so take it from a null-auth policy). */
            srtp_crypto_policy_t null_auth;
            srtp_crypto_policy_set_aes_cm_128_null_auth(&null_auth);
            policy.rtp.auth_type = null_auth.auth_type;
            policy.rtp.auth_key_len = 0;
            policy.rtp.auth_tag_len = 0;
            policy.rtp.sec_serv &= ~sec_serv_auth;
        } else if (strncmp(argv[i], "MKI=", 4) == 0) {
            mki_len = unhex(argv[i] + 4, mki, sizeof mki);
            if (mki_len <= 0) {
                fprintf(stderr, "bad MKI %s\n", argv[i]);
                return 1;
            }
        }
    }
    policy.ssrc.type = sending ? ssrc_any_outbound : ssrc_any_inbound;
    if (mki_len > 0) {
        /* with an MKI the key goes in the list of master keys, and policy.key stays NULL */
        master_key.key = key;
        master_key.mki_id = mki;
        master_key.mki_size = (unsigned int)mki_len;
        policy.keys = master_keys;
        policy.num_master_keys = 1;
    } else {
        policy.key = key;
    }
    policy.window_size = 128;
    policy.next = NULL;
    if ((status = srtp_init()) != srtp_err_status_ok) {
        printf("unsupported %d\n", status);
        return 2;
    }
    if ((status = srtp_create(&session, &policy)) != srtp_err_status_ok) {
        printf("unsupported %d\n", status);
        return 2;
    }
    puts("ready");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin) != NULL) {
        int rtcp = strncmp(line, "rtcp ", 5) == 0;
        int length = unhex(line + (rtcp ? 5 : 4), packet, MAX_PACKET);
        if (length < 0) {
            puts("err bad-hex");
        } else {
            unsigned int use_mki = mki_len > 0;
            if (rtcp) {
                status = sending ? srtp_protect_rtcp_mki(session, packet, &length, use_mki, 0)
                                 : srtp_unprotect_rtcp_mki(session, packet, &length, use_mki);
            } else {
                status = sending ? srtp_protect_mki(session, packet, &length, use_mki, 0)
                                 : srtp_unprotect_mki(session, packet, &length, use_mki);
            }
            if (status == srtp_err_status_ok) {
                print_hex("ok ", packet, length);
            } else {
                printf("err %d\n", status);
            }
        }
        fflush(stdout);
    }
    srtp_dealloc(session);
    srtp_shutdown();
    return 0;
}
