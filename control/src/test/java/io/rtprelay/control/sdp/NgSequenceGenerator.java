package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but valid ng call sequences for the differential test against rtpengine: an offer, its answer, then re-offers
 * from either side (another port, another direction, hold, other codecs, another media section), their answers, a
 * query, a delete (sometimes twice, sometimes by tag), with random combinations of the ng keys and flags an operator's
 * Kamailio script passes, and SDP made from a grammar of what real phones, PBXs and softphones send (SIPp, Linphone,
 * Asterisk, Yealink-like desk phones, SDES phones). The same seed gives the same sequences.
 */
final class NgSequenceGenerator {
    /** One ng request of a sequence, and a label saying what it is for the failure message. */
    record Step(String label, Map<String, Object> request) {
    }

    /** A codec as an SDP writes it: payload type, rtpmap (null for a static type written without one), fmtp. */
    private record Codec(int pt, String rtpmap, String fmtp) {
    }

    /** In an answer's {@code a=crypto} line: stands for the tag the relay offered the suite with. */
    static final String OFFERED_TAG = "@TAG@";

    private static final List<Codec> AUDIO = List.of(
        new Codec(0, "PCMU/8000", null), new Codec(8, "PCMA/8000", null), new Codec(9, "G722/8000", null),
        new Codec(3, "GSM/8000", null), new Codec(18, "G729/8000", "annexb=no"),
        new Codec(96, "opus/48000/2", "useinbandfec=1"), new Codec(97, "speex/16000", null),
        new Codec(98, "iLBC/8000", "mode=30"), new Codec(101, "telephone-event/8000", "0-16"),
        new Codec(13, "CN/8000", null));
    private static final List<Codec> VIDEO = List.of(
        new Codec(99, "H264/90000", "profile-level-id=42e01f"), new Codec(100, "VP8/90000", null),
        new Codec(34, "H263/90000", null));
    private static final List<String> DIRECTIONS = List.of("sendrecv", "sendonly", "recvonly", "inactive");
    private static final List<String> SESSION_NAMES = List.of("-", "SIP Call", "Asterisk PBX 18.20.0", "Talk",
        "session");
    private static final List<String> USERS = List.of("-", "root", "user1", "FreeSWITCH", "Yealink");
    /** Flags that change nothing in the SDP or the replies of a call without media, but must be accepted. */
    private static final List<String> MEDIA_FLAGS = List.of("symmetric", "asymmetric", "strict-source",
        "media-handover", "port-latching", "no-port-latching");

    /** Regular 8000 Hz codecs the codec flags name (opus and CN never: see {@link #codecKeys}). */
    private static final List<String> STRIPPABLE = List.of("PCMU", "PCMA", "G722", "GSM", "G729", "iLBC", "speex");
    private static final List<String> KEPT = List.of("PCMU", "PCMA", "G722", "G729", "telephone-event", "CN");
    private static final List<String> CODEC_KEYS = List.of("strip", "mask");

    private final Random random;
    /**
     * Draws the codec flags only, so that adding them left every other draw of a seed, and so its sequences, as
     * they were.
     */
    private final Random codecRandom;
    private final boolean codecFlags;
    private final String run;
    private int calls;

    /**
     * @param seed the seed: the same seed gives the same sequences.
     * @param run  a string unique to this run, part of every call-id.
     */
    NgSequenceGenerator(final long seed, final String run) {
        this(seed, run, true);
    }

    /**
     * @param seed       the seed: the same seed gives the same sequences.
     * @param run        a string unique to this run, part of every call-id.
     * @param codecFlags whether offers and answers draw codec flags (the rest of a seed's sequences is the same).
     */
    NgSequenceGenerator(final long seed, final String run, final boolean codecFlags) {
        this.codecFlags = codecFlags;
        this.random = new Random(seed);
        this.codecRandom = new Random(seed ^ 0xC0DEC5L);
        this.run = run;
    }

