package io.rtprelay.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and memory at one instant, read from Linux's {@code /proc/<pid>/stat} (fields 14 and 15,
 * {@code utime} and {@code stime}, all threads of the process, in clock ticks of {@value #CLOCK_TICKS_PER_S} Hz, the
 * USER_HZ every Linux on x86-64 and arm64 reports) and {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}).
 * CPU time is therefore known to 10 ms: measure windows of seconds.
 *
 * @param pid      the process.
 * @param nanoTime {@link System#nanoTime()} when read.
 * @param cpuNs    user + system CPU time of all its threads so far.
 * @param rssKb    resident set size.
 * @param hwmKb    peak resident set size.
 */
public record ProcessSample(long pid, long nanoTime, long cpuNs, long rssKb, long hwmKb) {
    /** USER_HZ: the unit of utime and stime. */
    public static final long CLOCK_TICKS_PER_S = 100;

    /**
     * @param pid a running process.
     * @return its sample now.
     * @throws UncheckedIOException when the process is gone or /proc is unreadable.
     */
    public static ProcessSample of(final long pid) {
        try {
            final long now = System.nanoTime();
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long rss = -1;
            long hwm = -1;
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kilobytes(line);
                }
            }
            return new ProcessSample(pid, now, ticks * (1_000_000_000L / CLOCK_TICKS_PER_S), rss, hwm);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
        }
    }

    private static long kilobytes(final String line) {
        final String[] parts = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        return Long.parseLong(parts[0]);
    }

    /**
     * @param earlier a sample of the same process taken before this one.
     * @return CPU time used in between, as a fraction of one core over the wall time in between.
     */
    public double coresSince(final ProcessSample earlier) {
        final long wall = nanoTime - earlier.nanoTime;
        return wall <= 0 ? 0 : (double)(cpuNs - earlier.cpuNs) / wall;
    }
}
