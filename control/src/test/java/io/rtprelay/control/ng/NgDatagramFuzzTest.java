package io.rtprelay.control.ng;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Arrays;

/**
 * Coverage-guided fuzzing of ng request datagrams as they arrive (docs/FUZZING.md): the input is a sequence of
 * datagrams separated by two NUL bytes (which no real request holds), handled in order by the daemon's ng stack on a
 * real media plane. Every datagram with a cookie gets an ok or error reply with a reason and never an internal
 * error; afterwards, deleting every call leaves no call and no port held. Seeds: real requests as Kamailio's
 * rtpengine module and rtpengine-ng-client send them, in {@code NgDatagramFuzzTestInputs/}.
 */
class NgDatagramFuzzTest {
    private static NgFuzzRelay relay;

    @BeforeAll
    static void start() {
        relay = new NgFuzzRelay();
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    @FuzzTest
    void everyDatagramIsAnsweredWithoutInternalErrorsAndNothingLeaks(final byte[] input) {
        relay.newAdapter();
        int start = 0;
        for (int i = 0; i + 1 < input.length; i++) {
            if (input[i] == 0 && input[i + 1] == 0) {
                relay.send(Arrays.copyOfRange(input, start, i));
                start = i + 2;
                i++;
            }
        }
        relay.send(Arrays.copyOfRange(input, start, input.length));
        relay.deleteEverythingAndCheckNoLeak("fuzz-cleanup");
    }
}