    /** @return the next sequence: its steps, in order, ending with a delete that frees the call's ports. */
    List<Step> next() {
        final String callId = "seq-" + run + "-" + calls++;
        final List<Step> steps = new ArrayList<>();
        final Party a = new Party("a" + calls, 10_000 + 4 * random.nextInt(5_000));
        final Party b = new Party("b" + calls, 30_000 + 4 * random.nextInt(5_000));
        // the script converts the caller's protocol for the callee only (B's offers pass no transport-protocol)
        // (not RTP/SAVP yet: when a re-offer converts plain RTP to SDES, rtpengine renews some of its keys by rules
        // not matched yet, about 1 sequence in 1,000; see docs/NG-DIFFERENTIAL.md)
        a.transportProtocol = random.nextInt(8) == 0 ? "RTP/AVP" : null;
        final Map<String, Object> offerKeys = keys(true, a);
        a.mux = a.likesMux;
        a.sdp = offerSdp(a);
        final CodecFlags offerCodecs = codecKeys(offerKeys, a.sdp);
        steps.add(new Step("offer", request("offer", callId, a.tag, null, a.sdp, offerKeys)));
        relay(offerKeys, a, b);
        b.sdp = answerSdp(b, a.sdp, offerCodecs);
        steps.add(new Step("answer", request("answer", callId, a.tag, b.tag, b.sdp, answerKeys(b.sdp))));
        final int more = random.nextInt(5);
        for (int i = 0; i < more; i++) {
            switch (random.nextInt(7)) {
                case 0, 1, 2 -> {
                    final boolean fromA = random.nextInt(3) > 0;
                    final Party offerer = fromA ? a : b;
                    final Party answerer = fromA ? b : a;
                    final Map<String, Object> keys = keys(true, offerer);
                    offerer.mux = offerer.likesMux;
                    offerer.sdp = mutate(offerer);
                    final CodecFlags codecs = codecKeys(keys, offerer.sdp);
                    steps.add(new Step("re-offer by " + (fromA ? "A" : "B"),
                        request("offer", callId, offerer.tag, answerer.tag, offerer.sdp, keys)));
                    relay(keys, offerer, answerer);
                    if (random.nextInt(6) > 0) {
                        answerer.sdp = answerSdp(answerer, offerer.sdp, codecs);
                        steps.add(new Step("re-answer by " + (fromA ? "B" : "A"),
                            request("answer", callId, offerer.tag, answerer.tag, answerer.sdp,
                                answerKeys(answerer.sdp))));
                    }
                }
                case 3 -> steps.add(new Step("query", query(callId, random.nextBoolean() ? a.tag : null)));
                case 4 -> steps.add(new Step("query of another tag", query(callId, b.tag)));
                case 5 -> steps.add(new Step("answer for an unknown call",
                    request("answer", callId + "-unknown", a.tag, b.tag, b.sdp, Map.of())));
                default -> steps.add(new Step("delete of an unknown tag", delete(callId, "nobody", false)));
            }
        }
        steps.add(new Step("delete", delete(callId, random.nextBoolean() ? a.tag : null, true)));
        if (random.nextInt(4) == 0) {
            steps.add(new Step("second delete", delete(callId, null, true)));
        }
        return steps;
    }

    /** A party: its tag, its media base port, and the SDP it last sent. */
    private final class Party {
        final String tag;
        final long sessionId = 1_000_000L + random.nextInt(1 << 30);
        long version = random.nextInt(1_000);
        int port;
        String sdp;
        final String user = pick(USERS);
        final String name = pick(SESSION_NAMES);
        final boolean mediaConnection = random.nextInt(4) == 0;
        /** Speaks SRTP (SDES) in its audio section: its own choice as an offerer, the offer's as an answerer. */
        boolean srtp = random.nextInt(6) == 0;
        /** Has spoken: its protocol is known to the relay. */
        boolean spoke;
        /**
         * The tag of its {@code a=crypto} line: 1 in its own offers; in an answer {@value #OFFERED_TAG}, which the
         * test replaces with the tag each relay's offer gave the suite (RFC 4568 §5.1.2).
         */
        String cryptoTag = "1";
        /** Its SDES key, kept for the call as phones keep it across re-INVITEs. */
        final String key = key();
        /**
         * The {@code transport-protocol} the operator's script passes on every offer from this party, or null: a
         * script passes the same flags for a direction of a call.
         */
        String transportProtocol;
        final boolean rtcpAttribute = random.nextInt(3) == 0;
        /** Offers rtcp-mux (RFC 5761) in its own offers, and accepts it when offered. */
        final boolean likesMux = false;
        /** Writes a=rtcp-mux into its next SDP. */
        boolean mux;
        final boolean ptime = random.nextBoolean();
        String address = "127.0.0.1";
        String direction = random.nextInt(3) == 0 ? null : "sendrecv";
        List<Codec> audio = codecs(AUDIO, 1 + random.nextInt(4));
        List<Codec> video = random.nextInt(6) == 0 ? codecs(VIDEO, 1 + random.nextInt(2)) : null;

