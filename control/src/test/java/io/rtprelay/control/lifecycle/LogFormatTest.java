package io.rtprelay.control.lifecycle;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.rtprelay.control.ng.NgCommandAdapter;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log formats as an operator's collector sees them: an ng offer goes through our relay while the root logger
 * writes through {@link LogFormat}'s encoder, and the lines it wrote are read back.
 */
@Timeout(30)
class LogFormatTest {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Runs an offer with the given call-id while the root logger also writes in {@code format}; returns the lines. */
    private static List<String> logOf(final LogFormat format, final String callId) {
        final LoggerContext context = (LoggerContext)LoggerFactory.getILoggerFactory();
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("test-" + format);
        appender.setEncoder(format.encoder(context));
        appender.setOutputStream(sink);
        appender.start();
        final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        try (RtprelayTarget relay = RtprelayTarget.start(); NgClient ng = new NgClient(relay.ngAddress())) {
            final Map<String, Object> offer = new LinkedHashMap<>();
            offer.put("command", "offer");
            offer.put("call-id", callId);
            offer.put("from-tag", "a");
            offer.put("sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 0\r\n");
            assertEquals("ok", ng.call(offer).get("result"));
            assertEquals("pong", ng.call(Map.of("command", "ping")).get("result"));
        } finally {
            root.detachAppender(appender);
            appender.stop();
        }
        final List<String> lines = new ArrayList<>();
        for (final String line : sink.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void everyJsonLineParsesAndTheNgCommandsLineCarriesItsCallId() throws Exception {
        final String callId = "json-call-\"quoted\"-\u00e9";
        final List<String> lines = logOf(LogFormat.JSON, callId);
        assertFalse(lines.isEmpty());
        JsonNode offerLine = null;
        JsonNode pingLine = null;
        for (final String line : lines) {
            final JsonNode node = JSON.readTree(line);
            assertTrue(node.isObject(), line);
            for (final String field : List.of("timestamp", "level", "threadName", "loggerName", "mdc",
                "formattedMessage")) {
                assertTrue(node.has(field), () -> field + " missing in " + line);
            }
            final String message = node.get("formattedMessage").asString();
            if (message.startsWith("ng 'offer'")) {
                offerLine = node;
            } else if (message.startsWith("ng 'ping'")) {
                pingLine = node;
            }
        }
        assertTrue(offerLine != null, () -> "no line about the offer in " + lines);
        assertEquals(callId, offerLine.get("mdc").get(NgCommandAdapter.MDC_CALL_ID).asString());
        assertEquals("INFO", offerLine.get("level").asString());
        assertEquals(NgCommandAdapter.class.getName(), offerLine.get("loggerName").asString());
        assertTrue(pingLine != null, () -> "no line about the ping in " + lines);
        assertFalse(pingLine.get("mdc").has(NgCommandAdapter.MDC_CALL_ID), "a ping has no call-id, none lingers");
    }

    @Test
    void textLinesCarryTheCallIdInBracketsAndOtherLinesNone() {
        final List<String> lines = logOf(LogFormat.TEXT, "text-call-1");
        assertTrue(lines.stream().anyMatch(l -> l.contains("NgCommandAdapter: [text-call-1] ng 'offer' answered")),
            () -> String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("NgCommandAdapter: ng 'ping' answered")),
            () -> String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("[] ")), () -> String.join("\n", lines));
    }

    @Test
    void formatNamesAreReadInAnyCase() {
        assertEquals(LogFormat.JSON, LogFormat.of("json"));
        assertEquals(LogFormat.TEXT, LogFormat.of("Text"));
    }
}
