package io.rtprelay.control.ng;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.rtprelay.control.call.CallCommands;
import io.rtprelay.control.call.CallConductor;
import io.rtprelay.control.config.ConfigException;
import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.MediaPlaneConfig;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's ng stack without its UDP socket, for the ng fuzz targets: an {@link NgCommandAdapter} with every
 * command the daemon registers, on a real {@link CallConductor} and {@link MediaPlane} (sockets bound on loopback,
 * a small port range so that running out of ports is reachable). Checks what every reply must be and that deleting
 * every call gives every port back.
 */
final class NgFuzzRelay implements AutoCloseable {
    /** The interface names the relay knows ({@code direction} may name them, or anything else). */
    static final List<String> INTERFACES = List.of("internal", "external", "v6");
    private static final int PORTS = 40;
    private static final Set<String> RESULTS = Set.of("ok", "error", "pong", "load limit");

    final MediaPlane media;
    final CallConductor conductor;
    private final int freeAtStart;
    private final Logger relayLogger = (Logger)LoggerFactory.getLogger("io.rtprelay");
    private final Level levelBefore = relayLogger.getLevel();
    private NgCommandAdapter adapter;

    NgFuzzRelay() {
        // one INFO line per command would be most of the time spent per input; close() restores the level
        relayLogger.setLevel(Level.ERROR);
        final int portMin = FreePorts.mediaRange(PORTS);
        final RelayConfig config;
        try {
            config = RelayConfig.parse("--interface=internal/127.0.0.1", "--interface=external/127.0.0.1!192.0.2.7",
                "--interface=v6/::1", "--port-min=" + portMin, "--port-max=" + (portMin + PORTS - 1),
                "--num-threads=1", "--max-sessions=6", "--delete-delay=0");
        } catch (final ConfigException e) {
            throw new IllegalStateException(e);
        }
        media = new MediaPlane(new MediaPlaneConfig(config.transport(), config.numThreads(), config.portMin(),
            config.portMax(), config.tos()));
        conductor = new CallConductor(config, media);
        freeAtStart = media.ports().freePorts();
        newAdapter();
    }

    /**
     * Starts over with a fresh adapter (and so an empty reply cache: an input's cookies must not be answered from
     * what an earlier input left), registered as the daemon registers it.
     */
    void newAdapter() {
        adapter = new NgCommandAdapter();
        adapter.register("offer", conductor::offer);
        adapter.register("answer", conductor::answer);
        adapter.register("delete", conductor::delete);
        adapter.register("query", conductor::query);
        adapter.register("list", conductor::list);
        adapter.register("statistics", request -> conductor.statisticsReply());
        CallCommands.registerMediaCommands(adapter, conductor);
    }

    /**
     * Sends one datagram and checks its reply: none only without a cookie, else the cookie, a space and a
     * dictionary whose result is one rtpengine sends, an error with its reason, and never an internal error.
     *
     * @return the reply's dictionary, or null when there was none.
     */
    Map<String, Object> send(final byte[] datagram) {
        final long internalBefore = adapter.internalErrors();
        final byte[] reply = adapter.onDatagram(datagram, 0, datagram.length);
        assertEquals(internalBefore, adapter.internalErrors(), "an internal error answered a request");
        final int space = indexOf(datagram, (byte)' ');
        if (space <= 0) {
            assertEquals(null, reply, "a datagram without a cookie is not answered");
            return null;
        }
        assertNotNull(reply, "a datagram with a cookie is answered");
        for (int i = 0; i <= space; i++) {
            assertEquals(datagram[i], reply[i], "the reply starts with the request's cookie and a space");
        }
        final Map<String, Object> body;
        try {
            body = Bencode.decodeDictionary(reply, space + 1, reply.length - space - 1);
        } catch (final BencodeException e) {
            throw new AssertionError("undecodable reply: " + e.getMessage(), e);
        }
        final Object result = body.get("result");
        assertTrue(RESULTS.contains(result), () -> "result " + result);
        if ("error".equals(result)) {
            assertInstanceOf(String.class, body.get("error-reason"), () -> "error without a reason: " + body);
        }
        return body;
    }

    /** Sends one request dictionary under a fresh cookie. */
    Map<String, Object> send(final String cookie, final Map<String, Object> request) {
        final byte[] body = Bencode.encode(request);
        final byte[] datagram = new byte[cookie.length() + 1 + body.length];
        System.arraycopy(cookie.getBytes(StandardCharsets.ISO_8859_1), 0, datagram, 0, cookie.length());
        datagram[cookie.length()] = ' ';
        System.arraycopy(body, 0, datagram, cookie.length() + 1, body.length);
        return send(datagram);
    }

    /**
     * Deletes every call over ng, as Kamailio would, and checks that the relay then holds no call and every media
     * port is back in the pool.
     */
    void deleteEverythingAndCheckNoLeak(final String cookiePrefix) {
        newAdapter();
        final Map<String, Object> list = new LinkedHashMap<>();
        list.put("command", "list");
        list.put("limit", 1_000_000L);
        final Map<String, Object> listed = Objects.requireNonNull(send(cookiePrefix + "-list", list));
        assertEquals("ok", listed.get("result"));
        int n = 0;
        for (final Object id : (List<?>)listed.get("calls")) {
            final Map<String, Object> delete = new LinkedHashMap<>();
            delete.put("command", "delete");
            delete.put("call-id", id);
            delete.put("delete-delay", 0L);
            assertEquals("ok", Objects.requireNonNull(send(cookiePrefix + "-del" + n++, delete)).get("result"));
        }
        assertEquals(0, conductor.callCount(), "calls left after deleting every listed call");
        assertEquals(freeAtStart, media.ports().freePorts(), "media ports leaked");
    }

    @Override
    public void close() {
        conductor.destroyAll();
        media.close();
        relayLogger.setLevel(levelBefore);
    }

    /** @return the SDP corpus ({@code src/test/resources/sdp/*.sdp}), as the files are (LF line ends). */
    static List<String> sdpCorpus() {
        try {
            final Path dir = Path.of(Objects.requireNonNull(NgFuzzRelay.class.getResource("/sdp")).toURI());
            final List<String> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (final Path p : files.filter(f -> f.toString().endsWith(".sdp")).sorted().toList()) {
                    out.add(Files.readString(p, StandardCharsets.ISO_8859_1));
                }
            }
            return out;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(final byte[] buf, final byte b) {
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