        Party(final String tag, final int port) {
            this.tag = tag;
            this.port = port;
        }
    }

    /**
     * What the relay's offer from {@code offerer} tells {@code answerer}, which answers it validly (RFC 3264: the
     * same protocol, rtcp-mux only when offered, RFC 5761): the protocol {@code transport-protocol} names, else the
     * answerer's own once it spoke (rtpengine keeps it), else the offerer's; rtcp-mux when the offerer offered it or
     * {@code rtcp-mux: [offer]} asks, not with {@code demux}.
     */
    private static void relay(final Map<String, Object> keys, final Party offerer, final Party answerer) {
        final Object protocol = keys.get("transport-protocol");
        answerer.srtp = protocol != null ? String.valueOf(protocol).contains("SAVP")
            : answerer.spoke ? answerer.srtp : offerer.srtp;
        offerer.cryptoTag = "1";
        answerer.cryptoTag = OFFERED_TAG;
        final Object mux = keys.get("rtcp-mux");
        final boolean offered = mux instanceof List<?> l && l.contains("offer") || offerer.mux
            && !(mux instanceof List<?> d && d.contains("demux"));
        answerer.mux = offered && answerer.likesMux;
        offerer.spoke = true;
        answerer.spoke = true;
    }

    private String offerSdp(final Party p) {
        return sdp(p, p.audio, p.video, p.direction);
    }

    /**
     * The answer of {@code p} to {@code offer}: the offer's codecs it knows, in the order it prefers (sometimes its
     * own, sometimes the offer's), at least one, and for each offered section a section (video refused now and
     * then with port 0). The codecs are those the offer's codec flags ({@code codecs}) leave, for a valid answer to
     * what the relay offered; they are drawn as if there were no flags, so that a seed's other draws stay as they
     * were.
     */
    private String answerSdp(final Party p, final String offer, final CodecFlags codecs) {
        final List<Codec> offeredAudio = offered(offer, "audio", AUDIO);
        final List<String> left = left(offer, "audio", codecs);
        final List<Codec> audio = new ArrayList<>();
        for (final Codec c : offeredAudio) {
            if (random.nextInt(3) > 0 && (left == null || left.contains(String.valueOf(c.pt)))) {
                audio.add(c);
            }
        }
        if (audio.isEmpty()) {
            Codec first = offeredAudio.isEmpty() ? AUDIO.getFirst() : offeredAudio.getFirst();
            for (final Codec c : offeredAudio) {
                if (left != null && left.contains(String.valueOf(c.pt))) {
                    first = c;
                    break;
                }
            }
            audio.add(first);
        }
        if (codecs.removesCodecs() && audio.stream().allMatch(NgSequenceGenerator::supplementary)) {
            // after codec flags rtpengine answers an answer of only telephone-event or CN with an m= line without
            // formats (README "Where we differ"): answer a regular codec too
            for (final Codec c : offeredAudio) {
                if (!supplementary(c) && (left == null || left.contains(String.valueOf(c.pt)))) {
                    audio.add(c);
                    break;
                }
            }
        }
        if (random.nextInt(4) == 0) {
            Collections.reverse(audio);
        }
        final List<Codec> offeredVideo = new ArrayList<>(offered(offer, "video", VIDEO));
        final List<String> leftVideo = left(offer, "video", codecs);
        if (leftVideo != null) {
            offeredVideo.removeIf(c -> !leftVideo.contains(String.valueOf(c.pt)));
        }
        List<Codec> video = null;
        if (offer.contains("m=video ")) {
            video = offeredVideo.isEmpty() || random.nextInt(3) == 0 ? List.of() : List.of(offeredVideo.getFirst());
        }
        p.audio = audio;
        p.video = video;
        final String direction = offer.contains("a=sendonly") ? "recvonly" : offer.contains("a=recvonly")
            ? "sendonly" : offer.contains("a=inactive") ? "inactive" : p.direction;
        return sdp(p, audio, video, direction);
    }

