package io.rtprelay.control.lifecycle;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How log lines are written to stderr ({@code log-format}, ours; rtpengine logs text to syslog or stderr): plain
 * text, or one JSON object a line for log collectors (GKE's Cloud Logging, Loki, Elasticsearch), written by
 * logback's own {@link JsonEncoder}: {@code timestamp}, {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc} (with the ng command's {@code callId}), {@code formattedMessage} and {@code throwable}.
 *
 * <p>Thread: {@link #install()} runs once on the main thread before the relay starts.
 */
public enum LogFormat {
    /** Plain text, the pattern of {@code logback.xml}: time, level, thread, logger, {@code [call-id]}, message. */
    TEXT,
    /** One JSON object a line. */
    JSON;

    /** The text pattern, the same as {@code logback.xml}'s. */
    public static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: "
        + "%replace([%X{callId}] ){'^\\[\\] $', ''}%msg%n";

    /**
     * @param name {@code text} or {@code json}, any case.
     * @return the format.
     * @throws IllegalArgumentException for another name.
     */
    public static LogFormat of(final String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /**
     * @param context the logback context the encoder serves.
     * @return a started encoder writing this format.
     */
    public Encoder<ILoggingEvent> encoder(final LoggerContext context) {
        final Encoder<ILoggingEvent> encoder;
        if (this == JSON) {
            final JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            encoder = json;
        } else {
            final PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(TEXT_PATTERN);
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    /**
     * Makes the root logger write this format to stderr, replacing the appenders {@code logback.xml} set up. Does
     * nothing for {@link #TEXT} (that is {@code logback.xml}'s format) or when SLF4J is not bound to logback.
     */
    public void install() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        final ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR-" + name());
        appender.setTarget("System.err");
        appender.setEncoder(encoder(context));
        appender.start();
        final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }
}
