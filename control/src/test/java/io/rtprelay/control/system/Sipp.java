package io.rtprelay.control.system;

import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real SIPp (Debian package sip-tester) running one call of a scenario from {@code src/test/resources/system/}
 * on loopback: every port it binds (SIP, media, control) comes from {@link FreePorts}, it stops by itself after
 * one call ({@code -m 1}) or its global timeout, and it traces the SIP messages it exchanged and the unexpected
 * ones to files in the test's directory. Used from the test thread.
 */
final class Sipp implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/sipp");
    /** SIPp binds its media port and the port two above it (video); the block keeps the RTCP ports free too. */
    private static final int MEDIA_PORTS = 4;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(15);
    private static final Pattern TRACE_ENTRY = Pattern.compile(
        "(?m)^-{20,} [^\n]*\n\\w+ message (received|sent)[^\n]*\n\n");

    /** What the endpoint does with media once the call is up. */
    enum Media {
        /** Plays the packaged G.711 capture to the address the peer's SDP names ({@code play_pcap_audio}). */
        PLAYS,
        /** Sends every RTP packet back where it came from ({@code -rtp_echo}). */
        ECHOES
    }

    /** A SIP message as SIPp traced it. */
    record SipMessage(String startLine, String headers, String body) {
        /**
         * @param name a header name.
         * @return the first value of that header, or null.
         */
        String header(final String name) {
            final String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (final String line : headers.split("\r?\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            return null;
        }
    }

    private final ManagedProcess process;
    private final int sipPort;
    private final int mediaPort;
    private final Path messageFile;
    private final Path errorFile;

    private Sipp(final ManagedProcess process, final int sipPort, final int mediaPort, final Path messageFile,
                 final Path errorFile) {
        this.process = process;
        this.sipPort = sipPort;
        this.mediaPort = mediaPort;
        this.messageFile = messageFile;
        this.errorFile = errorFile;
    }

    /**
     * Starts the called side and waits until it listens.
     *
     * @param directory the test's directory.
     * @param media     what it does with media.
     * @return the running callee.
     */
    static Sipp callee(final Path directory, final Media media) {
        final Sipp callee = start("sipp-uas", directory, media, List.of());
        callee.process.awaitUdpBound(new InetSocketAddress("127.0.0.1", callee.sipPort), Duration.ofSeconds(5));
        return callee;
    }

    /**
     * Starts the calling side; it places its one call at once.
     *
     * @param directory the test's directory.
     * @param media     what it does with media.
     * @param proxy     where it sends the INVITE.
     * @param callId    the Call-ID of its call.
     * @return the running caller.
     */
    static Sipp caller(final Path directory, final Media media, final InetSocketAddress proxy, final String callId) {
        return caller("sipp-uac", directory, media, proxy, callId);
    }

    /**
     * @param scenario the caller's scenario under {@code /system/}, without {@code .xml}.
     * @see #caller(Path, Media, InetSocketAddress, String)
     */
    static Sipp caller(final String scenario, final Path directory, final Media media, final InetSocketAddress proxy,
                       final String callId) {
        return start(scenario, directory, media,
            List.of("-cid_str", callId, proxy.getHostString() + ":" + proxy.getPort()));
    }

    private static Sipp start(final String role, final Path directory, final Media media, final List<String> tail) {
        final int sipPort = FreePorts.childUdp();
        final int mediaPort = FreePorts.childUdpBlock(MEDIA_PORTS);
        try {
            final Path scenario = Files.writeString(directory.resolve(role + ".xml"),
                SystemResources.text(role + ".xml"), StandardCharsets.ISO_8859_1);
            final Path messageFile = directory.resolve(role + "-messages.log");
            final Path errorFile = directory.resolve(role + "-errors.log");
            final List<String> command = new ArrayList<>(List.of(BINARY.toString(),
                "-sf", scenario.toString(), "-i", "127.0.0.1", "-p", Integer.toString(sipPort),
                "-mi", "127.0.0.1", "-mp", Integer.toString(mediaPort), "-cp", Integer.toString(FreePorts.childUdp()),
                "-m", "1", "-nostdin", "-timeout", RUN_LIMIT.toSeconds() + "s", "-timeout_error",
                "-trace_msg", "-message_file", messageFile.toString(),
                "-trace_err", "-error_file", errorFile.toString()));
            command.addAll(media == Media.PLAYS ? List.of("-set", "plays", "true") : List.of("-rtp_echo"));
            command.addAll(tail);
            return new Sipp(ManagedProcess.start(role, command, directory), sipPort, mediaPort, messageFile,
                errorFile);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the port it takes SIP on. */
    int sipPort() {
        return sipPort;
    }

    /** @return the RTP port its SDP names. */
    int mediaPort() {
        return mediaPort;
    }

    /** @return the process, for its log. */
    ManagedProcess process() {
        return process;
    }

    /**
     * @return its exit code once its call is over (0: every call succeeded).
     */
    int awaitExit() {
        return process.awaitExit(RUN_LIMIT.plusSeconds(5));
    }

    /** @return the SIP messages it received, in order. */
    List<SipMessage> received() {
        final String trace = read(messageFile);
        final List<SipMessage> received = new ArrayList<>();
        final Matcher entry = TRACE_ENTRY.matcher(trace);
        boolean more = entry.find();
        while (more) {
            final boolean isReceived = "received".equals(entry.group(1));
            final int start = entry.end();
            more = entry.find();
            if (isReceived) {
                received.add(parse(trace.substring(start, more ? entry.start() : trace.length())));
            }
        }
        return received;
    }

    /** @return what it traced as unexpected, or an empty string. */
    String errors() {
        return Files.exists(errorFile) ? read(errorFile) : "";
    }

    /** @return a description for failure messages: its screen output and its unexpected messages. */
    String report() {
        return process + "\n" + process.tail() + "\nunexpected messages:\n" + errors();
    }

    private static SipMessage parse(final String text) {
        final String message = text.strip();
        final int headerEnd = message.indexOf("\r\n\r\n");
        final String head = headerEnd < 0 ? message : message.substring(0, headerEnd);
        final String body = headerEnd < 0 ? "" : message.substring(headerEnd + 4);
        final int firstLineEnd = head.indexOf("\r\n");
        return firstLineEnd < 0 ? new SipMessage(head, "", body)
            : new SipMessage(head.substring(0, firstLineEnd), head.substring(firstLineEnd + 2), body);
    }

    private static String read(final Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
