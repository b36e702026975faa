package io.rtprelay.control.sdp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the differential test cannot show: the rewriter's own contract. The rtpengine behaviour is proven there. */
class SdpRewriterTest {
    private static final String OFFER = String.join("\r\n", "v=0", "o=- 1 2 IN IP4 192.0.2.1", "s=-",
        "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 0", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghij",
        "a=candidate:1 1 UDP 2130706431 192.0.2.1 4000 typ host", "m=video 0 RTP/AVP 31") + "\r\n";

    @Test
    void needsOneEndpointPerMediaSection() throws SdpException {
        final SessionDescription sdp = SdpParser.parse(OFFER);
        assertThrows(IllegalArgumentException.class, () -> SdpRewriter.rewrite(sdp,
            List.of(MediaEndpoint.of("127.0.0.1", 30000)), RewriteOptions.defaults()));
    }

    @Test
    void writesTheGivenIceCredentialsAndOneCandidatePerComponent() throws SdpException {
        final String out = SdpRewriter.rewrite(SdpParser.parse(OFFER),
            List.of(MediaEndpoint.of("127.0.0.1", 30000), MediaEndpoint.of("127.0.0.1", 0)),
            RewriteOptions.defaults().withIceCredentials("ufrag123", "pwd4567890123456789012345"));

        final String foundation = SdpRewriter.foundation("127.0.0.1");
        assertEquals(16, foundation.length());
        assertTrue(out.contains("a=ice-ufrag:ufrag123\r\na=ice-pwd:pwd4567890123456789012345\r\n"
            + "a=candidate:" + foundation + " 1 UDP 2130706431 127.0.0.1 30000 typ host\r\n"
            + "a=candidate:" + foundation + " 2 UDP 2130706430 127.0.0.1 30001 typ host\r\n"), out);
        assertTrue(out.endsWith("m=video 0 RTP/AVP 31\r\n"), out);
    }

    @Test
    void randomIceCredentialsHaveRtpenginesLengths() throws SdpException {
        final String out = SdpRewriter.rewrite(SdpParser.parse(OFFER),
            List.of(MediaEndpoint.of("::1", 30000), MediaEndpoint.of("::1", 0)), RewriteOptions.defaults());
        final MediaDescription audio = SdpParser.parse(out).media().getFirst();

        assertEquals(8, audio.attribute("ice-ufrag").length());
        assertEquals(26, audio.attribute("ice-pwd").length());
        assertTrue(out.contains("c=IN IP6 ::1\r\n"), out);
    }

    @Test
    void aMultiplexedAnswerHasOneComponentAndTheRtpPortForRtcp() throws SdpException {
        final SessionDescription offer = SdpParser.parse(OFFER.replace("m=video 0 RTP/AVP 31\r\n", "")
            .replace("a=ice-ufrag", "a=rtcp-mux\r\na=ice-ufrag"));
        final SessionDescription answer = SdpParser.parse(String.join("\r\n", "v=0", "o=- 5 6 IN IP4 198.51.100.1",
            "s=-", "c=IN IP4 198.51.100.1", "t=0 0", "m=audio 5000 RTP/AVP 0", "a=rtcp-mux") + "\r\n");
        final String out = SdpRewriter.rewrite(answer, List.of(new MediaEndpoint("127.0.0.1", false, 30002, 30002)),
            RewriteOptions.defaults().withAnswered(offer));

        assertTrue(out.contains("a=rtcp:30002\r\na=rtcp-mux\r\n"), out);
        assertTrue(out.contains(" 1 UDP 2130706431 127.0.0.1 30002 typ host\r\n"), out);
        assertFalse(out.contains(" 2 UDP "), out);
    }
}
