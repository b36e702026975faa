package io.rtprelay.kernel;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether this process can use the kernel path, and if not why, probed once (as Netty's
 * {@code IoUring.unavailabilityCause()}): Linux, libbpf.so.1, the capabilities (CAP_BPF or CAP_SYS_ADMIN to load,
 * CAP_NET_ADMIN to attach), and a trial load of the program, which answers for the kernel's version, seccomp and
 * everything else with the kernel's own errno. {@code kernel=auto} logs {@link #unavailabilityCause()} once and
 * stays in userspace; {@code kernel=on} fails the start with it.
 */
public final class KernelSupport {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_BPF = 39;

    private static final String CAUSE = probeOnce();

    private KernelSupport() {
    }

    /** @return true when the program loads here. */
    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** @return why the kernel path is unavailable, or null when it is available. */
    public static String unavailabilityCause() {
        return CAUSE;
    }

    private static String probeOnce() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux";
        }
        if (LibBpf.get() == null) {
            return LibBpf.unavailability();
        }
        final BigInteger caps = effectiveCapabilities();
        if (caps != null) {
            final boolean sysAdmin = caps.testBit(CAP_SYS_ADMIN);
            if (!sysAdmin && !caps.testBit(CAP_BPF)) {
                return "no CAP_BPF (or CAP_SYS_ADMIN) to load the eBPF program";
            }
            if (!sysAdmin && !caps.testBit(CAP_NET_ADMIN)) {
                return "no CAP_NET_ADMIN to attach the eBPF program at tc ingress";
            }
        }
        try (BpfObject loaded = BpfObject.load()) {
            assert loaded.programFd >= 0;
            return null;
        } catch (final KernelException e) {
            return e.getMessage();
        }
    }

    /** @return the effective capability set of this process, or null when /proc does not say. */
    private static BigInteger effectiveCapabilities() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16);
                }
            }
        } catch (final IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }
}
