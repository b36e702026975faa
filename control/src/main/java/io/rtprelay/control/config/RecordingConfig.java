package io.rtprelay.control.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Call recording, under rtpengine's keys: {@code recording-dir} (no directory: recording is off, and
 * {@code start recording} is answered ok and does nothing, as in rtpengine), {@code recording-method}
 * ({@code pcap}, the default; rtpengine's {@code proc} needs its kernel module and is not implemented here: accepted
 * with a warning, recording off) and {@code recording-format} ({@code raw}, the default: IP packets without a link
 * header; {@code eth}: with a fake Ethernet header).
 *
 * @param dir      the spool directory, or null when recording is off.
 * @param ethernet whether pcap records carry a fake Ethernet header ({@code recording-format=eth}).
 */
public record RecordingConfig(Path dir, boolean ethernet) {
    /** The keys read here. */
    public static final List<String> KEYS = List.of("recording-dir", "recording-method", "recording-format");

    /** @return whether calls can be recorded. */
    public boolean enabled() {
        return dir != null;
    }

    static RecordingConfig fromKeys(final Map<String, List<String>> keys, final List<String> warnings)
        throws ConfigException {
        final String dir = RelayConfig.last(keys, "recording-dir");
        final String method = RelayConfig.last(keys, "recording-method");
        final String format = RelayConfig.last(keys, "recording-format");
        if (method != null && !method.equals("pcap") && !method.equals("proc")) {
            throw new ConfigException("recording-method '" + method + "': expected pcap or proc");
        }
        if (format != null && !format.equals("raw") && !format.equals("eth")) {
            throw new ConfigException("recording-format '" + format + "': expected raw or eth");
        }
        final boolean enabled = dir != null && !dir.isBlank();
        if (enabled && "proc".equals(method)) {
            warnings.add("recording-method 'proc' needs rtpengine's kernel module and is not implemented: recording"
                + " is off (use recording-method=pcap)");
            return new RecordingConfig(null, false);
        }
        return new RecordingConfig(enabled ? Path.of(dir) : null, "eth".equals(format));
    }
}
