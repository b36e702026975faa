package io.rtprelay.control.record;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A recorder without a spool directory refuses every start, and says so in the log once, not once per request. */
class CallRecorderLogTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger)LoggerFactory.getLogger(CallRecorder.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    @Test
    void noSpoolDirectoryIsLoggedOnceForManyRequests() {
        final CallRecorder recorder = CallRecorder.off();
        for (int i = 0; i < 1_000; i++) {
            assertNull(recorder.start("call-" + i, System.currentTimeMillis(), List.of()));
        }
        final List<ILoggingEvent> errors = log.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertEquals(1, errors.size(), () -> errors.toString());
        assertEquals(CallRecorder.NO_SPOOL_DIR, errors.getFirst().getFormattedMessage());
    }
}
