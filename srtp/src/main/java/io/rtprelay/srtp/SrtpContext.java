package io.rtprelay.srtp;

import io.rtprelay.srtp.SrtpProfile.Transform;
import io.rtprelay.srtp.SsrcTable.SsrcState;
import io.rtprelay.srtp.cipher.AesCtr;
import io.rtprelay.srtp.cipher.AesF8;
import io.rtprelay.srtp.cipher.Ghash;
import io.rtprelay.srtp.cipher.HmacSha1;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One SRTP crypto context (RFC 3711 §3.2): the session keys of one master key, for one direction of one stream
 * (RTP and its RTCP), transforming packets in place in a {@link ByteBuffer} (direct or heap; the relay passes
 * Netty's {@code nioBuffer} view of a pooled receive buffer).
 *
 * <ul>
 *   <li>{@link #protectRtp} / {@link #protectRtcp} encrypt and append the tag (and the SRTCP E flag and index,
 *       RFC 3711 §3.4): they return the longer length, so the buffer's <b>limit</b> must leave that room after
 *       {@code offset + length} ({@link #rtpOverhead()}, {@link #rtcpOverhead()}), else {@link SrtpStatus#NO_ROOM}.
 *   <li>{@link #unprotectRtp} / {@link #unprotectRtcp} authenticate, check replay, decrypt and return the shorter
 *       length.
 *   <li>Failures are negative {@link SrtpStatus} codes, never exceptions, counted per code ({@link #failures}).
 *       A packet that fails leaves no state behind: the rollover counter, replay window and SSRC table move only
 *       after a packet authenticated (the buffer's bytes may have been changed by a failed protect, never by a
 *       failed unprotect's tag check).
 * </ul>
 *
 * <p>Per SSRC (at most {@code maxSsrcs} per direction and kind, the rest refused as {@link SrtpStatus#SSRC_LIMIT}):
 * the rollover counter is estimated from the highest index seen, as RFC 3711 §3.3.1 and appendix A do; on unprotect
 * a {@link ReplayWindow} (RFC 3711 §3.3.2) rejects duplicates and packets older than the window; on protect the
 * same estimate follows the sender's wrap past sequence 65535 even when packets arrive reordered; SRTCP indices
 * start at 0 per SSRC. Transforms: AES-CM with HMAC-SHA1 (RFC 3711 §4.1.1, §4.2.1; RFC 6188), AES-f8 with HMAC-SHA1
 * (RFC 3711 §4.1.2), AES-GCM (RFC 7714 §8-§10), or none ({@code NULL_*}); keys from {@link KeyDerivation} (key
 * derivation rate 0). With an MKI in the policy every packet carries it (RFC 3711 §3.1: before the HMAC tag; after
 * the GCM tag and, in SRTCP, the index, RFC 7714 §8.1, §9.1), and unprotect refuses a packet with another one
 * ({@link SrtpStatus#BAD_MKI}) before it authenticates.
 *
 * <p>Threading: owned by one thread at a time (the stream's event loop), not thread-safe; the failure counters may be
 * read from any thread. Allocation: none per packet (JCE ciphers and digests are made here, once; the scratch for a
 * direct buffer's bytes is per thread).
 */
public final class SrtpContext {
    /** The most SSRCs tracked per direction and kind (RTP, RTCP) when not given. */
    public static final int DEFAULT_MAX_SSRCS = 16;
    /** Bytes of the SRTCP trailer word: the E flag and the 31-bit SRTCP index. */
    public static final int SRTCP_TRAILER = 4;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT_BE =
        MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;
    private static final int GCM_TAG = 16;
    private static final long MAX_SRTP_INDEX = (1L << 48) - 1;
    private static final long MAX_SRTCP_INDEX = 0x7fffffffL;
    private static final int E_FLAG = 0x80000000;

    private final SrtpProfile profile;
    private final Transform transform;
    private final boolean encryptRtp;
    private final boolean encryptRtcp;
    private final int rtpTagLength;
    private final int rtcpTagLength;
    private final AesCtr rtpCipher;
    private final AesCtr rtcpCipher;
    private final AesF8 rtpF8;
    private final AesF8 rtcpF8;
    private final HmacSha1 rtpMac;
    private final HmacSha1 rtcpMac;
    private final Ghash rtpGhash;
    private final Ghash rtcpGhash;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final int replayWindowSize;
    private final int maxSsrcs;
    /** The MKI field of this context's master key (empty for none), RFC 3711 §3.1. */
    private final byte[] mki;
    private final int mkiLength;
    private final long[] failures = new long[SrtpStatus.CODES];

    private final byte[] iv = new byte[AesCtr.BLOCK];
    private final byte[] tag = new byte[HmacSha1.LENGTH];
    private final byte[] word = new byte[4];
    private final byte[] mask = new byte[AesCtr.BLOCK];
    private SsrcTable rtpSend;
    private SsrcTable rtpReceive;
    private SsrcTable rtcpSend;
    private SsrcTable rtcpReceive;
    private Workspace workspace;

    /** The bytes of the packet being transformed: the heap buffer's array, or the workspace's copy. */
    private byte[] a;
    private int base;
    private boolean copied;

    private SrtpContext(final SrtpProfile profile, final KeyDerivation.SessionKeys keys, final boolean encryptRtp,
                        final boolean encryptRtcp, final boolean authenticateRtp, final byte[] mki,
                        final int replayWindowSize, final int maxSsrcs) {
        this.profile = profile;
        this.transform = profile.transform();
        this.encryptRtp = encryptRtp && profile.encrypts();
        this.encryptRtcp = encryptRtcp && profile.encrypts();
        this.rtpTagLength = authenticateRtp ? profile.rtpAuthTagLength() : 0;
        this.rtcpTagLength = profile.rtcpAuthTagLength();
        this.replayWindowSize = replayWindowSize;
        this.maxSsrcs = maxSsrcs;
        this.mki = mki.clone();
        this.mkiLength = mki.length;
        final boolean ctr = transform == Transform.AES_CM || transform == Transform.AES_GCM;
        this.rtpCipher = ctr ? new AesCtr(keys.rtpKey()) : null;
        this.rtcpCipher = ctr ? new AesCtr(keys.rtcpKey()) : null;
        final boolean f8 = transform == Transform.AES_F8;
        this.rtpF8 = f8 ? new AesF8(keys.rtpKey(), keys.rtpSalt()) : null;
        this.rtcpF8 = f8 ? new AesF8(keys.rtcpKey(), keys.rtcpSalt()) : null;
        this.rtpSalt = keys.rtpSalt().clone();
        this.rtcpSalt = keys.rtcpSalt().clone();
        if (transform == Transform.AES_GCM) {
            this.rtpMac = null;
            this.rtcpMac = null;
            // SRTP carries the media: the faster 4 KiB tables; SRTCP, a few packets a second: the 256-byte ones.
            this.rtpGhash = new Ghash(hashSubkey(rtpCipher), true);
            this.rtcpGhash = new Ghash(hashSubkey(rtcpCipher), false);
        } else {
            this.rtpMac = new HmacSha1(keys.rtpAuth());
            this.rtcpMac = new HmacSha1(keys.rtcpAuth());
            this.rtpGhash = null;
            this.rtcpGhash = null;
        }
    }

    /**
     * @param policy the profile, master key and salt, and SDES session parameters.
     * @return a context with a {@link ReplayWindow#DEFAULT_SIZE} replay window and {@link #DEFAULT_MAX_SSRCS}.
     */
    public static SrtpContext create(final SrtpPolicy policy) {
        return create(policy, ReplayWindow.DEFAULT_SIZE, DEFAULT_MAX_SSRCS);
    }

    /**
     * Derives the session keys (key derivation rate 0) and makes the ciphers. Control-plane cost: a few AES
     * key schedules; call it off the event loop and hand the context over with the stream's proxy.
     *
     * @param policy           the profile, master key and salt, and SDES session parameters.
     * @param replayWindowSize the replay window per SSRC: a power of two, 64..{@link ReplayWindow#MAX_SIZE}.
     * @param maxSsrcs         the most SSRCs tracked per direction and kind, 1..1024.
     * @return the context.
     * @throws IllegalArgumentException on a bad window size or SSRC bound.
     */
    public static SrtpContext create(final SrtpPolicy policy, final int replayWindowSize, final int maxSsrcs) {
        Objects.requireNonNull(policy, "policy");
        return withSessionKeys(policy.profile(), KeyDerivation.sessionKeys(policy), policy.encryptRtp(),
            policy.encryptRtcp(), policy.authenticateRtp(), policy.mkiRef(), replayWindowSize, maxSsrcs);
    }

    /** Test vectors (RFC 7714 §16-17) state session keys, not master keys: this skips the derivation. */
    static SrtpContext withSessionKeys(final SrtpProfile profile, final KeyDerivation.SessionKeys keys,
                                       final boolean encryptRtp, final boolean encryptRtcp,
                                       final boolean authenticateRtp, final int replayWindowSize,
                                       final int maxSsrcs) {
        return withSessionKeys(profile, keys, encryptRtp, encryptRtcp, authenticateRtp, new byte[0],
            replayWindowSize, maxSsrcs);
    }

    private static SrtpContext withSessionKeys(final SrtpProfile profile, final KeyDerivation.SessionKeys keys,
                                               final boolean encryptRtp, final boolean encryptRtcp,
                                               final boolean authenticateRtp, final byte[] mki,
                                               final int replayWindowSize, final int maxSsrcs) {
        ReplayWindow.checkSize(replayWindowSize);
        if (maxSsrcs < 1 || maxSsrcs > 1024) {
            throw new IllegalArgumentException("maxSsrcs " + maxSsrcs + " outside 1..1024");
        }
        if (profile.isAead() && !authenticateRtp) {
            throw new IllegalArgumentException("UNAUTHENTICATED_SRTP is not allowed with " + profile);
        }
        return new SrtpContext(profile, keys, encryptRtp, encryptRtcp, authenticateRtp, mki, replayWindowSize,
            maxSsrcs);
    }

    private static byte[] hashSubkey(final AesCtr cipher) {
        final byte[] h = new byte[AesCtr.BLOCK];
        cipher.encryptBlocks(h, 0, AesCtr.BLOCK, h, 0);
        return h;
    }

    /** @return the crypto suite. */
    public SrtpProfile profile() {
        return profile;
    }

    /**
     * @return the bytes {@link #protectRtp} appends: the MKI and the SRTP tag (no tag with
     *         {@code UNAUTHENTICATED_SRTP}).
     */
    public int rtpOverhead() {
        return mkiLength + rtpTagLength;
    }

    /** @return the bytes {@link #protectRtcp} appends: the E flag and index word, the MKI and the SRTCP tag. */
    public int rtcpOverhead() {
        return SRTCP_TRAILER + mkiLength + rtcpTagLength;
    }

    /** @return the MKI length in bytes, 0 when the packets carry none. */
    public int mkiLength() {
        return mkiLength;
    }

    /** @return the replay window per SSRC, in packets. */
    public int replayWindowSize() {
        return replayWindowSize;
    }

    /** @return the most SSRCs tracked per direction and kind. */
    public int maxSsrcs() {
        return maxSsrcs;
    }

    /**
     * @param status a negative {@link SrtpStatus} code.
     * @return how many calls failed with it; readable from any thread.
     */
    public long failures(final int status) {
        return status < 0 && -status < SrtpStatus.CODES ? (long) COUNTS.getOpaque(failures, -status) : 0;
    }

    /** @return all failures, of every code; readable from any thread. */
    public long failuresTotal() {
        long sum = 0;
        for (int i = 1; i < SrtpStatus.CODES; i++) {
            sum += (long) COUNTS.getOpaque(failures, i);
        }
        return sum;
    }

    /**
     * Turns an RTP packet into SRTP in place: encrypts the payload and appends the tag.
     *
     * @param buf    the packet's buffer; only absolute indices are used (position untouched), and the limit bounds
     *               the room for the tag.
     * @param offset where the RTP header starts.
     * @param length the RTP packet's length.
     * @return the SRTP packet's length ({@code length + rtpOverhead()}), or a negative {@link SrtpStatus}.
     */
    public int protectRtp(final ByteBuffer buf, final int offset, final int length) {
        final int status = check(buf, offset, length, mkiLength + rtpTagLength);
        if (status < 0) {
            return fail(status);
        }
        if (length < RTP_HEADER) {
            return fail(SrtpStatus.TOO_SHORT);
        }
        load(buf, offset, length);
        final int header = rtpHeaderLength(length);
        if (header < 0) {
            return fail(SrtpStatus.BAD_HEADER);
        }
        final int seq = sequence();
        final int ssrc = (int) INT_BE.get(a, base + 8);
        if (rtpSend == null) {
            rtpSend = new SsrcTable(maxSsrcs, 0);
        }
        final SsrcState state = rtpSend.findOrAdd(ssrc);
        if (state == null) {
            return fail(SrtpStatus.SSRC_LIMIT);
        }
        final long guess = guessIndex(state.highest, seq);
        final long index = guess < 0 ? seq : guess;
        if (index > MAX_SRTP_INDEX) {
            return fail(SrtpStatus.KEY_EXPIRED);
        }
        if (index > state.highest) {
            state.highest = index;
        }
        final int roc = (int) (index >>> 16);
        final Workspace ws = workspace();
        if (transform == Transform.AES_GCM) {
            gcmRtpIv(ssrc, roc, seq);
            final int aad = encryptRtp ? header : length;
            gcmSeal(rtpCipher, rtpGhash, aad, false, length - aad, length, ws);
            putMki(length + GCM_TAG);
        } else {
            if (encryptRtp) {
                rtpKeystream(ssrc, roc, seq, header, length - header, ws);
            }
            putMki(length);
            if (rtpTagLength > 0) {
                hmac(rtpMac, length, roc);
                System.arraycopy(tag, 0, a, base + length + mkiLength, rtpTagLength);
            }
        }
        final int out = length + mkiLength + rtpTagLength;
        store(buf, offset, encryptRtp ? header : length, out);
        return out;
    }

    /**
     * Turns an SRTP packet back into RTP in place: authenticates, checks replay, decrypts.
     *
     * @param buf    the packet's buffer (absolute indices only).
     * @param offset where the RTP header starts.
     * @param length the SRTP packet's length, tag included.
     * @return the RTP packet's length ({@code length - rtpOverhead()}), or a negative {@link SrtpStatus}.
     */
    public int unprotectRtp(final ByteBuffer buf, final int offset, final int length) {
        final int status = check(buf, offset, length, 0);
        if (status < 0) {
            return fail(status);
        }
        if (length < RTP_HEADER + mkiLength + rtpTagLength) {
            return fail(SrtpStatus.TOO_SHORT);
        }
        load(buf, offset, length);
        final int end = length - mkiLength - rtpTagLength;
        final int header = rtpHeaderLength(end);
        if (header < 0) {
            return fail(SrtpStatus.BAD_HEADER);
        }
        // RFC 3711 §3.1: the HMAC tag follows the MKI; RFC 7714 §8.1: the MKI follows the GCM tag
        if (mkiLength > 0 && !mkiMatches(transform == Transform.AES_GCM ? length - mkiLength : end)) {
            return fail(SrtpStatus.BAD_MKI);
        }
        final int seq = sequence();
        final int ssrc = (int) INT_BE.get(a, base + 8);
        if (rtpReceive == null) {
            rtpReceive = new SsrcTable(maxSsrcs, replayWindowSize);
        }
        SsrcState state = rtpReceive.find(ssrc);
        if (state == null && rtpReceive.isFull()) {
            return fail(SrtpStatus.SSRC_LIMIT);
        }
        final long index = guessIndex(state == null ? -1 : state.window.highest(), seq);
        if (index > MAX_SRTP_INDEX) {
            return fail(SrtpStatus.KEY_EXPIRED);
        }
        if (index < 0 || state != null && !state.window.accepts(index)) {
            return fail(SrtpStatus.REPLAYED);
        }
        final int roc = (int) (index >>> 16);
        final Workspace ws = workspace();
        if (transform == Transform.AES_GCM) {
            gcmRtpIv(ssrc, roc, seq);
            final int aad = encryptRtp ? header : end;
            if (!gcmOpen(rtpCipher, rtpGhash, aad, false, end - aad, end, ws)) {
                return fail(SrtpStatus.AUTH_FAILED);
            }
        } else {
            if (rtpTagLength > 0) {
                hmac(rtpMac, end, roc);
                if (!equal(tag, a, base + end + mkiLength, rtpTagLength)) {
                    return fail(SrtpStatus.AUTH_FAILED);
                }
            }
            if (encryptRtp) {
                rtpKeystream(ssrc, roc, seq, header, end - header, ws);
            }
        }
        if (state == null) {
            state = rtpReceive.add(ssrc);
        }
        state.window.accept(index);
        if (encryptRtp) {
            store(buf, offset, header, end);
        }
        return end;
    }

    /**
     * Turns an RTCP compound packet into SRTCP in place: encrypts after the first 8 bytes (unless
     * {@code UNENCRYPTED_SRTCP}), appends the E flag and SRTCP index, the MKI if any, and the tag (RFC 3711 §3.4; for
     * AEAD the tag precedes the index and the MKI comes last, RFC 7714 §9).
     *
     * @param buf    the packet's buffer (absolute indices only; the limit bounds the room for the trailer).
     * @param offset where the RTCP header starts.
     * @param length the RTCP packet's length.
     * @return the SRTCP packet's length ({@code length + rtcpOverhead()}), or a negative {@link SrtpStatus}.
     */
    public int protectRtcp(final ByteBuffer buf, final int offset, final int length) {
        final int status = check(buf, offset, length, SRTCP_TRAILER + mkiLength + rtcpTagLength);
        if (status < 0) {
            return fail(status);
        }
        if (length < RTCP_HEADER) {
            return fail(SrtpStatus.TOO_SHORT);
        }
        load(buf, offset, length);
        if ((a[base] & 0xc0) != 0x80) {
            return fail(SrtpStatus.BAD_HEADER);
        }
        final int ssrc = (int) INT_BE.get(a, base + 4);
        if (rtcpSend == null) {
            rtcpSend = new SsrcTable(maxSsrcs, 0);
        }
        final SsrcState state = rtcpSend.findOrAdd(ssrc);
        if (state == null) {
            return fail(SrtpStatus.SSRC_LIMIT);
        }
        final long index = state.nextSrtcpIndex;
        if (index > MAX_SRTCP_INDEX) {
            return fail(SrtpStatus.KEY_EXPIRED);
        }
        state.nextSrtcpIndex = index + 1;
        final int trailer = (encryptRtcp ? E_FLAG : 0) | (int) index;
        final Workspace ws = workspace();
        final int out = length + SRTCP_TRAILER + mkiLength + rtcpTagLength;
        if (transform == Transform.AES_GCM) {
            INT_BE.set(word, 0, trailer);
            gcmRtcpIv(ssrc, (int) index);
            final int aad = encryptRtcp ? RTCP_HEADER : length;
            gcmSeal(rtcpCipher, rtcpGhash, aad, true, length - aad, length, ws);
            INT_BE.set(a, base + length + GCM_TAG, trailer);
            putMki(length + GCM_TAG + SRTCP_TRAILER);
        } else {
            if (encryptRtcp) {
                rtcpKeystream(ssrc, trailer, length - RTCP_HEADER, ws);
            }
            INT_BE.set(a, base + length, trailer);
            rtcpMac.start();
            rtcpMac.update(a, base, length + SRTCP_TRAILER);
            rtcpMac.finish(tag, 0);
            putMki(length + SRTCP_TRAILER);
            System.arraycopy(tag, 0, a, base + length + SRTCP_TRAILER + mkiLength, rtcpTagLength);
        }
        store(buf, offset, encryptRtcp ? RTCP_HEADER : length, out);
        return out;
    }

    /**
     * Turns an SRTCP packet back into RTCP in place: authenticates, checks replay of the SRTCP index, decrypts if
     * the E flag says so.
     *
     * @param buf    the packet's buffer (absolute indices only).
     * @param offset where the RTCP header starts.
     * @param length the SRTCP packet's length, trailer and tag included.
     * @return the RTCP packet's length ({@code length - rtcpOverhead()}), or a negative {@link SrtpStatus}.
     */
    public int unprotectRtcp(final ByteBuffer buf, final int offset, final int length) {
        final int status = check(buf, offset, length, 0);
        if (status < 0) {
            return fail(status);
        }
        if (length < RTCP_HEADER + SRTCP_TRAILER + mkiLength + rtcpTagLength) {
            return fail(SrtpStatus.TOO_SHORT);
        }
        load(buf, offset, length);
        if ((a[base] & 0xc0) != 0x80) {
            return fail(SrtpStatus.BAD_HEADER);
        }
        final int ssrc = (int) INT_BE.get(a, base + 4);
        final boolean aead = transform == Transform.AES_GCM;
        // RFC 3711 §3.4: ... || E || index || MKI || tag; RFC 7714 §9.1: ... || tag || E || index || MKI
        final int end = length - rtcpTagLength - mkiLength - SRTCP_TRAILER;
        final int trailerAt = aead ? length - mkiLength - SRTCP_TRAILER : end;
        if (mkiLength > 0 && !mkiMatches(trailerAt + SRTCP_TRAILER)) {
            return fail(SrtpStatus.BAD_MKI);
        }
        final int trailer = (int) INT_BE.get(a, base + trailerAt);
        final boolean encrypted = (trailer & E_FLAG) != 0 && transform != Transform.NULL;
        final int index = trailer & ~E_FLAG;
        if (rtcpReceive == null) {
            rtcpReceive = new SsrcTable(maxSsrcs, replayWindowSize);
        }
        SsrcState state = rtcpReceive.find(ssrc);
        if (state == null && rtcpReceive.isFull()) {
            return fail(SrtpStatus.SSRC_LIMIT);
        }
        if (state != null && !state.window.accepts(index)) {
            return fail(SrtpStatus.REPLAYED);
        }
        final Workspace ws = workspace();
        if (aead) {
            INT_BE.set(word, 0, trailer);
            gcmRtcpIv(ssrc, index);
            final int aad = encrypted ? RTCP_HEADER : end;
            if (!gcmOpen(rtcpCipher, rtcpGhash, aad, true, end - aad, end, ws)) {
                return fail(SrtpStatus.AUTH_FAILED);
            }
        } else {
            rtcpMac.start();
            rtcpMac.update(a, base, end + SRTCP_TRAILER);
            rtcpMac.finish(tag, 0);
            if (!equal(tag, a, base + end + SRTCP_TRAILER + mkiLength, rtcpTagLength)) {
                return fail(SrtpStatus.AUTH_FAILED);
            }
            if (encrypted) {
                rtcpKeystream(ssrc, trailer, end - RTCP_HEADER, ws);
            }
        }
        if (state == null) {
            state = rtcpReceive.add(ssrc);
        }
        state.window.accept(index);
        if (encrypted) {
            store(buf, offset, RTCP_HEADER, end);
        }
        return end;
    }

    /**
     * The packet index of RFC 3711 appendix A: the ROC guess v from s_l (the highest sequence number) and the
     * received sequence number, then v || SEQ.
     *
     * @param highest the highest index accepted (ROC || s_l), or -1 before the first packet (then ROC = 0).
     * @param seq     the received sequence number.
     * @return the 48-bit index (beyond 48 bits when the ROC would wrap), or -1 for a packet from before the first
     *         rollover period (ROC would be -1).
     */
    static long guessIndex(final long highest, final int seq) {
        if (highest < 0) {
            return seq;
        }
        final int sl = (int) highest & 0xffff;
        final long roc = highest >>> 16;
        long v = roc;
        if (sl < 0x8000) {
            if (seq - sl > 0x8000) {
                v = roc - 1;
            }
        } else if (sl - 0x8000 > seq) {
            v = roc + 1;
        }
        return v < 0 ? -1 : (v << 16) | seq;
    }

    private int check(final ByteBuffer buf, final int offset, final int length, final int room) {
        if (buf == null || offset < 0 || length < 0 || length > Workspace.MAX_PACKET || buf.isReadOnly()
            || (long) offset + length > buf.limit()) {
            return SrtpStatus.BAD_ARGUMENT;
        }
        if ((long) offset + length + room > buf.limit()) {
            return SrtpStatus.NO_ROOM;
        }
        return 0;
    }

    private int fail(final int status) {
        final int i = -status;
        COUNTS.setOpaque(failures, i, failures[i] + 1);
        return status;
    }

    private Workspace workspace() {
        Workspace ws = workspace;
        if (ws == null || ws.owner != Thread.currentThread()) {
            ws = Workspace.current();
            workspace = ws;
        }
        return ws;
    }

    /** Points {@link #a}/{@link #base} at the packet: a heap buffer's own array, or a copy of a direct one. */
    private void load(final ByteBuffer buf, final int offset, final int length) {
        if (buf.hasArray()) {
            a = buf.array();
            base = buf.arrayOffset() + offset;
            copied = false;
        } else {
            a = workspace().packet;
            base = 0;
            buf.get(offset, a, 0, length);
            copied = true;
        }
    }

    /** Writes {@code [from, to)} of the packet back to a direct buffer (a heap buffer was changed in place). */
    private void store(final ByteBuffer buf, final int offset, final int from, final int to) {
        if (copied && to > from) {
            buf.put(offset + from, a, from, to - from);
        }
    }

    private int sequence() {
        return (short) SHORT_BE.get(a, base + 2) & 0xffff;
    }

    /** @return the RTP header length (fixed header, CSRCs, extension; RFC 3550 §5.1, §5.3.1), or -1. */
    private int rtpHeaderLength(final int available) {
        final int b0 = a[base] & 0xff;
        if ((b0 & 0xc0) != 0x80) {
            return -1;
        }
        int n = RTP_HEADER + ((b0 & 0x0f) << 2);
        if ((b0 & 0x10) != 0) {
            if (n + 4 > available) {
                return -1;
            }
            n += 4 + (((short) SHORT_BE.get(a, base + n + 2) & 0xffff) << 2);
        }
        return n <= available ? n : -1;
    }

    /** HMAC-SHA1 over {@code a[base, base + length)} then the ROC (RFC 3711 §4.2), into {@link #tag}. */
    private void hmac(final HmacSha1 mac, final int length, final int roc) {
        mac.start();
        mac.update(a, base, length);
        INT_BE.set(word, 0, roc);
        mac.update(word, 0, 4);
        mac.finish(tag, 0);
    }

    /** Writes the MKI field at {@code at} (nothing without MKI). */
    private void putMki(final int at) {
        for (int i = 0; i < mkiLength; i++) {
            a[base + at + i] = mki[i];
        }
    }

    /** @return true when the packet's MKI field at {@code at} is this context's. */
    private boolean mkiMatches(final int at) {
        for (int i = 0; i < mkiLength; i++) {
            if (a[base + at + i] != mki[i]) {
                return false;
            }
        }
        return true;
    }

    /** XORs the SRTP keystream of the packet into its payload {@code [header, header + length)}. */
    private void rtpKeystream(final int ssrc, final int roc, final int seq, final int header, final int length,
                              final Workspace ws) {
        if (transform == Transform.AES_F8) {
            f8RtpIv(roc);
            rtpF8.xorKeystream(iv, a, base + header, length);
        } else {
            cmRtpIv(rtpSalt, ssrc, roc, seq);
            rtpCipher.xorKeystream(iv, a, base + header, length, ws.counters, ws.keystream);
        }
    }

    /** XORs the SRTCP keystream into the packet after its first 8 bytes; {@code trailer} is E || SRTCP index. */
    private void rtcpKeystream(final int ssrc, final int trailer, final int length, final Workspace ws) {
        if (transform == Transform.AES_F8) {
            f8RtcpIv(trailer);
            rtcpF8.xorKeystream(iv, a, base + RTCP_HEADER, length);
        } else {
            cmRtcpIv(ssrc, trailer & ~E_FLAG);
            rtcpCipher.xorKeystream(iv, a, base + RTCP_HEADER, length, ws.counters, ws.keystream);
        }
    }

    /** The f8 SRTP IV: 0x00 || M || PT || SEQ || TS || SSRC || ROC (RFC 3711 §4.1.2.2), from the packet's header. */
    private void f8RtpIv(final int roc) {
        iv[0] = 0;
        System.arraycopy(a, base + 1, iv, 1, RTP_HEADER - 1);
        INT_BE.set(iv, 12, roc);
    }

    /**
     * The f8 SRTCP IV: 0^32 || E || SRTCP index || V || P || RC || PT || length || SSRC (RFC 3711 §4.1.2.3), the
     * last 64 bits the packet's first 8 bytes.
     */
    private void f8RtcpIv(final int trailer) {
        INT_BE.set(iv, 0, 0);
        INT_BE.set(iv, 4, trailer);
        System.arraycopy(a, base, iv, 8, RTCP_HEADER);
    }

    /** IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i = ROC || SEQ (RFC 3711 §4.1.1). */
    private void cmRtpIv(final byte[] salt, final int ssrc, final int roc, final int seq) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        INT_BE.set(iv, 4, (int) INT_BE.get(iv, 4) ^ ssrc);
        INT_BE.set(iv, 8, (int) INT_BE.get(iv, 8) ^ roc);
        SHORT_BE.set(iv, 12, (short) ((short) SHORT_BE.get(iv, 12) ^ seq));
    }

    /** The SRTCP IV: as SRTP's with i = the 31-bit SRTCP index (RFC 3711 §4.1.1, §3.4). */
    private void cmRtcpIv(final int ssrc, final int index) {
        System.arraycopy(rtcpSalt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        INT_BE.set(iv, 4, (int) INT_BE.get(iv, 4) ^ ssrc);
        INT_BE.set(iv, 10, (int) INT_BE.get(iv, 10) ^ index);
    }

    /** The AEAD SRTP IV: (00 00 || SSRC || ROC || SEQ) XOR salt (RFC 7714 §8.1), then a 32-bit counter. */
    private void gcmRtpIv(final int ssrc, final int roc, final int seq) {
        System.arraycopy(rtpSalt, 0, iv, 0, 12);
        INT_BE.set(iv, 2, (int) INT_BE.get(iv, 2) ^ ssrc);
        INT_BE.set(iv, 6, (int) INT_BE.get(iv, 6) ^ roc);
        SHORT_BE.set(iv, 10, (short) ((short) SHORT_BE.get(iv, 10) ^ seq));
    }

    /** The AEAD SRTCP IV: (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt (RFC 7714 §9.1). */
    private void gcmRtcpIv(final int ssrc, final int index) {
        System.arraycopy(rtcpSalt, 0, iv, 0, 12);
        INT_BE.set(iv, 2, (int) INT_BE.get(iv, 2) ^ ssrc);
        INT_BE.set(iv, 8, (int) INT_BE.get(iv, 8) ^ index);
    }

    /**
     * AES-GCM encryption in place (NIST SP 800-38D §7.1, 96-bit IV): the associated data is the packet's first
     * {@code aad} bytes (then the trailer word when {@code withTrailer}), the plaintext the {@code data} bytes after
     * it; the tag goes at {@code tagAt}.
     */
    private void gcmSeal(final AesCtr cipher, final Ghash ghash, final int aad, final boolean withTrailer,
                         final int data, final int tagAt, final Workspace ws) {
        if (data > 0) {
            INT_BE.set(iv, 12, 2);
            cipher.xorKeystream(iv, a, base + aad, data, ws.counters, ws.keystream);
        }
        gcmTag(cipher, ghash, aad, withTrailer, data);
        for (int i = 0; i < GCM_TAG; i++) {
            a[base + tagAt + i] = tag[i];
        }
    }

    /** AES-GCM decryption in place after the tag verified (§7.2); the layout as {@link #gcmSeal}. */
    private boolean gcmOpen(final AesCtr cipher, final Ghash ghash, final int aad, final boolean withTrailer,
                            final int data, final int tagAt, final Workspace ws) {
        gcmTag(cipher, ghash, aad, withTrailer, data);
        if (!equal(tag, a, base + tagAt, GCM_TAG)) {
            return false;
        }
        if (data > 0) {
            INT_BE.set(iv, 12, 2);
            cipher.xorKeystream(iv, a, base + aad, data, ws.counters, ws.keystream);
        }
        return true;
    }

    /** T = GHASH(A, C) XOR E(K, J0) into {@link #tag}; {@link #iv} holds the 96-bit IV. */
    private void gcmTag(final AesCtr cipher, final Ghash ghash, final int aad, final boolean withTrailer,
                        final int data) {
        ghash.reset();
        ghash.update(a, base, aad);
        if (withTrailer) {
            ghash.update(word, 0, SRTCP_TRAILER);
        }
        ghash.pad();
        ghash.update(a, base + aad, data);
        ghash.finish(withTrailer ? aad + SRTCP_TRAILER : aad, data, tag, 0);
        INT_BE.set(iv, 12, 1);
        cipher.encryptBlocks(iv, 0, AesCtr.BLOCK, mask, 0);
        for (int i = 0; i < GCM_TAG; i++) {
            tag[i] ^= mask[i];
        }
    }

    /** Compares in constant time (no early exit on the first differing byte). */
    private static boolean equal(final byte[] expected, final byte[] actual, final int at, final int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= expected[i] ^ actual[at + i];
        }
        return diff == 0;
    }

    @Override
    public String toString() {
        return "SrtpContext[" + profile + (encryptRtp ? "" : " rtp-clear") + (encryptRtcp ? "" : " rtcp-clear")
            + (rtpTagLength == 0 && !profile.isAead() ? " rtp-unauthenticated" : "")
            + (mkiLength == 0 ? "" : " mki-" + mkiLength) + "]";
    }
}
