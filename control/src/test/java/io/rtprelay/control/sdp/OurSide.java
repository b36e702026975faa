package io.rtprelay.control.sdp;

import java.util.Map;

/**
 * The relay whose SDP the differential test compares with rtpengine's: our daemon behind an ng client
 * ({@link RelayOurSide}), given the very same requests as the reference.
 */
interface OurSide extends AutoCloseable {
    /**
     * @param ngRequest the complete ng offer request.
     * @return the SDP our relay hands to the answerer.
     */
    String offer(Map<String, Object> ngRequest);

    /**
     * @param ngRequest the complete ng answer request.
     * @return the SDP our relay hands back to the offerer.
     */
    String answer(Map<String, Object> ngRequest);

    /**
     * @param ngRequest the complete ng delete request; the call's ports go back to the pool.
     */
    void delete(Map<String, Object> ngRequest);

    @Override
    default void close() {
    }
}
