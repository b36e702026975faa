package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which formats of an RTP media section the relay hands on, as rtpengine 10.5 chooses them when it does not
 * transcode (checked against the daemon, see README "Codecs"):
 * <ul>
 *   <li>{@code strip}/{@code mask} take codecs out, by name or {@code name/clock[/channels]}; {@code all} takes out
 *       every codec that {@code except} does not name (a named strip wins over {@code except});</li>
 *   <li>{@code offer} (and {@code transcode}) bring removed codecs back in the list's order, a regular codec just
 *       before the first supplementary one (telephone-event, CN, red; a removed one counts), a supplementary one
 *       where it was;</li>
 *   <li>a supplementary codec goes when the last regular codec of its clock rate went;</li>
 *   <li>when that would leave no regular codec, nothing is taken out (rtpengine keeps everything when nothing at
 *       all would be left, and writes an m= line without formats when only supplementary ones would be: we keep
 *       everything then too, README "Where we differ");</li>
 *   <li>an answer keeps only the payload types the answerer was offered, unless none of them is left; when the
 *       offer's or the answer's flags took codecs of a clock rate out, the answer's CN and telephone-event of that
 *       rate follow its regular codecs (and go without one).</li>
 * </ul>
 * Stateless; any thread.
 */
public final class CodecSelection {
    private static final String ALL = "all";
    /** The codecs that go with the regular codecs of their clock rate, in the order rtpengine writes them. */
    private static final List<String> SUPPLEMENTARY = List.of("CN", "telephone-event", "red");

    private CodecSelection() {
    }

    /**
     * @param m     an RTP media section as its sender wrote it.
     * @param flags the request's codec manipulations.
     * @return the formats to write, in order.
     */
    public static List<String> offer(final MediaDescription m, final CodecFlags flags) {
        return apply(m, m.formats(), flags);
    }

    /**
     * @param m           an RTP media section of an answer as the answerer wrote it.
     * @param offered     the offer's section as the offerer wrote it, or null when unknown.
     * @param offerFlags  the offer's codec manipulations: what the answerer was offered.
     * @param flags       the answer request's codec manipulations.
     * @return the formats to write back to the offerer: the answerer's, in its order; when the offer's or the
     *     answer's flags took codecs out of this section, the supplementary codecs of their clock rates behind the
     *     regular ones, as rtpengine orders them.
     */
    public static List<String> answer(final MediaDescription m, final MediaDescription offered,
                                      final CodecFlags offerFlags, final CodecFlags flags) {
        List<String> formats = m.formats();
        final Set<String> touched = new HashSet<>();
        if (offered != null) {
            final List<String> sent = offer(offered, offerFlags);
            if (offerFlags.removesCodecs()) {
                touched.addAll(strippedRates(codecs(offered, offered.formats()), offerFlags));
            }
            final List<String> common = new ArrayList<>(formats.size());
            for (final String format : formats) {
                if (sent.contains(format)) {
                    common.add(format);
                }
            }
            if (!common.isEmpty()) {
                formats = common;
            }
        }
        final List<String> answered = apply(m, formats, flags);
        if (answered != formats) {
            touched.addAll(removedRates(codecs(m, formats), codecs(m, answered)));
        }
        formats = touched.isEmpty() ? answered : supplementaryLast(m, answered, touched);
        return flags.singleCodec() ? single(m, formats) : formats;
    }

    /**
     * @return the clock rates of the codecs {@code strip}/{@code mask} take out, also when {@code offer} brings
     *     them back (rtpengine re-orders those rates' supplementary codecs in the answer all the same).
     */
    private static Set<String> strippedRates(final List<Codec> all, final CodecFlags flags) {
        final Set<String> rates = new HashSet<>();
        if (removeAndBringBack(all, flags) == null) {
            return rates;
        }
        final boolean removeAll = flags.strip().contains(ALL) || flags.mask().contains(ALL);
        for (final Codec c : all) {
            if (matchesAny(flags.strip(), c) || matchesAny(flags.mask(), c)
                || removeAll && !matchesAny(flags.except(), c)) {
                rates.add(c.clock);
            }
        }
        return rates;
    }

