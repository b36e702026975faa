package io.rtprelay.control.ng;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgRequestTest {
    private static NgRequest request(final Object... keysAndValues) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        return new NgRequest(map);
    }

    @Test
    void findsTheCallIdUnderEverySpellingOfItsSeparator() throws NgException {
        for (final String key : List.of("call-id", "call_id", "call id", "call-ID", "call ID")) {
            assertEquals("abc", request("command", "offer", key, "abc").callId(), key);
        }
    }

    @Test
    void isCaseSensitiveButAcceptsTheAllLowerCaseFormAsRtpengineDoes() throws NgException {
        assertEquals("v=0", request("SDP", "v=0").sdp());
        assertEquals("v=0", request("sdp", "v=0").sdp());
        assertThrows(NgException.class, () -> request("Sdp", "v=0").sdp());
        assertEquals("remove", request("ice", "remove").string("ICE"));
        assertNull(request("Ice", "remove").string("ICE"));
        assertThrows(NgException.class, () -> request("Call-ID", "x").callId());
        assertThrows(NgException.class, () -> request("From-Tag", "x").fromTag());
    }

    @Test
    void requiredKeysThrowRtpenginesReasonsWhenMissingOrNotStrings() {
        assertEquals(NgRequest.NO_CALL_ID, assertThrows(NgException.class, () -> request().callId()).reason());
        assertEquals(NgRequest.NO_CALL_ID,
            assertThrows(NgException.class, () -> request("call-id", 5L).callId()).reason());
        assertEquals(NgRequest.NO_CALL_ID,
            assertThrows(NgException.class, () -> request("call-id", List.of("a")).callId()).reason());
        assertEquals(NgRequest.NO_FROM_TAG,
            assertThrows(NgException.class, () -> request("from-tag", Map.of()).fromTag()).reason());
        assertEquals(NgRequest.NO_SDP, assertThrows(NgException.class, () -> request().sdp()).reason());
        assertEquals(NgRequest.NO_TO_TAG, assertThrows(NgException.class, () -> request().requireToTag()).reason());
        assertEquals("No call-id in message", NgRequest.NO_CALL_ID);
    }

    @Test
    void emptyStringsArePresentAsForRtpengine() throws NgException {
        assertEquals("", request("call-id", "").callId());
        assertEquals("", request("sdp", "").sdp());
    }

    @Test
    void optionalTagsAreNullWhenAbsentOrOfTheWrongType() throws NgException {
        assertNull(request().toTag());
        assertNull(request("to-tag", 3L).toTag());
        assertEquals("t", request("to_tag", "t").toTag());
        assertEquals("t", request("to-tag", "t").requireToTag());
        assertEquals("z9hG4bK", request("via branch", "z9hG4bK").viaBranch());
    }

    @Test
    void theFirstOfTwoSpellingsOfOneKeyWins() throws NgException {
        assertEquals("first", request("call_id", "first", "call-id", "second").callId());
    }

    @Test
    void genericAccessorsNameTheKeyWhenTheTypeIsWrong() {
        final NgException e = assertThrows(NgException.class, () -> request("ICE", 5L).string("ICE"));
        assertEquals("Value of key \"ICE\" is not a string", e.reason());
        assertEquals(NgException.ERROR, e.result());
        assertThrows(NgException.class, () -> request("replace", 5L).strings("replace"));
        assertThrows(NgException.class, () -> request("TOS", "abc").integer("TOS"));
        assertThrows(NgException.class, () -> request("TOS", List.of(1L)).integer("TOS"));
        assertThrows(NgException.class, () -> request("TOS", "99999999999999999999").integer("TOS"));
        assertThrows(NgException.class, () -> request("codec", "x").dictionary("codec"));
    }

    @Test
    void integersMayBeBencodeIntegersOrDecimalStrings() throws NgException {
        assertEquals(30L, request("delete delay", 30L).integer("delete-delay"));
        assertEquals(30L, request("delete-delay", "30").integer("delete delay"));
        assertEquals(-1L, request("TOS", "-1").integer("TOS"));
        assertEquals(7L, request("tos", "+7").integer("TOS"));
        assertNull(request().integer("TOS"));
    }

    @Test
    void flagsMatchWithAnySeparatorAndTheLowerCaseForm() {
        final NgRequest r = request("flags", List.of("trust address", "no_rtcp_attribute", 5L, "trickle-ice"));
        assertTrue(r.flag("trust-address"));
        assertTrue(r.flag("trust address"));
        assertTrue(r.flag("no-rtcp-attribute"));
        assertTrue(r.flag("trickle-ICE"));
        assertFalse(r.flag("strict-source"));
        assertFalse(request("flags", List.of("Trust-Address")).flag("trust-address"));
        assertEquals(List.of("trust address", "no_rtcp_attribute", "trickle-ice"), r.flags());
        assertFalse(request("flags", 5L).flag("fatal"));
        assertTrue(request("flags", "fatal").flag("fatal"));
    }

    @Test
    void keyValueFlagsAnswerStringLookupsWhenTheKeyIsAbsent() throws NgException {
        final NgRequest r = request("flags", List.of("ICE=remove", "address family=IP6", "DTLS=off", "TOS=184"));
        assertEquals("remove", r.string("ICE"));
        assertEquals("IP6", r.string("address-family"));
        assertEquals(184L, r.integer("TOS"));
        assertEquals("force", request("ICE", "force", "flags", List.of("ICE=remove")).string("ICE"));
        assertNull(r.string("SDES"));
    }

    @Test
    void listKeysAlsoCollectTheirPrefixedFlags() throws NgException {
        final NgRequest r = request("replace", List.of("origin"), "flags",
            List.of("replace-session-connection", "rtcp-mux-offer", "SDES-no-NULL_HMAC_SHA1_32", "SDES-off",
                "replace", "trust-address"));
        assertEquals(List.of("origin", "session-connection"), r.strings("replace"));
        assertEquals(List.of("offer"), r.strings("rtcp-mux"));
        assertEquals(List.of("no-NULL_HMAC_SHA1_32", "off"), r.strings("SDES"));
        assertEquals(List.of(), r.strings("OSRTP"));
        assertEquals(List.of("a", "b"), request("direction", List.of("a", 1L, "b")).strings("direction"));
        assertEquals(List.of("origin"), request("replace", "origin").strings("replace"));
    }

    @Test
    void supportsMatchesTheLoadLimitExtension() {
        assertTrue(request("supports", List.of("load limit")).supports("load limit"));
        assertTrue(request("supports", List.of("load-limit")).supports("load limit"));
        assertFalse(request("supports", List.of("other")).supports("load limit"));
        assertFalse(request().supports("load limit"));
    }

    @Test
    void theCommandIsTheExactKeyOnly() {
        assertEquals("offer", request("command", "offer").command());
        assertNull(request("Command", "offer").command());
        assertNull(request("command", 5L).command());
        assertTrue(request("command", "offer").has("command"));
        assertFalse(request().has("command"));
    }
}
