package io.rtprelay.bench.jmh;

import io.rtprelay.control.sdp.MediaEndpoint;
import io.rtprelay.control.sdp.RewriteOptions;
import io.rtprelay.control.sdp.SdpException;
import io.rtprelay.control.sdp.SdpParser;
import io.rtprelay.control.sdp.SdpRewriter;
import io.rtprelay.control.sdp.SessionDescription;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What an offer costs in SDP work: {@link SdpParser#parse} of a typical Kamailio/Linphone offer and
 * {@link SdpRewriter#rewrite} of it towards the answerer with Kamailio's usual flags ({@code replace: [origin,
 * session-connection]}, {@code ICE=remove}). Control plane; run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SdpRewriteBenchmark {
    private static final List<MediaEndpoint> LOCAL = List.of(MediaEndpoint.of("203.0.113.7", 30_000));
    private static final RewriteOptions OPTIONS = RewriteOptions.defaults().withReplaceOrigin(true)
        .withReplaceSessionConnection(true).withIce(RewriteOptions.Ice.REMOVE);

    /**
     * @return the parsed offer.
     * @throws SdpException never (the input is well formed).
     */
    @Benchmark
    public SessionDescription parse() throws SdpException {
        return SdpParser.parse(KamailioOffer.SDP);
    }

    /**
     * @return the offer as the relay hands it on.
     * @throws SdpException never (the input is well formed).
     */
    @Benchmark
    public String parseAndRewrite() throws SdpException {
        return SdpRewriter.rewrite(SdpParser.parse(KamailioOffer.SDP), LOCAL, OPTIONS);
    }
}