    /** @return the clock rates of the codecs of {@code all} that are not in {@code kept} (none when it is null). */
    private static Set<String> removedRates(final List<Codec> all, final List<Codec> kept) {
        final Set<String> rates = new HashSet<>();
        if (kept == null) {
            return rates;
        }
        for (final Codec c : all) {
            if (!kept.contains(c)) {
                rates.add(c.clock);
            }
        }
        return rates;
    }

    /**
     * The supplementary codecs of the clock rates codecs were taken from move behind the regular codecs, for each
     * rate in the order of its first regular codec: CN, telephone-event, red; those of a rate without a regular
     * codec go. The others stay where they are.
     */
    private static List<String> supplementaryLast(final MediaDescription m, final List<String> formats,
                                                  final Set<String> touched) {
        final List<Codec> all = codecs(m, formats);
        final List<String> out = new ArrayList<>(all.size());
        final List<String> rates = new ArrayList<>();
        boolean regular = false;
        for (final Codec c : all) {
            if (!c.supplementary) {
                regular = true;
                if (touched.contains(c.clock) && !rates.contains(c.clock)) {
                    rates.add(c.clock);
                }
            }
            if (!c.supplementary || !touched.contains(c.clock)) {
                out.add(c.format);
            }
        }
        if (!regular) {
            return formats;
        }
        for (final String rate : rates) {
            for (final String name : SUPPLEMENTARY) {
                for (final Codec c : all) {
                    if (c.supplementary && c.clock.equals(rate) && c.name.equalsIgnoreCase(name)) {
                        out.add(c.format);
                    }
                }
            }
        }
        return out;
    }

    private static List<String> apply(final MediaDescription m, final List<String> formats, final CodecFlags flags) {
        if (!flags.removesCodecs()) {
            return formats;
        }
        final List<Codec> all = codecs(m, formats);
        final List<Codec> kept = removeAndBringBack(all, flags);
        if (kept == null || ratesLeft(all, kept).isEmpty()) {
            return formats;
        }
        final List<String> out = new ArrayList<>(kept.size());
        for (final Codec c : kept) {
            out.add(c.format);
        }
        return out;
    }

    private static List<Codec> codecs(final MediaDescription m, final List<String> formats) {
        final List<Codec> all = new ArrayList<>(formats.size());
        for (final String format : formats) {
            all.add(Codec.of(m, format));
        }
        return all;
    }

