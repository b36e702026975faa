package io.rtprelay.control.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of SDP parsing and rewriting (docs/FUZZING.md). The input's first byte picks rewrite
 * options, the SDP's length the codec manipulations ({@link CodecSelection}), the rest is the SDP as an ng string
 * carries it (ISO-8859-1). Any text either parses or raises
 * {@link SdpException}; what parses rewrites, without an exception, for relay endpoints as the conductor gives them,
 * into SDP that parses again with the same media sections on the relay's ports (MSRP on its own), each
 * with a non-empty subset of its formats. Seeds: the offer/answer corpus
 * ({@code src/test/resources/sdp}), in {@code SdpFuzzTestInputs/}.
 */
class SdpFuzzTest {
    private static final RewriteOptions.Ice[] ICE = RewriteOptions.Ice.values();
    private static final RewriteOptions.RtcpMux[] MUX = RewriteOptions.RtcpMux.values();
    /** Codec manipulations, picked by the SDP's length so that the corpus seeds keep their meaning. */
    private static final CodecFlags[] CODECS = {
        CodecFlags.none(),
        new CodecFlags(List.of("PCMA"), List.of(), List.of(), List.of(), false, 0, 0),
        new CodecFlags(List.of("all"), List.of(), List.of(), List.of("PCMU", "telephone-event", "opus"), false, 0, 0),
        new CodecFlags(List.of(), List.of("all"), List.of("opus", "G722"), List.of(), false, 0, 0),
        new CodecFlags(List.of("PCMU", "PCMA", "G722", "G729"), List.of(), List.of(), List.of(), true, 30, 0),
        new CodecFlags(List.of("CN", "opus/48000/2"), List.of("red"), List.of(), List.of("CN"), true, 0, 40),
    };
    private static final CryptoAttribute CRYPTO = CryptoAttribute.of(1, SdesSuite.values()[0],
        new byte[SdesSuite.values()[0].keySaltLength()]);

    @FuzzTest
    void parsesOrRefusesAndRewritesWhatParses(final byte[] input) {
        if (input.length < 1) {
            return;
        }
        final int options = input[0] & 0xFF;
        final String text = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        final SessionDescription sdp;
        try {
            sdp = SdpParser.parse(text);
        } catch (final SdpException expected) {
            return;
        }
        final boolean ipv6 = (options & 0x20) != 0;
        final boolean mux = (options & 0x40) != 0;
        final List<MediaEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            final int port = sdp.media().get(i).port() == 0 ? 0 : 30_000 + 2 * i;
            final MediaEndpoint e = new MediaEndpoint(ipv6 ? "2001:db8::1" : "192.0.2.1", ipv6, port,
                mux ? port : port + 1);
            endpoints.add((options & 0x80) != 0 && port != 0 ? e.withCrypto(List.of(CRYPTO)) : e);
        }
        RewriteOptions rewrite = RewriteOptions.defaults()
            .withIce(ICE[(options >> 1 & 3) % ICE.length])
            .withReplaceOrigin((options & 0x08) != 0)
            .withReplaceSessionConnection((options & 0x10) != 0)
            .withRtcpMux(MUX[(options >> 3) % MUX.length])
            .withSdesPad((options & 0x80) != 0);
        final CodecFlags codecs = CODECS[text.length() % CODECS.length];
        rewrite = rewrite.withCodecs(codecs);
        if ((options & 0x01) != 0) {
            rewrite = rewrite.withAnswered(sdp, CODECS[(text.length() / CODECS.length) % CODECS.length]);
        }
        final String out = SdpRewriter.rewrite(sdp, endpoints, rewrite);
        final SessionDescription again;
        try {
            again = SdpParser.parse(out);
        } catch (final SdpException e) {
            throw new AssertionError("the rewritten SDP does not parse: " + e.getMessage() + "\n" + out, e);
        }
        assertEquals(sdp.media().size(), again.media().size(), out);
        for (int i = 0; i < endpoints.size(); i++) {
            final MediaDescription in = sdp.media().get(i);
            final MediaDescription written = again.media().get(i);
            assertEquals(in.isPassthrough() ? in.port() : endpoints.get(i).rtpPort(), written.port(), out);
            // codec manipulation without transcoding only ever leaves formats out, and never all of them
            assertTrue(in.formats().containsAll(written.formats()), out);
            assertFalse(written.formats().isEmpty(), out);
        }
    }
}
