package io.rtprelay.control.sdp;

import java.util.Map;

/**
 * The relay whose SDP the differential test compares with rtpengine's: today the parser and rewriter called
 * directly ({@link DirectOurSide}); later our daemon behind an ng client, given the very same requests.
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

    @Override
    default void close() {
    }
}
