package io.rtprelay.control.config;

import io.netty.util.NetUtil;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One media interface in rtpengine's {@code interface} syntax: {@code [NAME/]LOCAL[!ADVERTISED]}. LOCAL is an IP
 * address (or a network device name, resolved to its addresses); ADVERTISED is the address written into SDP, e.g.
 * a GKE node's external address while the sockets bind the internal one.
 *
 * @param name       the logical name ("default" when none is given), as ng's {@code direction} key names it.
 * @param local      the address media sockets bind.
 * @param advertised the address written into SDP.
 */
public record InterfaceSpec(String name, InetAddress local, InetAddress advertised) {
    /** The name of an interface given without one. */
    public static final String DEFAULT_NAME = "default";

    /** @return true when this interface is IPv6. */
    public boolean ipv6() {
        return local instanceof Inet6Address;
    }

    /** @return the advertised address as SDP writes it (IPv6 in RFC 5952's compressed form, no scope). */
    public String advertisedText() {
        return NetUtil.toAddressString(advertised);
    }

    /**
     * Parses one {@code interface} value.
     *
     * @param value the option's value.
     * @return one spec, or several when LOCAL names a device with several addresses.
     * @throws ConfigException when the value cannot be parsed or resolved.
     */
    public static List<InterfaceSpec> parse(final String value) throws ConfigException {
        String rest = value.trim();
        String name = DEFAULT_NAME;
        final int slash = rest.indexOf('/');
        if (slash >= 0) {
            name = rest.substring(0, slash);
            rest = rest.substring(slash + 1);
            if (name.isEmpty()) {
                throw new ConfigException("interface '" + value + "': empty name before '/'");
            }
        }
        String advertisedText = null;
        final int bang = rest.indexOf('!');
        if (bang >= 0) {
            advertisedText = rest.substring(bang + 1);
            rest = rest.substring(0, bang);
        }
        if (rest.isEmpty()) {
            throw new ConfigException("interface '" + value + "': no local address");
        }
        final List<InetAddress> locals = resolveLocal(rest, value);
        final List<InterfaceSpec> specs = new ArrayList<>();
        for (final InetAddress local : locals) {
            final InetAddress advertised = advertisedText == null ? local : literal(advertisedText, value);
            specs.add(new InterfaceSpec(name, local, advertised));
        }
        return specs;
    }

    private static List<InetAddress> resolveLocal(final String text, final String value) throws ConfigException {
        if (looksLikeAddress(text)) {
            return List.of(literal(text, value));
        }
        try {
            final NetworkInterface device = NetworkInterface.getByName(text);
            if (device == null) {
                throw new ConfigException(
                    "interface '" + value + "': '" + text + "' is neither an address nor a device");
            }
            final List<InetAddress> addresses = new ArrayList<>();
            for (final InetAddress a : Collections.list(device.getInetAddresses())) {
                if (!a.isLinkLocalAddress()) {
                    addresses.add(a);
                }
            }
            if (addresses.isEmpty()) {
                throw new ConfigException("interface '" + value + "': device '" + text + "' has no usable address");
            }
            return addresses;
        } catch (final SocketException e) {
            throw new ConfigException("interface '" + value + "': " + e.getMessage());
        }
    }

    private static boolean looksLikeAddress(final String text) {
        return text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static InetAddress literal(final String text, final String value) throws ConfigException {
        final String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!looksLikeAddress(bare)) {
            throw new ConfigException("interface '" + value + "': '" + text + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(bare);
        } catch (final UnknownHostException e) {
            throw new ConfigException("interface '" + value + "': '" + text + "' is not an IP address");
        }
    }
}
