package io.rtprelay.control.sdp;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The offer/answer corpus under {@code src/test/resources/sdp/}: per case {@code NN-name.offer.sdp},
 * {@code NN-name.answer.sdp} and, when the ng requests carry keys beyond the SDP, {@code NN-name.flags} -- a
 * properties file whose keys are {@code offer.<ng key>} or {@code answer.<ng key>} ({@code flags}, {@code replace},
 * {@code rtcp-mux}, {@code SDES} and {@code T.38} take comma-separated lists; {@code codec.<key>} is a list in the
 * {@code codec} dictionary, e.g. {@code offer.codec.strip=PCMA,G729}) plus {@code sdp.line-ends=LF} to send bare
 * LF line ends. The SDP files are stored with LF and sent with CRLF unless told otherwise.
 */
final class SdpCorpus {
    private static final List<String> LIST_KEYS = List.of("flags", "replace", "rtcp-mux", "SDES", "T.38");
    private static final String CODEC_PREFIX = "codec.";

    private SdpCorpus() {
    }

    /**
     * One offer/answer exchange.
     *
     * @param name         the file name stem, e.g. {@code 01-audio-pcmu}.
     * @param offerSdp     the offerer's SDP as sent.
     * @param answerSdp    the answerer's SDP as sent.
     * @param offerExtras  ng keys of the offer beyond command, call-id, from-tag and sdp.
     * @param answerExtras ng keys of the answer beyond command, call-id, from-tag, to-tag and sdp.
     * @param bareLf       true when the SDP is sent with bare LF line ends.
     */
    record Case(String name, String offerSdp, String answerSdp, Map<String, Object> offerExtras,
                Map<String, Object> answerExtras, boolean bareLf) {

        /**
         * @param callId  the call.
         * @param fromTag the offerer's tag.
         * @return the complete ng offer request.
         */
        Map<String, Object> offerRequest(final String callId, final String fromTag) {
            final Map<String, Object> request = new LinkedHashMap<>();
            request.put("command", "offer");
            request.put("call-id", callId);
            request.put("from-tag", fromTag);
            request.put("sdp", offerSdp);
            request.putAll(offerExtras);
            return request;
        }

        /**
         * @param callId  the call.
         * @param fromTag the offerer's tag.
         * @param toTag   the answerer's tag.
         * @return the complete ng answer request.
         */
        Map<String, Object> answerRequest(final String callId, final String fromTag, final String toTag) {
            final Map<String, Object> request = new LinkedHashMap<>();
            request.put("command", "answer");
            request.put("call-id", callId);
            request.put("from-tag", fromTag);
            request.put("to-tag", toTag);
            request.put("sdp", answerSdp);
            request.putAll(answerExtras);
            return request;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** @return every case, in file name order. */
    static List<Case> load() {
        final Path dir = directory();
        try (Stream<Path> files = Files.list(dir)) {
            final List<Case> cases = new ArrayList<>();
            for (final Path offer : files.filter(p -> p.getFileName().toString().endsWith(".offer.sdp")).sorted()
                .toList()) {
                final String file = offer.getFileName().toString();
                cases.add(load(dir, file.substring(0, file.length() - ".offer.sdp".length())));
            }
            return cases;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Case load(final Path dir, final String name) throws IOException {
        final Properties flags = new Properties();
        final Path flagsFile = dir.resolve(name + ".flags");
        if (Files.exists(flagsFile)) {
            try (Reader in = Files.newBufferedReader(flagsFile, StandardCharsets.UTF_8)) {
                flags.load(in);
            }
        }
        final boolean bareLf = "LF".equals(flags.getProperty("sdp.line-ends"));
        return new Case(name, sdp(dir.resolve(name + ".offer.sdp"), bareLf),
            sdp(dir.resolve(name + ".answer.sdp"), bareLf), extras(flags, "offer."), extras(flags, "answer."),
            bareLf);
    }

    private static String sdp(final Path file, final boolean bareLf) throws IOException {
        final String text = Files.readString(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        return bareLf ? text : text.replace("\n", "\r\n");
    }

    private static Map<String, Object> extras(final Properties flags, final String prefix) {
        final Map<String, Object> extras = new LinkedHashMap<>();
        for (final String key : flags.stringPropertyNames().stream().sorted().toList()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            final String ngKey = key.substring(prefix.length());
            final String value = flags.getProperty(key).strip();
            if (ngKey.startsWith(CODEC_PREFIX)) {
                @SuppressWarnings("unchecked")
                final Map<String, Object> codec =
                    (Map<String, Object>)extras.computeIfAbsent("codec", k -> new LinkedHashMap<String, Object>());
                codec.put(ngKey.substring(CODEC_PREFIX.length()),
                    Arrays.stream(value.split(",")).map(String::strip).toList());
            } else if (LIST_KEYS.contains(ngKey)) {
                extras.put(ngKey, Arrays.stream(value.split(",")).map(String::strip).toList());
            } else {
                extras.put(ngKey, value);
            }
        }
        return extras;
    }

    private static Path directory() {
        final URL url = SdpCorpus.class.getResource("/sdp");
        if (url == null) {
            throw new IllegalStateException("no sdp/ corpus on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
