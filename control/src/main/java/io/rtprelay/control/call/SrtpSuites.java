package io.rtprelay.control.call;

import io.rtprelay.control.sdp.SdesSuite;
import io.rtprelay.srtp.SrtpProfile;

import java.util.EnumSet;
import java.util.Set;

/**
 * Maps the SDES suites SDP may name onto the srtp module's profiles: which the relay can apply to packets, so offers
 * keys of its own for. Stateless.
 */
final class SrtpSuites {
    private SrtpSuites() {
    }

    /** @return the suites the srtp module implements. */
    static Set<SdesSuite> supported() {
        final Set<SdesSuite> out = EnumSet.noneOf(SdesSuite.class);
        for (final SdesSuite suite : SdesSuite.values()) {
            if (profile(suite) != null) {
                out.add(suite);
            }
        }
        return out;
    }

    /**
     * @param suite an SDES suite.
     * @return the srtp profile applying it, or null when the relay cannot.
     */
    static SrtpProfile profile(final SdesSuite suite) {
        return SrtpProfile.ofSdesName(suite.sdesName());
    }
}
