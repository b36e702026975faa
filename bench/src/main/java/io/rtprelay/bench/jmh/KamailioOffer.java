package io.rtprelay.bench.jmh;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A typical offer as Kamailio's rtpengine module sends it over ng (the keys and their order of Kamailio 5.6, see
 * control/src/test/resources/system/kamailio-5.6-ng-capture.txt), carrying a Linphone audio offer with nine
 * formats, telephone-event and RTCP-FB attributes (RFC 8866 SDP). Constants only.
 */
final class KamailioOffer {
    /** The SDP of the offer. */
    static final String SDP = "v=0\r\n"
        + "o=1001 2372 1842 IN IP4 192.0.2.40\r\n"
        + "s=Talk\r\n"
        + "c=IN IP4 192.0.2.40\r\n"
        + "t=0 0\r\n"
        + "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\r\n"
        + "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100\r\n"
        + "a=rtpmap:96 opus/48000/2\r\n"
        + "a=fmtp:96 useinbandfec=1\r\n"
        + "a=rtpmap:97 speex/16000\r\n"
        + "a=fmtp:97 vbr=on\r\n"
        + "a=rtpmap:98 speex/8000\r\n"
        + "a=fmtp:98 vbr=on\r\n"
        + "a=fmtp:18 annexb=yes\r\n"
        + "a=rtpmap:101 telephone-event/48000\r\n"
        + "a=rtpmap:99 telephone-event/16000\r\n"
        + "a=rtpmap:100 telephone-event/8000\r\n"
        + "a=rtcp-fb:* trr-int 1000\r\n"
        + "a=rtcp-fb:* ccm tmmbr\r\n";

    private KamailioOffer() {
    }

    /** @return the offer dictionary, keys in Kamailio's order. */
    static Map<String, Object> request() {
        final Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("supports", List.of("load limit"));
        offer.put("sdp", SDP);
        offer.put("flags", List.of("trust-address"));
        offer.put("replace", List.of("origin", "session-connection"));
        offer.put("ICE", "remove");
        offer.put("call-id", "a84b4c76e66710@pc33.atlanta.example.com");
        offer.put("received-from", List.of("IP4", "192.0.2.40"));
        offer.put("from-tag", "1928301774");
        offer.put("command", "offer");
        return offer;
    }
}
