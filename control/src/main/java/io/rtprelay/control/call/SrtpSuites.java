package io.rtprelay.control.call;

import io.rtprelay.control.sdp.SdesSuite;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which SDES crypto suites the relay can apply to packets, so offers keys of its own for. Stateless.
 */
final class SrtpSuites {
    private SrtpSuites() {
    }

    /** @return the suites the srtp module implements. */
    static Set<SdesSuite> supported() {
        // TODO(sdes): from SrtpProfile once the srtp module is merged
        final Set<SdesSuite> out = EnumSet.allOf(SdesSuite.class);
        out.remove(SdesSuite.F8_128_HMAC_SHA1_80);
        out.remove(SdesSuite.F8_128_HMAC_SHA1_32);
        return out;
    }
}
