/*
 * srtp_bench: packets per second of Debian's libsrtp2 protecting and unprotecting one RTP packet (12-byte header,
 * PAYLOAD bytes) per operation, per suite, on one core: the reference for bench/.../SrtpBenchmark (same packet, same
 * copy-then-transform loop). Built and run by bench/srtp-compare.sh.
 *
 *   srtp_bench [SECONDS_PER_MEASUREMENT] [PAYLOAD]
 *
 * Prints one line per suite and operation: "libsrtp2 SUITE protect|unprotect PACKETS_PER_SECOND".
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING 65535
#define SSRC 0x5eed5eed

typedef void (*policy_setter)(srtp_crypto_policy_t *);

struct suite {
    const char *name;
    policy_setter rtp;
    policy_setter rtcp;
    int key_salt_length;
};

/* srtp.h defines the AES-128 setters as macros: functions are needed for the table. */
static void aes_cm_128_hmac_sha1_80(srtp_crypto_policy_t *p)
{
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p);
}

static void aes_cm_128_hmac_sha1_32(srtp_crypto_policy_t *p)
{
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(p);
}

static const struct suite SUITES[] = {
    {"AES_CM_128_HMAC_SHA1_80", aes_cm_128_hmac_sha1_80, aes_cm_128_hmac_sha1_80, 30},
    {"AES_CM_128_HMAC_SHA1_32", aes_cm_128_hmac_sha1_32, aes_cm_128_hmac_sha1_80, 30},
    {"AES_256_CM_HMAC_SHA1_80", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
     srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, 46},
    {"AES_256_CM_HMAC_SHA1_32", srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32,
     srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, 46},
    {"AEAD_AES_128_GCM", srtp_crypto_policy_set_aes_gcm_128_16_auth, srtp_crypto_policy_set_aes_gcm_128_16_auth, 28},
    {"AEAD_AES_256_GCM", srtp_crypto_policy_set_aes_gcm_256_16_auth, srtp_crypto_policy_set_aes_gcm_256_16_auth, 44},
};

static unsigned char key[64];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static srtp_t session(const struct suite *suite, int sending)
{
    srtp_policy_t policy;
    srtp_t s;
    memset(&policy, 0, sizeof policy);
    suite->rtp(&policy.rtp);
    suite->rtcp(&policy.rtcp);
    policy.ssrc.type = sending ? ssrc_any_outbound : ssrc_any_inbound;
    policy.key = key;
    policy.window_size = 128;
    if (srtp_create(&s, &policy) != srtp_err_status_ok) {
        fprintf(stderr, "srtp_create failed for %s\n", suite->name);
        exit(1);
    }
    return s;
}

static void rtp(unsigned char *packet, int seq, int payload)
{
    memset(packet, 0, 12);
    packet[0] = 0x80;
    packet[2] = (unsigned char)(seq >> 8);
    packet[3] = (unsigned char)seq;
    packet[7] = 160;
    packet[8] = (SSRC >> 24) & 0xff;
    packet[9] = (SSRC >> 16) & 0xff;
    packet[10] = (SSRC >> 8) & 0xff;
    packet[11] = SSRC & 0xff;
    for (int i = 12; i < 12 + payload; i++) {
        packet[i] = (unsigned char)(i * 7);
    }
}

static double bench_protect(const struct suite *suite, double seconds, int payload)
{
    unsigned char plain[2048], buf[2048 + SRTP_MAX_TRAILER_LEN];
    srtp_t s = session(suite, 1);
    long count = 0;
    int seq = 0;
    rtp(plain, 0, payload);
    double start = now(), elapsed;
    do {
        for (int i = 0; i < 10000; i++) {
            int length = 12 + payload;
            memcpy(buf, plain, (size_t)length);
            buf[2] = (unsigned char)(seq >> 8);
            buf[3] = (unsigned char)seq;
            seq = (seq + 1) & 0xffff;
            if (srtp_protect(s, buf, &length) != srtp_err_status_ok) {
                fprintf(stderr, "protect failed\n");
                exit(1);
            }
        }
        count += 10000;
        elapsed = now() - start;
    } while (elapsed < seconds);
    srtp_dealloc(s);
    return (double)count / elapsed;
}

static double bench_unprotect(const struct suite *suite, double seconds, int payload)
{
    static unsigned char ring[RING + 1][2048 + SRTP_MAX_TRAILER_LEN];
    static int lengths[RING + 1];
    unsigned char buf[2048 + SRTP_MAX_TRAILER_LEN];
    srtp_t sender = session(suite, 1);
    for (int seq = 0; seq <= RING; seq++) {
        rtp(ring[seq], seq, payload);
        lengths[seq] = 12 + payload;
        if (srtp_protect(sender, ring[seq], &lengths[seq]) != srtp_err_status_ok) {
            fprintf(stderr, "protect failed\n");
            exit(1);
        }
    }
    srtp_dealloc(sender);
    long count = 0;
    double measured = 0;
    while (measured < seconds) {
        /* A fresh receiver per lap of the ring (the replay window rejects repeats), made off the clock. */
        srtp_t receiver = session(suite, 0);
        int length = lengths[0];
        memcpy(buf, ring[0], (size_t)length);
        srtp_unprotect(receiver, buf, &length);
        double start = now();
        for (int seq = 1; seq <= RING; seq++) {
            length = lengths[seq];
            memcpy(buf, ring[seq], (size_t)length);
            if (srtp_unprotect(receiver, buf, &length) != srtp_err_status_ok) {
                fprintf(stderr, "unprotect failed\n");
                exit(1);
            }
        }
        measured += now() - start;
        count += RING;
        srtp_dealloc(receiver);
    }
    return (double)count / measured;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    int payload = argc > 2 ? atoi(argv[2]) : 160;
    for (int i = 0; i < (int)sizeof key; i++) {
        key[i] = (unsigned char)(i * 13 + 7);
    }
    if (srtp_init() != srtp_err_status_ok) {
        return 1;
    }
    for (size_t i = 0; i < sizeof SUITES / sizeof SUITES[0]; i++) {
        const struct suite *suite = &SUITES[i];
        bench_protect(suite, seconds / 3, payload); /* warm-up */
        printf("libsrtp2 %s protect %.0f\n", suite->name, bench_protect(suite, seconds, payload));
        printf("libsrtp2 %s unprotect %.0f\n", suite->name, bench_unprotect(suite, seconds, payload));
        fflush(stdout);
    }
    srtp_shutdown();
    return 0;
}