    /** @return the codecs {@code strip}/{@code mask} leave and {@code offer} brings back; null when none went. */
    private static List<Codec> removeAndBringBack(final List<Codec> all, final CodecFlags flags) {
        final boolean removeAll = flags.strip().contains(ALL) || flags.mask().contains(ALL);
        final boolean[] removed = new boolean[all.size()];
        boolean any = false;
        for (int i = 0; i < all.size(); i++) {
            final Codec c = all.get(i);
            removed[i] = matchesAny(flags.strip(), c) || matchesAny(flags.mask(), c)
                || removeAll && !matchesAny(flags.except(), c);
            any |= removed[i];
        }
        if (!any) {
            return null;
        }
        // a removed supplementary codec keeps its place until the end: a codec brought back goes before it
        final List<Codec> work = new ArrayList<>(all.size());
        final List<Codec> gone = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!removed[i] || all.get(i).supplementary) {
                work.add(all.get(i));
            }
            if (removed[i] && all.get(i).supplementary) {
                gone.add(all.get(i));
            }
        }
        for (final String spec : flags.offer()) {
            for (int i = 0; i < all.size(); i++) {
                if (removed[i] && matches(spec, all.get(i))) {
                    removed[i] = false;
                    if (all.get(i).supplementary) {
                        gone.remove(all.get(i));
                    } else {
                        bringBack(work, all.get(i));
                    }
                }
            }
        }
        work.removeAll(gone);
        return work;
    }

    /**
     * Takes out the supplementary codecs whose clock rate lost its last regular codec.
     *
     * @return the clock rates that still have a regular codec.
     */
    private static Set<String> ratesLeft(final List<Codec> all, final List<Codec> kept) {
        final Set<String> ratesBefore = regularRates(all);
        final Set<String> ratesAfter = regularRates(kept);
        kept.removeIf(c -> c.supplementary && ratesBefore.contains(c.clock) && !ratesAfter.contains(c.clock));
        return ratesAfter;
    }

    /**
     * @param m     an RTP media section.
     * @param flags codec manipulations.
     * @return true when they take codecs out of the section but would leave no regular one, so that the section
     *     keeps all its codecs, or when the section has no regular codec: rtpengine then writes an m= line without
     *     formats (when a supplementary codec was left) or answers without telephone-event or CN (README "Where we
     *     differ"); the differential generator leaves such flags out.
     */
    static boolean fallsBack(final MediaDescription m, final CodecFlags flags) {
        if (!flags.removesCodecs()) {
            return false;
        }
        final List<Codec> all = codecs(m, m.formats());
        if (regularRates(all).isEmpty()) {
            return true;
        }
        final List<Codec> kept = removeAndBringBack(all, flags);
        return kept != null && ratesLeft(all, kept).isEmpty();
    }

    /** A regular codec comes back just before the first supplementary one, else at the end. */
    private static void bringBack(final List<Codec> work, final Codec c) {
        for (int i = 0; i < work.size(); i++) {
            if (work.get(i).supplementary) {
                work.add(i, c);
                return;
            }
        }
        work.add(c);
    }

    /**
     * {@code single-codec}: the first regular codec and every supplementary one (rtpengine keeps a
     * telephone-event/8000 next to an opus answer too).
     */
    private static List<String> single(final MediaDescription m, final List<String> formats) {
        final List<String> out = new ArrayList<>(formats.size());
        boolean first = true;
        for (final String format : formats) {
            final Codec c = Codec.of(m, format);
            if (c.supplementary || first) {
                out.add(format);
                first &= c.supplementary;
            }
        }
        return out;
    }

    private static Set<String> regularRates(final List<Codec> codecs) {
        final Set<String> rates = new HashSet<>();
        for (final Codec c : codecs) {
            if (!c.supplementary) {
                rates.add(c.clock);
            }
        }
        return rates;
    }

    private static boolean matchesAny(final List<String> specs, final Codec c) {
        for (final String spec : specs) {
            if (matches(spec, c)) {
                return true;
            }
        }
        return false;
    }

    /** A spec names a codec by encoding name; with a clock rate also the rate, and then the channels (default 1). */
    private static boolean matches(final String spec, final Codec c) {
        if (ALL.equals(spec) || c.name.isEmpty()) {
            return false;
        }
        final String[] f = spec.split("/", -1);
        if (!f[0].equalsIgnoreCase(c.name)) {
            return false;
        }
        if (f.length == 1) {
            return true;
        }
        return f[1].equals(c.clock) && (f.length > 2 ? f[2] : "1").equals(c.channels);
    }

    /** One format with what its {@code a=rtpmap} (or the static table, RFC 3551 §6) says about it. */
    private record Codec(String format, String name, String clock, String channels, boolean supplementary) {
        static Codec of(final MediaDescription m, final String format) {
            String rtpmap = null;
            for (final SdpLine line : m.lines()) {
                if (line.isAttribute("rtpmap")) {
                    final String value = line.attributeValue();
                    if (value != null && value.length() > format.length() && value.startsWith(format)
                        && value.charAt(format.length()) == ' ') {
                        rtpmap = value.substring(format.length() + 1).strip();
                    }
                }
            }
            if (rtpmap == null) {
                rtpmap = StaticPayloadTypes.rtpmap(format);
            }
            if (rtpmap == null) {
                return new Codec(format, "", "", "", false);
            }
            final String[] f = rtpmap.split("/", -1);
            final String name = f[0];
            final String clock = f.length > 1 ? f[1] : "";
            final String channels = f.length > 2 ? f[2] : "1";
            final String lower = name.toLowerCase(Locale.ROOT);
            final boolean supplementary = "telephone-event".equals(lower) || "cn".equals(lower)
                || "red".equals(lower);
            return new Codec(format, name, clock, channels, supplementary);
        }
    }
}
