package io.rtprelay.relay.transport;

import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransportsTest {

    @Test
    void autoPrefersEpollThenIoUringThenNio() {
        final String expected = Transports.isAvailable(Transports.EPOLL) ? Transports.EPOLL
            : Transports.isAvailable(Transports.IO_URING) ? Transports.IO_URING : Transports.NIO;
        assertEquals(expected, Transports.select("auto").name());
        assertEquals(expected, Transports.select(" AUTO ").name());
    }

    @Test
    void nioIsAlwaysAvailable() {
        assertNull(Transports.unavailabilityCause("nio"));
        final Transport nio = Transports.select("nio");
        assertEquals("nio", nio.name());
        assertEquals(NioDatagramChannel.class, nio.datagramChannelClass());
    }

    @Test
    void anAvailableNativeTransportIsSelectedByName() {
        for (final String name : new String[] {Transports.IO_URING, Transports.EPOLL}) {
            if (Transports.isAvailable(name)) {
                assertEquals(name, Transports.select(name).name());
            } else {
                assertThrows(IllegalStateException.class, () -> Transports.select(name));
            }
        }
        if (Transports.isAvailable(Transports.IO_URING)) {
            assertEquals(Transports.IO_URING, Transports.select("io-uring").name());
        }
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Transports.select("dpdk"));
        assertThrows(IllegalArgumentException.class, () -> Transports.isAvailable("kqueue"));
    }
}
