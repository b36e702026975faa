package io.rtprelay.bench.jmh;

import io.rtprelay.control.ng.Bencode;
import io.rtprelay.control.ng.BencodeException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ng codec on a typical Kamailio offer: {@link Bencode#decodeNgRequest} of the request datagram's dictionary and
 * {@link Bencode#encode} of the same dictionary. Control plane (one per call setup), so allocation is expected; the
 * figure tells what a setup costs. Run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BencodeBenchmark {
    private byte[] encoded;
    private Map<String, Object> request;

    /** Encodes the offer once. */
    @Setup
    public void setUp() {
        request = KamailioOffer.request();
        encoded = Bencode.encode(request);
    }

    /**
     * @return the decoded offer.
     * @throws BencodeException never (the input is well formed).
     */
    @Benchmark
    public Map<String, Object> decodeOffer() throws BencodeException {
        return Bencode.decodeNgRequest(encoded, 0, encoded.length);
    }

    /** @return the encoded offer. */
    @Benchmark
    public byte[] encodeOffer() {
        return Bencode.encode(request);
    }
}