    /** The party's next offer: one or two changes to its last SDP. */
    private String mutate(final Party p) {
        p.version++;
        final int changes = 1 + random.nextInt(2);
        String direction = p.direction;
        for (int i = 0; i < changes; i++) {
            switch (random.nextInt(7)) {
                case 0 -> p.port += 2;
                case 1 -> direction = pick(DIRECTIONS);
                case 2 -> p.address = "0.0.0.0".equals(p.address) ? "127.0.0.1" : "0.0.0.0";
                case 3 -> p.audio = codecs(AUDIO, 1 + random.nextInt(4));
                case 4 -> p.video = p.video == null ? codecs(VIDEO, 1) : null;
                case 5 -> p.address = "127.0.0.1".equals(p.address) ? "127.0.0.2" : "127.0.0.1";
                default -> {
                    // the same SDP again, as a re-INVITE for a session refresh sends it
                    p.version--;
                }
            }
        }
        return sdp(p, p.audio, p.video, direction);
    }

    private String sdp(final Party p, final List<Codec> audio, final List<Codec> video, final String direction) {
        final StringBuilder s = new StringBuilder();
        s.append("v=0\r\n");
        s.append("o=").append(p.user).append(' ').append(p.sessionId).append(' ').append(p.version)
            .append(" IN IP4 127.0.0.1\r\n");
        s.append("s=").append(p.name).append("\r\n");
        if (!p.mediaConnection) {
            s.append("c=IN IP4 ").append(p.address).append("\r\n");
        }
        s.append("t=0 0\r\n");
        section(s, p, "audio", p.port, audio, direction);
        if (video != null) {
            section(s, p, "video", video.isEmpty() ? 0 : p.port + 2, video.isEmpty() ? List.of(VIDEO.getFirst())
                : video, direction);
        }
        return s.toString();
    }

    private void section(final StringBuilder s, final Party p, final String type, final int port,
                         final List<Codec> codecs, final String direction) {
        s.append("m=").append(type).append(' ').append(port).append(' ')
            .append(p.srtp && "audio".equals(type) ? "RTP/SAVP" : "RTP/AVP");
        for (final Codec c : codecs) {
            s.append(' ').append(c.pt);
        }
        s.append("\r\n");
        if (p.mediaConnection) {
            s.append("c=IN IP4 ").append(p.address).append("\r\n");
        }
        for (final Codec c : codecs) {
            if (c.rtpmap != null && (c.pt >= 96 || c.pt == 18 || random.nextInt(2) == 0)) {
                s.append("a=rtpmap:").append(c.pt).append(' ').append(c.rtpmap).append("\r\n");
            }
            if (c.fmtp != null) {
                s.append("a=fmtp:").append(c.pt).append(' ').append(c.fmtp).append("\r\n");
            }
        }
        if (p.rtcpAttribute && port != 0) {
            s.append("a=rtcp:").append(port + 1).append("\r\n");
        }
        if (p.mux && port != 0) {
            s.append("a=rtcp-mux\r\n");
        }
        if (p.ptime && "audio".equals(type)) {
            s.append("a=ptime:20\r\n");
        }
        if (p.srtp && "audio".equals(type)) {
            s.append("a=crypto:").append(p.cryptoTag).append(" AES_CM_128_HMAC_SHA1_80 inline:").append(p.key)
                .append("\r\n");
        }
        if (direction != null) {
            s.append("a=").append(direction).append("\r\n");
        }
    }

