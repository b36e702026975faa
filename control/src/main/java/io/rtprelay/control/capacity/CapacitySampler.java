package io.rtprelay.control.capacity;

import io.rtprelay.control.call.CallConductor;
import io.rtprelay.control.call.CallLoad;
import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.relay.GlobalCounters;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.transport.PortPool;
import io.netty.util.NetUtil;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds {@link CapacityReport}s: counts from the call conductor and the port pool, rates from the deltas of the
 * media plane's counters and of the process's CPU time since the previous sample. Never touches the packet path
 * (the counters are single-writer and read without locks).
 *
 * <p>Thread-safe: {@link #sample(String)} is synchronized, so the announcer's thread and the NATS service's
 * dispatcher may both sample; each sample's rates cover the time since whichever sample came before.
 */
public final class CapacitySampler {
    /** Ports one call takes when it has one audio stream each way: two RTP/RTCP pairs. */
    static final int PORTS_PER_CALL = 4;
    private static final double NS_PER_S = 1e9;

    private final String nodeId;
    private final String version;
    private final List<CapacityReport.MediaAddress> mediaAddresses;
    private final List<String> ngAddresses;
    private final CallConductor conductor;
    private final MediaPlane media;
    private final Supplier<String> state;
    private final long startedNs = System.nanoTime();
    private final com.sun.management.OperatingSystemMXBean os;
    private final int cores = Runtime.getRuntime().availableProcessors();

    private long seq;
    private long lastNs = -1;
    private long lastCpuNs;
    private long lastPacketsIn;
    private long lastBytesIn;
    private long lastPacketsRelayed;
    private long lastBytesRelayed;
    private long lastErrors;

    /**
     * @param nodeId      {@code node-id}.
     * @param version     the relay's version.
     * @param interfaces  the media interfaces.
     * @param ngAddresses where ng is answered (the bound sockets).
     * @param conductor   the calls.
     * @param media       ports and counters.
     * @param state       the relay's state name now ({@code ready} or {@code draining}).
     */
    public CapacitySampler(final String nodeId, final String version, final List<InterfaceSpec> interfaces,
        final List<InetSocketAddress> ngAddresses, final CallConductor conductor,
        final MediaPlane media, final Supplier<String> state) {
        this.nodeId = nodeId;
        this.version = version;
        final List<CapacityReport.MediaAddress> addresses = new ArrayList<>();
        for (final InterfaceSpec spec : interfaces) {
            addresses.add(new CapacityReport.MediaAddress(spec.name(), NetUtil.toAddressString(spec.local()),
                spec.advertisedText()));
        }
        this.mediaAddresses = List.copyOf(addresses);
        final List<String> ng = new ArrayList<>();
        for (final InetSocketAddress a : ngAddresses) {
            final String host = NetUtil.toAddressString(a.getAddress());
            ng.add((a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort());
        }
        this.ngAddresses = List.copyOf(ng);
        this.conductor = conductor;
        this.media = media;
        this.state = state;
        final OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
    }

    /** @return the node id announced. */
    public String nodeId() {
        return nodeId;
    }

    /** @return the version announced. */
    public String version() {
        return version;
    }

    /** @return a report with the relay's current state. */
    public CapacityReport sample() {
        return sample(state.get());
    }

    /**
     * @param stateName the state to report (the announcer's last word is {@code stopped}).
     * @return a report; its rates cover the time since the previous sample.
     */
    public synchronized CapacityReport sample(final String stateName) {
        final long nowNs = System.nanoTime();
        final CallLoad load = conductor.load();
        final PortPool ports = media.ports();
        final GlobalCounters counters = media.counters();
        final long packetsIn = counters.packetsReceived();
        final long bytesIn = counters.bytesReceived();
        final long packetsRelayed = counters.packetsRelayed();
        final long bytesRelayed = counters.bytesRelayed();
        final long errors = counters.errors();
        final long cpuNs = os == null ? 0 : os.getProcessCpuTime();
        final CapacityReport.Rates rates;
        final double cpuLoad;
        if (lastNs < 0 || nowNs == lastNs) {
            rates = new CapacityReport.Rates(0, 0, 0, 0, 0, 0);
            cpuLoad = 0;
        } else {
            final double s = (nowNs - lastNs) / NS_PER_S;
            rates = new CapacityReport.Rates((packetsIn - lastPacketsIn) / s, (bytesIn - lastBytesIn) / s,
                (packetsRelayed - lastPacketsRelayed) / s, (bytesRelayed - lastBytesRelayed) / s,
                (errors - lastErrors) / s, s);
            cpuLoad = cpuNs <= 0 ? 0 : Math.min(1, Math.max(0, (cpuNs - lastCpuNs) / (s * NS_PER_S * cores)));
        }
        lastNs = nowNs;
        lastCpuNs = cpuNs;
        lastPacketsIn = packetsIn;
        lastBytesIn = bytesIn;
        lastPacketsRelayed = packetsRelayed;
        lastBytesRelayed = bytesRelayed;
        lastErrors = errors;
        final int byPorts = ports.freePorts() / PORTS_PER_CALL;
        final int maxSessions = conductor.maxSessions();
        final int bySessions = maxSessions < 0 ? Integer.MAX_VALUE : Math.max(0, maxSessions - load.calls());
        final int callsFree = "ready".equals(stateName) ? Math.min(byPorts, bySessions) : 0;
        return new CapacityReport(nodeId, stateName, version, ++seq, Instant.now(),
            (nowNs - startedNs) / (long)NS_PER_S, mediaAddresses, ngAddresses, load.calls(), load.streams(),
            maxSessions, callsFree, ports.freePorts(), ports.totalPorts(), rates, cpuLoad, cores);
    }
}
