package io.rtprelay.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe says why the kernel path is unavailable: a JVM started without capabilities (setpriv empties the
 * bounding set, so not even root keeps CAP_BPF across exec) is told it lacks CAP_BPF, the sentence
 * {@code kernel=auto} logs once.
 */
@Timeout(60)
class KernelSupportTest {
    /** Prints the probe's answer: run in the child JVM. */
    public static void main(final String[] args) {
        System.out.println(KernelSupport.isAvailable() + " " + KernelSupport.unavailabilityCause());
    }

    @Test
    void withoutCapabilitiesTheProbeSaysCapBpfIsMissing() throws Exception {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process p = new ProcessBuilder("setpriv", "--bounding-set=-all", "--inh-caps=-all", java.toString(),
            "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            KernelSupportTest.class.getName()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("false no CAP_BPF (or CAP_SYS_ADMIN) to load the eBPF program", out);
    }

    @Test
    void whenAvailableThereIsNoCauseAndWhenNotThereIsOne() {
        assertEquals(KernelSupport.isAvailable(), KernelSupport.unavailabilityCause() == null);
    }
}