    /** The codecs of the SDP's first section of {@code type}, as known to the grammar. */
    private static List<Codec> offered(final String sdp, final String type, final List<Codec> known) {
        final List<Codec> out = new ArrayList<>();
        for (final String line : sdp.split("\r\n")) {
            if (line.startsWith("m=" + type + " ")) {
                final String[] f = line.split(" ");
                if ("0".equals(f[1])) {
                    return out;
                }
                for (int i = 3; i < f.length; i++) {
                    for (final Codec c : known) {
                        if (String.valueOf(c.pt).equals(f[i])) {
                            out.add(c);
                        }
                    }
                }
                return out;
            }
        }
        return out;
    }

    private static boolean supplementary(final Codec c) {
        return c.rtpmap != null && (c.rtpmap.startsWith("telephone-event/") || c.rtpmap.startsWith("CN/"));
    }

    /** @return the formats of the offer's section of this type that the codec flags leave, null without one. */
    private static List<String> left(final String offer, final String type, final CodecFlags codecs) {
        try {
            for (final MediaDescription m : SdpParser.parse(offer).media()) {
                if (m.mediaType().equals(type)) {
                    return CodecSelection.offer(m, codecs);
                }
            }
        } catch (final SdpException e) {
            throw new IllegalStateException("the generator wrote SDP that does not parse: " + offer, e);
        }
        return null;
    }

    /**
     * Codec flags for one offer in one of every three, as the dictionary or Kamailio's flat flags: strip or mask
     * one or two regular 8000 Hz codecs, or all but one or two (except), bringing one back (offer). Never what
     * engages rtpengine's transcoding engine, whose SDP a relay without one does not write (README "Where we
     * differ"): consume, accept, always-transcode, a transcode of an absent codec, ptime; opus or CN in a strip or
     * offer (it then adds telephone-event and CN for other clock rates); flags next to iLBC (it then drops
     * telephone-event and CN from the answer); flags that would take every regular codec out of a section.
     *
     * @param keys the offer's other keys, which these join.
     * @param sdp  the offer the keys go with. the offer the keys go with.
     *
     * @return what the flags ask, for drawing a valid answer.
     */
    private CodecFlags codecKeys(final Map<String, Object> keys, final String sdp) {
        if (!codecFlags || codecRandom.nextInt(3) > 0 || sdp.contains(" iLBC/")) {
            return CodecFlags.none();
        }
        final String kind = CODEC_KEYS.get(codecRandom.nextInt(CODEC_KEYS.size()));
        final List<String> removed = new ArrayList<>();
        final List<String> except = new ArrayList<>();
        final List<String> back = new ArrayList<>();
        if (codecRandom.nextBoolean()) {
            removed.add(STRIPPABLE.get(codecRandom.nextInt(STRIPPABLE.size())));
            if (codecRandom.nextBoolean()) {
                removed.add(STRIPPABLE.get(codecRandom.nextInt(STRIPPABLE.size())));
            }
        } else {
            removed.add("all");
            except.add(KEPT.get(codecRandom.nextInt(KEPT.size())));
            if (codecRandom.nextBoolean()) {
                except.add(KEPT.get(codecRandom.nextInt(KEPT.size())));
            }
        }
        if (codecRandom.nextInt(3) == 0) {
            // not speex: brought back as the only codec of its clock rate, it makes rtpengine add CN and
            // telephone-event at 16000 Hz too
            back.add(STRIPPABLE.get(codecRandom.nextInt(STRIPPABLE.size() - 1)));
        }
        final boolean strip = "strip".equals(kind);
        final CodecFlags flags = new CodecFlags(strip ? removed : List.of(), strip ? List.of() : removed, except, back,
            false, 0, 0);
        try {
            for (final MediaDescription m : SdpParser.parse(sdp).media()) {
                if (CodecSelection.fallsBack(m, flags)) {
                    return CodecFlags.none();
                }
            }
        } catch (final SdpException e) {
            throw new IllegalStateException("the generator wrote SDP that does not parse: " + sdp, e);
        }
        if (codecRandom.nextBoolean()) {
            final Map<String, Object> codec = new LinkedHashMap<>();
            codec.put(kind, removed);
            if (!except.isEmpty()) {
                codec.put("except", except);
            }
            if (!back.isEmpty()) {
                codec.put("offer", back);
            }
            keys.put("codec", codec);
        } else {
            @SuppressWarnings("unchecked")
            final List<String> list = (List<String>)keys.computeIfAbsent("flags", k -> new ArrayList<String>());
            removed.forEach(c -> list.add("codec-" + kind + "-" + c));
            except.forEach(c -> list.add("codec-except-" + c));
            back.forEach(c -> list.add("codec-offer-" + c));
        }
        return flags;
    }

