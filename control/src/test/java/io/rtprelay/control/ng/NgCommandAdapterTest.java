package io.rtprelay.control.ng;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtprelay.control.testkit.NgClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NgCommandAdapterTest {
    private final NgCommandAdapter adapter = new NgCommandAdapter();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger)LoggerFactory.getLogger(NgCommandAdapter.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private byte[] send(final String cookie, final Map<String, ?> request) {
        final byte[] body = Bencode.encode(request);
        final byte[] datagram = new byte[cookie.length() + 1 + body.length];
        System.arraycopy(cookie.getBytes(StandardCharsets.ISO_8859_1), 0, datagram, 0, cookie.length());
        datagram[cookie.length()] = ' ';
        System.arraycopy(body, 0, datagram, cookie.length() + 1, body.length);
        return adapter.onDatagram(datagram, 0, datagram.length);
    }

    private static Map<String, Object> body(final String cookie, final byte[] reply) {
        final String text = new String(reply, StandardCharsets.ISO_8859_1);
        assertEquals(cookie + " ", text.substring(0, cookie.length() + 1));
        return NgClient.decode(Arrays.copyOfRange(reply, cookie.length() + 1, reply.length));
    }

    private static Map<String, Object> ok(final Object... keysAndValues) {
        final Map<String, Object> reply = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            reply.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        reply.put("result", "ok");
        return reply;
    }

    @Test
    void answersPingExactlyAsRtpengine() {
        final byte[] datagram = "5323_1 d7:command4:pinge".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals("5323_1 d6:result4:ponge".getBytes(StandardCharsets.US_ASCII),
            adapter.onDatagram(datagram, 0, datagram.length));
        assertEquals(1, adapter.requests("ping"));
    }

    @Test
    void readsOnlyTheGivenRangeOfTheBuffer() {
        final byte[] buf = "xxxxc9 d7:command4:pingeyyyy".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals("c9 d6:result4:ponge".getBytes(StandardCharsets.US_ASCII), adapter.onDatagram(buf, 4, 20));
    }

    @Test
    void commandNamesMatchWithAnySeparatorButKeepTheirCase() {
        final AtomicInteger runs = new AtomicInteger();
        adapter.register("start recording", r -> {
            runs.incrementAndGet();
            return ok();
        });
        adapter.register("block DTMF", r -> ok());
        final List<String> spellings = List.of("start recording", "start-recording", "start_recording");
        for (int i = 0; i < spellings.size(); i++) {
            assertEquals("ok", body("a" + i, send("a" + i, Map.of("command", spellings.get(i)))).get("result"));
        }
        assertEquals(3, runs.get());
        assertEquals(3, adapter.requests("start-recording"));
        assertEquals("ok", body("b1", send("b1", Map.of("command", "block-dtmf"))).get("result"));
        assertEquals(NgCommandAdapter.UNRECOGNIZED,
            body("b2", send("b2", Map.of("command", "Start Recording"))).get("error-reason"));
        assertEquals(1L, adapter.requestCounts().get("block DTMF"));
    }

    @Test
    void aRefusalBecomesRtpenginesErrorReply() {
        adapter.register("query", r -> {
            r.callId();
            return ok();
        });
        final byte[] reply = send("q1", Map.of("command", "query"));
        assertEquals("q1 d6:result5:error12:error-reason21:No call-id in messagee",
            new String(reply, StandardCharsets.ISO_8859_1));
        assertEquals(1, adapter.errors());
        assertEquals(0, adapter.internalErrors());
    }

    @Test
    void aLoadLimitIsAnnouncedOnlyToClientsThatSupportIt() {
        adapter.register("offer", r -> {
            throw NgException.loadLimit("Parallel session limit reached");
        });
        assertEquals(Map.of("result", "load limit", "message", "Parallel session limit reached"),
            body("l1", send("l1", Map.of("command", "offer", "supports", List.of("load limit")))));
        assertEquals(Map.of("result", "error", "error-reason", "Parallel session limit reached"),
            body("l2", send("l2", Map.of("command", "offer"))));
        assertEquals(1, adapter.loadLimits());
        assertEquals(1, adapter.errors());
    }

    @Test
    void anUnexpectedExceptionIsAnsweredCountedAndLoggedOncePerMessage() {
        adapter.register("offer", r -> {
            throw new IllegalStateException("bug " + r.string("n"));
        });
        for (int i = 0; i < 5; i++) {
            assertEquals(Map.of("result", "error", "error-reason", NgCommandAdapter.INTERNAL_ERROR),
                body("e" + i, send("e" + i, Map.of("command", "offer", "n", i < 3 ? "one" : "two"))));
        }
        assertEquals(5, adapter.internalErrors());
        assertEquals(5, adapter.errors());
        final List<ILoggingEvent> errors = log.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("bug one", errors.get(0).getThrowableProxy().getMessage());
        assertEquals("bug two", errors.get(1).getThrowableProxy().getMessage());
    }

    @Test
    void aHandlerReplyWithoutResultOrWithUnencodableValuesIsAnInternalError() {
        adapter.register("list", r -> Map.of("calls", List.of()));
        adapter.register("query", r -> ok("when", new Object()));
        assertEquals(NgCommandAdapter.INTERNAL_ERROR, body("n1", send("n1", Map.of("command", "list")))
            .get("error-reason"));
        assertEquals(NgCommandAdapter.INTERNAL_ERROR, body("n2", send("n2", Map.of("command", "query")))
            .get("error-reason"));
        assertEquals(2, adapter.internalErrors());
    }

    @Test
    void aReplyTooLargeForOneDatagramBecomesAnError() {
        adapter.register("offer", r -> ok("sdp", "x".repeat(NgCommandAdapter.MAX_DATAGRAM)));
        assertEquals(NgCommandAdapter.REPLY_TOO_LARGE, body("big", send("big", Map.of("command", "offer")))
            .get("error-reason"));
    }

    @Test
    void theEmptyPayloadCheckComesBeforeTheCacheAndReplacesTheCachedReply() {
        final byte[] ping = "m1 d7:command4:pinge".getBytes(StandardCharsets.US_ASCII);
        final byte[] empty = "m1 ".getBytes(StandardCharsets.US_ASCII);
        assertEquals("m1 d6:result4:ponge", new String(adapter.onDatagram(ping, 0, ping.length),
            StandardCharsets.US_ASCII));
        final String noPayload = "m1 d6:result5:error12:error-reason25:Invalid data (no payload)e";
        assertEquals(noPayload, new String(adapter.onDatagram(empty, 0, empty.length), StandardCharsets.US_ASCII));
        assertEquals(noPayload, new String(adapter.onDatagram(ping, 0, ping.length), StandardCharsets.US_ASCII));
    }

    @Test
    void datagramsWithoutCookieAreIgnored() {
        for (final String s : List.of("", "abc", " d7:command4:pinge", "c\td7:command4:pinge")) {
            final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertNull(adapter.onDatagram(b, 0, b.length), s);
        }
        assertEquals(4, adapter.ignored());
        assertEquals(0, adapter.requests());
    }

    @Test
    void anOversizedDatagramGetsAnErrorWithItsCookie() {
        final byte[] b = "big1 d7:command4:ping".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Map.of("result", "error", "error-reason", NgCommandAdapter.DATAGRAM_TOO_LARGE),
            body("big1", adapter.onOversizedDatagram(b, 0, b.length)));
        final byte[] noCookie = "nocookie".getBytes(StandardCharsets.US_ASCII);
        assertNull(adapter.onOversizedDatagram(noCookie, 0, noCookie.length));
    }
}
