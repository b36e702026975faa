package io.rtprelay.control.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SRTP implementation independent of ours: rtpengine-utils' Perl module NGCP::Rtpclient::SRTP
 * ({@code /usr/share/perl5/NGCP/Rtpclient/SRTP.pm}) driven by {@code src/test/resources/srtp/srtp-peer.pl}, one
 * request per line. It protects and unprotects whole packets for the AES-CM and AES-f8 suites with the key of an
 * {@code a=crypto} line, with or without its MKI; the caller names the rollover counter and SRTCP index, so the peer
 * guesses nothing. Used from the test thread only; {@link #close()} ends the process.
 */
public final class PerlSrtpPeer implements AutoCloseable {
    /** The Perl module, from Debian's rtpengine-utils. */
    public static final Path MODULE = Path.of("/usr/share/perl5/NGCP/Rtpclient/SRTP.pm");
    private static final long REPLY_TIMEOUT_MS = 5_000;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final HexFormat HEX = HexFormat.of();

    private final Process process;
    private final Writer requests;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    /**
     * The outcome of an unprotect: the plain packet, or null when it failed.
     *
     * @param packet  the plain packet, or null.
     * @param index   the SRTCP index, or the rollover counter asked for; -1 on failure.
     * @param failure null, {@code auth-failed}, or {@code bad-mki} (the MKI was not the one expected).
     */
    public record Unprotected(byte[] packet, long index, String failure) {
        /** @return true when the packet authenticated. */
        public boolean authenticated() {
            return packet != null;
        }

        static Unprotected failed(final String reply) {
            return "auth-failed".equals(reply) || "bad-mki".equals(reply) ? new Unprotected(null, -1, reply) : null;
        }
    }

    private PerlSrtpPeer(final Process process) {
        this.process = process;
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    replies.add(line);
                }
            } catch (final IOException e) {
                replies.add("error " + e.getMessage());
            }
        }, "perl-srtp-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** @return true when the Perl module is installed. */
    public static boolean isAvailable() {
        return Files.isReadable(MODULE);
    }

    /** @return the running peer; its stderr goes to {@code target/system-logs/}. */
    public static PerlSrtpPeer start() {
        try {
            Files.createDirectories(ManagedProcess.LOG_DIRECTORY);
            final Path log = ManagedProcess.LOG_DIRECTORY.resolve(
                "perl-srtp-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".log");
            final Process process = new ProcessBuilder("perl", script().toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            return new PerlSrtpPeer(process);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path script() {
        final URL url = PerlSrtpPeer.class.getResource("/srtp/srtp-peer.pl");
        if (url == null) {
            throw new IllegalStateException("srtp/srtp-peer.pl is not on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param suite an SDES suite name, e.g. {@code AES_CM_128_HMAC_SHA1_80}.
     * @param key   the base64 key and salt of the {@code a=crypto} line.
     * @param roc   the rollover counter of the packet's index (RFC 3711 §3.3.1).
     * @param rtp   an RTP packet.
     * @return the SRTP packet.
     */
    public byte[] protectRtp(final String suite, final String key, final long roc, final byte[] rtp) {
        return protectRtp(suite, key, roc, rtp, null);
    }

    /**
     * @param suite an SDES suite name.
     * @param key   the base64 key and salt.
     * @param roc   the rollover counter.
     * @param rtp   an RTP packet.
     * @param mki   the {@code VALUE:LENGTH} MKI of the {@code a=crypto} line, or null for none.
     * @return the SRTP packet, the MKI before the tag (RFC 3711 §3.1).
     */
    public byte[] protectRtp(final String suite, final String key, final long roc, final byte[] rtp,
                             final String mki) {
        return HEX.parseHex(ok(ask("rtp-protect " + suite + " " + key + " " + roc + " " + HEX.formatHex(rtp)
            + mkiField(mki)), 1));
    }

    /**
     * @param suite the SDES suite name.
     * @param key   the base64 key and salt.
     * @param roc   the rollover counter the receiver assumes.
     * @param srtp  an SRTP packet.
     * @return the RTP packet, or not authenticated.
     */
    public Unprotected unprotectRtp(final String suite, final String key, final long roc, final byte[] srtp) {
        return unprotectRtp(suite, key, roc, srtp, null);
    }

    /**
     * @param suite the SDES suite name.
     * @param key   the base64 key and salt.
     * @param roc   the rollover counter the receiver assumes.
     * @param srtp  an SRTP packet.
     * @param mki   the {@code VALUE:LENGTH} MKI the packet must carry, or null for none.
     * @return the RTP packet, or not authenticated, or a bad MKI.
     */
    public Unprotected unprotectRtp(final String suite, final String key, final long roc, final byte[] srtp,
                                    final String mki) {
        final String reply = ask("rtp-unprotect " + suite + " " + key + " " + roc + " " + HEX.formatHex(srtp)
            + mkiField(mki));
        final Unprotected failed = Unprotected.failed(reply);
        return failed != null ? failed : new Unprotected(HEX.parseHex(ok(reply, 1)), roc, null);
    }

    /**
     * @param suite the SDES suite name.
     * @param key   the base64 key and salt.
     * @param index the SRTCP index (RFC 3711 §3.4).
     * @param rtcp  a compound RTCP packet.
     * @return the SRTCP packet, encrypted, E flag set.
     */
    public byte[] protectRtcp(final String suite, final String key, final long index, final byte[] rtcp) {
        return protectRtcp(suite, key, index, rtcp, null);
    }

    /**
     * @param suite the SDES suite name.
     * @param key   the base64 key and salt.
     * @param index the SRTCP index.
     * @param rtcp  a compound RTCP packet.
     * @param mki   the {@code VALUE:LENGTH} MKI, or null for none.
     * @return the SRTCP packet, the MKI between the index and the tag (RFC 3711 §3.4).
     */
    public byte[] protectRtcp(final String suite, final String key, final long index, final byte[] rtcp,
                              final String mki) {
        return HEX.parseHex(ok(ask("rtcp-protect " + suite + " " + key + " " + index + " " + HEX.formatHex(rtcp)
            + mkiField(mki)), 1));
    }

    /**
     * @param suite the SDES suite name.
     * @param key   the base64 key and salt.
     * @param srtcp an SRTCP packet.
     * @return the RTCP packet and its SRTCP index, or not authenticated.
     */
    public Unprotected unprotectRtcp(final String suite, final String key, final byte[] srtcp) {
        return unprotectRtcp(suite, key, srtcp, null);
    }

    /**
     * @param suite the SDES suite name.
     * @param key   the base64 key and salt.
     * @param srtcp an SRTCP packet.
     * @param mki   the {@code VALUE:LENGTH} MKI the packet must carry, or null for none.
     * @return the RTCP packet and its SRTCP index, or not authenticated, or a bad MKI.
     */
    public Unprotected unprotectRtcp(final String suite, final String key, final byte[] srtcp, final String mki) {
        final String reply = ask("rtcp-unprotect " + suite + " " + key + " " + HEX.formatHex(srtcp) + mkiField(mki));
        final Unprotected failed = Unprotected.failed(reply);
        return failed != null ? failed
            : new Unprotected(HEX.parseHex(ok(reply, 2)), Long.parseLong(ok(reply, 1)), null);
    }

    private static String mkiField(final String mki) {
        return mki == null ? "" : " " + mki;
    }

    private String ask(final String request) {
        try {
            requests.write(request);
            requests.write('\n');
            requests.flush();
            final String reply = replies.poll(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new IllegalStateException("no reply from the Perl SRTP peer within " + REPLY_TIMEOUT_MS
                    + " ms to " + request + " (alive: " + process.isAlive() + ")");
            }
            return reply;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String ok(final String reply, final int field) {
        final String[] f = reply.split(" ");
        if (!"ok".equals(f[0]) || f.length <= field) {
            throw new IllegalStateException("the Perl SRTP peer replied: " + reply);
        }
        return f[field];
    }

    @Override
    public void close() {
        try {
            requests.close();
        } catch (final IOException e) {
            // the process is going anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