    /**
     * An answer's keys: {@link #keys}, sometimes with {@code single-codec} or a strip of its own (not one that
     * would take every regular codec out of the answer, see {@link #codecKeys}).
     */
    private Map<String, Object> answerKeys(final String sdp) {
        final Map<String, Object> keys = keys(false, null);
        final int pick = codecRandom.nextInt(8);
        if (pick == 0) {
            @SuppressWarnings("unchecked")
            final List<String> flags = (List<String>)keys.computeIfAbsent("flags", k -> new ArrayList<String>());
            flags.add("single-codec");
        } else if (pick == 1 && !sdp.contains(" iLBC/")) {
            final List<String> strip = List.of(STRIPPABLE.get(codecRandom.nextInt(STRIPPABLE.size())));
            final CodecFlags flags = new CodecFlags(strip, List.of(), List.of(), List.of(), false, 0, 0);
            try {
                for (final MediaDescription m : SdpParser.parse(sdp).media()) {
                    if (CodecSelection.fallsBack(m, flags)) {
                        return keys;
                    }
                }
            } catch (final SdpException e) {
                throw new IllegalStateException("the generator wrote SDP that does not parse: " + sdp, e);
            }
            keys.put("codec", Map.of("strip", strip));
        }
        return keys;
    }

    private String key() {
        final byte[] key = new byte[30];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private List<Codec> codecs(final List<Codec> from, final int count) {
        final List<Codec> pool = new ArrayList<>(from);
        final List<Codec> out = new ArrayList<>();
        for (int i = 0; i < count && !pool.isEmpty(); i++) {
            out.add(pool.remove(random.nextInt(pool.size())));
        }
        return out;
    }

    /** Random ng keys and flags of an offer or an answer, as Kamailio scripts pass them. */
    private Map<String, Object> keys(final boolean offer, final Party offerer) {
        final Map<String, Object> keys = new LinkedHashMap<>();
        if (offer && offerer.transportProtocol != null) {
            keys.put("transport-protocol", offerer.transportProtocol);
        }
        final List<String> flags = new ArrayList<>();
        final List<String> replace = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            replace.add("origin");
        }
        if (random.nextInt(3) == 0) {
            replace.add("session-connection");
        }
        if (random.nextInt(4) == 0) {
            flags.add("trust-address");
        }
        if (random.nextInt(4) == 0) {
            flags.add(pick(MEDIA_FLAGS));
        }
        if (random.nextInt(8) == 0) {
            flags.add("original-sendrecv");
        }
        if (random.nextInt(5) == 0) {
            keys.put("ICE", "remove");
        }
        if (!flags.isEmpty()) {
            keys.put("flags", flags);
        }
        if (!replace.isEmpty()) {
            keys.put("replace", replace);
        }
        return keys;
    }

    private static Map<String, Object> request(final String command, final String callId, final String fromTag,
                                               final String toTag, final String sdp,
                                               final Map<String, Object> keys) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", command);
        request.put("call-id", callId);
        request.put("from-tag", fromTag);
        if (toTag != null) {
            request.put("to-tag", toTag);
        }
        request.put("sdp", sdp);
        request.putAll(keys);
        return request;
    }

    private static Map<String, Object> query(final String callId, final String fromTag) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "query");
        request.put("call-id", callId);
        if (fromTag != null) {
            request.put("from-tag", fromTag);
        }
        return request;
    }

    private static Map<String, Object> delete(final String callId, final String fromTag, final boolean now) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "delete");
        request.put("call-id", callId);
        if (fromTag != null) {
            request.put("from-tag", fromTag);
        }
        if (now) {
            request.put("delete-delay", 0L);
        }
        return request;
    }

    private <T> T pick(final List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
