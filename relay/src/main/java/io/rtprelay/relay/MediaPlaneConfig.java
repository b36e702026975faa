package io.rtprelay.relay;

/**
 * What the data plane needs from the daemon's configuration. Immutable.
 *
 * @param transport "auto", "io_uring", "epoll" or "nio" (see {@code Transports.select}).
 * @param threads   event loops to run; 0 or less means one per available processor.
 * @param portMin   lowest media port (rtpengine's {@code port-min}).
 * @param portMax   highest media port (rtpengine's {@code port-max}).
 * @param tos       the IP TOS / traffic class byte of media packets, 0..255 (rtpengine's {@code tos}; 184 = EF).
 */
public record MediaPlaneConfig(String transport, int threads, int portMin, int portMax, int tos) {

    /** Checks the TOS byte; the port range is checked by the port pool. */
    public MediaPlaneConfig {
        if (tos < 0 || tos > 255) {
            throw new IllegalArgumentException("tos must be 0..255: " + tos);
        }
    }
}
