package io.rtprelay.control.sdp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SdpParserTest {
    private static final String HEAD = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

    private static String crlf(final String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    @Test
    void readsTheSessionAndItsMediaSections() throws SdpException {
        final SessionDescription sdp = SdpParser.parse(crlf("v=0", "o=alice 2890844526 2890844527 IN IP4 192.0.2.1",
            "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "a=tool:x", "m=audio 49170 RTP/AVP 0 8 101",
            "a=rtpmap:101 telephone-event/8000", "m=video 0 RTP/AVP 31", "m=audio 5000/2 RTP/AVPF 96",
            "c=IN IP6 2001:db8::1"));

        assertEquals(new Origin("alice", "2890844526", "2890844527", "IN", "IP4", "192.0.2.1"), sdp.origin());
        assertEquals(new Connection("IN", "IP4", "192.0.2.1"), sdp.connection());
        assertEquals(List.of(new SdpLine('a', "tool:x")), sdp.attributes());
        assertEquals(3, sdp.media().size());

        final MediaDescription audio = sdp.media().get(0);
        assertEquals("audio", audio.mediaType());
        assertEquals(49170, audio.port());
        assertEquals(1, audio.portCount());
        assertEquals("RTP/AVP", audio.protocol());
        assertEquals(List.of("0", "8", "101"), audio.formats());
        assertNull(audio.mediaConnection());
        assertEquals(sdp.connection(), audio.connection());
        assertEquals(new InetSocketAddress("192.0.2.1", 49170), audio.remoteRtp());
        assertEquals(new InetSocketAddress("192.0.2.1", 49171), audio.remoteRtcp());
        assertEquals(Direction.SENDRECV, audio.direction());
        assertFalse(audio.rtcpMux());
        assertFalse(audio.hasIce());

        final MediaDescription video = sdp.media().get(1);
        assertEquals(0, video.port());
        assertEquals(new InetSocketAddress("192.0.2.1", 0), video.remoteRtp());

        final MediaDescription third = sdp.media().get(2);
        assertEquals(5000, third.port());
        assertEquals(2, third.portCount());
        assertTrue(third.connection().ipv6());
        assertEquals(new InetSocketAddress("2001:db8::1", 5000), third.remoteRtp());
    }

    @Test
    void acceptsBareLfLikeCrlfAndKeepsEveryLineInOrder() throws SdpException {
        final String text = "v=0\no=- 1 2 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n"
            + "a=X-unknown:1\nb=AS:64\na=rtpmap:0 PCMU/8000\nx=whatever\n";
        final SessionDescription lf = SdpParser.parse(text);
        final SessionDescription crlf = SdpParser.parse(text.replace("\n", "\r\n"));

        assertEquals(crlf.toString(), lf.toString());
        assertEquals(text.replace("\n", "\r\n"), lf.toString());
        assertEquals(List.of(new SdpLine('a', "X-unknown:1"), new SdpLine('b', "AS:64"),
            new SdpLine('a', "rtpmap:0 PCMU/8000"), new SdpLine('x', "whatever")), lf.media().getFirst().lines());
    }

    @Test
    void rtcpAttributeGivesTheRtcpEndpoint() throws SdpException {
        final SessionDescription sdp = SdpParser.parse(HEAD + crlf("m=audio 4000 RTP/AVP 0", "a=rtcp:4005",
            "m=audio 4010 RTP/AVP 0", "a=rtcp:9 IN IP4 198.51.100.7", "m=audio 4020 RTP/AVP 0", "a=rtcp-mux",
            "a=rtcp:4020"));

        assertEquals(new InetSocketAddress("192.0.2.1", 4005), sdp.media().get(0).remoteRtcp());
        assertEquals(new InetSocketAddress("198.51.100.7", 9), sdp.media().get(1).remoteRtcp());
        assertTrue(sdp.media().get(2).rtcpMux());
        assertEquals(new InetSocketAddress("192.0.2.1", 4020), sdp.media().get(2).remoteRtcp());
    }

    @Test
    void mediaDirectionOverridesTheSessionsWhichOverridesTheDefault() throws SdpException {
        final SessionDescription sdp = SdpParser.parse(crlf("v=0", "o=- 1 2 IN IP4 192.0.2.1", "s=-",
            "c=IN IP4 0.0.0.0", "t=0 0", "a=sendonly", "m=audio 4000 RTP/AVP 0", "m=audio 4002 RTP/AVP 0",
            "a=inactive", "m=audio 4004 RTP/AVP 0", "c=IN IP4 192.0.2.9"));

        assertEquals(Direction.SENDONLY, sdp.media().get(0).direction());
        assertEquals(Direction.INACTIVE, sdp.media().get(1).direction());
        assertTrue(sdp.media().get(0).isHeldByAddress());
        assertEquals(new InetSocketAddress("0.0.0.0", 4000), sdp.media().get(0).remoteRtp());
        assertFalse(sdp.media().get(2).isHeldByAddress());
        assertEquals(Direction.SENDRECV, SdpParser.parse(HEAD + "m=audio 1 RTP/AVP 0\r\n").media().get(0)
            .direction());
    }

    @Test
    void iceIsSeenInTheSectionOrAtSessionLevel() throws SdpException {
        final SessionDescription media = SdpParser.parse(HEAD + crlf("m=audio 4000 RTP/AVP 0",
            "a=candidate:1 1 UDP 2130706431 192.0.2.1 4000 typ host", "m=audio 4002 RTP/AVP 0"));
        assertTrue(media.media().get(0).hasIce());
        assertFalse(media.media().get(1).hasIce());

        final SessionDescription session = SdpParser.parse(HEAD + crlf("a=ice-ufrag:abcd", "a=ice-pwd:x",
            "m=audio 4000 RTP/AVP 0"));
        assertTrue(session.media().get(0).hasIce());
    }

    @Test
    void attributesAreFoundByName() throws SdpException {
        final MediaDescription m = SdpParser.parse(HEAD + crlf("m=audio 4000 RTP/AVP 0", "a=mid:audio0",
            "a=ptime:20", "a=rtcp-mux", "a=rtcp-muxx:1")).media().getFirst();
        assertEquals("audio0", m.mid());
        assertEquals("20", m.ptime());
        assertEquals("", m.attribute("rtcp-mux"));
        assertEquals("1", m.attribute("rtcp-muxx"));
        assertNull(m.attribute("rtcp"));
    }

    static Stream<Arguments> brokenSdp() {
        final String o = "v=0\no=- 1 2 IN IP4 192.0.2.1\n";
        final String c = o + "c=IN IP4 192.0.2.1\n";
        final String m = c + "m=audio 4000 RTP/AVP 0\n";
        return Stream.of(
            arguments("empty", "", "empty SDP"),
            arguments("blank", "\r\n\r\n", "empty SDP"),
            arguments("no v=", "o=- 1 2 IN IP4 192.0.2.1\ns=-\n", "line 1: SDP must start with v=0"),
            arguments("wrong version", "v=1\no=- 1 2 IN IP4 192.0.2.1\n", "line 1: SDP must start with v=0"),
            arguments("not type=value", "v=0\nhello\n", "line 2: not a <type>=<value> line: 'hello'"),
            arguments("upper-case type", "v=0\nO=- 1 2 IN IP4 192.0.2.1\n", "line 2: not a <type>=<value> line"),
            arguments("no o=", "v=0\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n", "no o= line"),
            arguments("no o= before m=", "v=0\ns=-\nm=audio 1 RTP/AVP 0\n", "no o= line before the first m= line"),
            arguments("o= short", "v=0\no=- 1 2 IN IP4\n", "line 2: o= needs 6 fields"),
            arguments("o= empty field", "v=0\no=-  2 IN IP4 192.0.2.1\n", "line 2: o= has an empty field"),
            arguments("c= short", o + "c=IN IP4\n", "line 3: c= needs 3 fields"),
            arguments("c= net type", o + "c=XX IP4 192.0.2.1\n", "line 3: c= network type must be IN"),
            arguments("c= address type", o + "c=IN IP5 192.0.2.1\n", "line 3: c= address type must be IP4 or IP6"),
            arguments("c= host name", o + "c=IN IP4 host.example\n",
                "line 3: c= address 'host.example' is not an IP4 address"),
            arguments("c= IPv6 as IP4", o + "c=IN IP4 2001:db8::1\n",
                "line 3: c= address '2001:db8::1' is not an IP4 address"),
            arguments("c= IPv4 as IP6", o + "c=IN IP6 192.0.2.1\n",
                "line 3: c= address '192.0.2.1' is not an IP6 address"),
            arguments("c= bad octet", o + "c=IN IP4 192.0.2.256\n",
                "line 3: c= address '192.0.2.256' is not an IP4 address"),
            arguments("m= no format", c + "m=audio 4000 RTP/AVP\n", "line 4: m= needs <media> <port> <proto> <fmt>"),
            arguments("m= double space", c + "m=audio  4000 RTP/AVP 0\n", "line 4: m= has an empty field"),
            arguments("m= port not a number", c + "m=audio 4x00 RTP/AVP 0\n",
                "line 4: m= port '4x00' is not a number 0-65535"),
            arguments("m= port too big", c + "m=audio 70000 RTP/AVP 0\n", "line 4: m= port 70000 is above 65535"),
            arguments("m= negative port", c + "m=audio -1 RTP/AVP 0\n", "line 4: m= port '-1' is not a number"),
            arguments("m= port count 0", c + "m=audio 4000/0 RTP/AVP 0\n", "line 4: m= port count must be at least 1"),
            arguments("m= without connection", o + "t=0 0\nm=audio 4000 RTP/AVP 0\n",
                "line 4: m=audio has no c= line and the session has none"),
            arguments("a=rtcp without port", m + "a=rtcp\n", "line 5: a=rtcp needs a port"),
            arguments("a=rtcp bad port", m + "a=rtcp:abc\n", "line 5: a=rtcp port 'abc' is not a number"),
            arguments("a=rtcp two fields", m + "a=rtcp:4001 IN\n",
                "line 5: a=rtcp must be <port> [IN IP4|IP6 <address>]"),
            arguments("a=rtcp bad address", m + "a=rtcp:4001 IN IP4 x\n",
                "line 5: a=rtcp address 'x' is not an IP4 address"),
            arguments("media c= malformed", o + "m=audio 4000 RTP/AVP 0\nc=IN IP4\n", "line 4: c= needs 3 fields"),
            arguments("line number counts CRLF lines", "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\nc=IN IP9 x\r\n",
                "line 3: c= address type must be IP4 or IP6"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSdp")
    void brokenSdpIsRefusedWithTheReason(final String name, final String sdp, final String reason) {
        final SdpException e = assertThrows(SdpException.class, () -> SdpParser.parse(sdp), name);
        assertTrue(e.getMessage().startsWith(reason), name + ": '" + e.getMessage() + "' should start with '"
            + reason + "'");
    }
}
