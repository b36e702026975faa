package io.rtprelay.control.cli;

import io.rtprelay.control.cli.CliCommand.ParamsMode;
import io.rtprelay.control.cli.CliCommand.Reply;
import io.rtprelay.control.cli.CliCommand.Scope;
import io.rtprelay.control.cli.CliCommand.Value;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

/**
 * Parses one CLI line the way rtpengine 10.5's CLI does, as observed on the real daemon (see
 * CliDifferentialTest): a word is matched as a prefix of what is left ({@code list maxsessionsxyz} is
 * {@code list maxsessions}); a level with nothing after its word answers {@value #MORE_PARAMETERS}; otherwise
 * exactly one character after the word is skipped, whatever it is ({@code listx numsessions} leaves
 * {@code " numsessions"}, which matches nothing); what matches nothing answers {@value #UNKNOWN} followed by what
 * was left. Numbers are read as C's {@code strtol} (maxsessions) and {@code strtoul} (timeouts) read them:
 * leading white space and a sign, then decimal digits up to the first other character.
 *
 * <p>Deliberately safer than rtpengine: {@code terminate} kills every call only for exactly {@code all}
 * ({@code own}), where rtpengine also takes any prefix of it, the empty one included, so {@code "terminate "} or
 * {@code "terminate a"} would end every call; a {@code set maxsessions} above 2^31-1 means no practical limit
 * (2^31-1), where rtpengine keeps the low 32 bits (4294967296 would become 0, a drain).
 *
 * <p>Pure and thread-safe; never throws for any input.
 */
public final class CliParser {
    /** rtpengine's answer when a command stops short. */
    public static final String MORE_PARAMETERS = "More parameters required.\n";
    /** rtpengine's answer prefix for what it does not know; what was left of the line follows, then a newline. */
    public static final String UNKNOWN = "Unknown or incomplete command::";

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger ULONG_RANGE = BigInteger.ONE.shiftLeft(64);
    /** rtpengine refuses a timeout from 2^31-1 up. */
    private static final long TIMEOUT_LIMIT = Integer.MAX_VALUE;
    private static final int ERANGE = 34;

    private static final List<String> TOP = List.of("list", "terminate", "set", "get", "params");
    private static final List<String> LIST = List.of("numsessions", "sessions", "totals", "counters",
        "maxsessions", "timeout", "silenttimeout", "finaltimeout", "deletedelay", "interfaces");
    private static final List<String> SET = List.of("maxsessions", "timeout", "silenttimeout", "finaltimeout");
    private static final List<String> PARAMS = List.of("start", "current", "diff", "revert");

    private CliParser() {
    }

    /**
     * @param line one line as received, its line end already removed; a NUL ends it, as in C.
     * @return what it asks for.
     */
    public static CliCommand parse(final String line) {
        final int nul = line.indexOf('\0');
        final String l = nul >= 0 ? line.substring(0, nul) : line;
        if (l.startsWith("help")) {
            return help(TOP);
        }
        if (l.startsWith("list")) {
            return list(l.substring(4));
        }
        if (l.startsWith("terminate")) {
            return terminate(l.substring(9));
        }
        if (l.startsWith("set")) {
            return set(l.substring(3));
        }
        if (l.startsWith("get")) {
            return list(l.substring(3));
        }
        if (l.startsWith("params")) {
            return params(l.substring(6));
        }
        return unknown(l);
    }

    private static CliCommand list(final String rest) {
        if (rest.isEmpty()) {
            return new Reply(MORE_PARAMETERS);
        }
        final String r = rest.substring(1);
        if (r.startsWith("help")) {
            return help(LIST);
        }
        for (final String word : LIST) {
            if (r.startsWith(word)) {
                return listWord(word, r.substring(word.length()));
            }
        }
        return unknown(r);
    }

    private static CliCommand listWord(final String word, final String rest) {
        return switch (word) {
            case "numsessions" -> new CliCommand.NumSessions();
            case "sessions" -> sessions(rest);
            case "totals" -> new CliCommand.Totals();
            case "counters" -> new CliCommand.Counters();
            case "maxsessions" -> new CliCommand.MaxSessions();
            case "timeout" -> new CliCommand.ShowValue(Value.TIMEOUT);
            case "silenttimeout" -> new CliCommand.ShowValue(Value.SILENT_TIMEOUT);
            case "finaltimeout" -> new CliCommand.ShowValue(Value.FINAL_TIMEOUT);
            case "deletedelay" -> new CliCommand.ShowValue(Value.DELETE_DELAY);
            default -> new CliCommand.Interfaces();
        };
    }

    private static CliCommand sessions(final String rest) {
        if (rest.isEmpty() || rest.length() == 1) {
            return new Reply(MORE_PARAMETERS);
        }
        final String r = rest.substring(1);
        return switch (r) {
            case "all" -> new CliCommand.Sessions(Scope.ALL);
            case "own" -> new CliCommand.Sessions(Scope.OWN);
            case "foreign" -> new CliCommand.Sessions(Scope.FOREIGN);
            default -> new CliCommand.Session(r);
        };
    }

    private static CliCommand terminate(final String rest) {
        if (rest.isEmpty() || rest.length() == 1) {
            return new Reply(MORE_PARAMETERS);
        }
        final String r = rest.substring(1);
        return switch (r) {
            case "all" -> new CliCommand.TerminateAll(Scope.ALL);
            case "own" -> new CliCommand.TerminateAll(Scope.OWN);
            case "foreign" -> new CliCommand.TerminateAll(Scope.FOREIGN);
            default -> new CliCommand.Terminate(r);
        };
    }

    private static CliCommand set(final String rest) {
        if (rest.isEmpty()) {
            return new Reply(MORE_PARAMETERS);
        }
        final String r = rest.substring(1);
        if (r.startsWith("help")) {
            return help(SET);
        }
        for (final String word : SET) {
            if (r.startsWith(word)) {
                final String after = r.substring(word.length());
                if (after.isEmpty()) {
                    return new Reply(MORE_PARAMETERS);
                }
                final String value = after.substring(1);
                return switch (word) {
                    case "maxsessions" -> setMaxSessions(value);
                    case "timeout" -> setTimeout(Value.TIMEOUT, value);
                    case "silenttimeout" -> setTimeout(Value.SILENT_TIMEOUT, value);
                    default -> setTimeout(Value.FINAL_TIMEOUT, value);
                };
            }
        }
        return unknown(r);
    }

    private static CliCommand setMaxSessions(final String value) {
        final CNumber n = CNumber.of(value);
        if (n == null) {
            return new Reply("Fail setting maxsessions to " + value + "; no digists found\n");
        }
        if (n.value.compareTo(LONG_MIN) < 0 || n.value.compareTo(LONG_MAX) > 0) {
            return new Reply("Fail setting maxsessions to " + value + "; errno=" + ERANGE + "\n");
        }
        final long limit = n.value.longValue();
        if (limit < -1) {
            return new Reply("Fail setting maxsessions to " + value + "; either positive or -1 values allowed\n");
        }
        return new CliCommand.SetMaxSessions(limit);
    }

    private static CliCommand setTimeout(final Value which, final String value) {
        final CNumber n = CNumber.of(value);
        if (n == null) {
            return new Reply("Fail setting timeout to " + value + "; no digists found\n");
        }
        final BigInteger magnitude = n.value.abs();
        if (magnitude.compareTo(ULONG_MAX) > 0) {
            return new Reply("Fail setting timeout to " + value + "; errno=" + ERANGE + "\n");
        }
        // strtoul negates a negative number in unsigned arithmetic: -1 is 2^64-1
        final BigInteger unsigned = n.value.signum() < 0 ? ULONG_RANGE.add(n.value).mod(ULONG_RANGE) : n.value;
        if (unsigned.compareTo(BigInteger.valueOf(TIMEOUT_LIMIT)) >= 0) {
            return new Reply("Fail setting timeout to " + value + "; errno=0\n");
        }
        return new CliCommand.SetTimeout(which, unsigned.longValue());
    }

    private static CliCommand params(final String rest) {
        if (rest.isEmpty()) {
            return new Reply(MORE_PARAMETERS);
        }
        final String r = rest.substring(1);
        for (final String word : PARAMS) {
            if (r.startsWith(word)) {
                return new CliCommand.Params(ParamsMode.valueOf(word.toUpperCase(Locale.ROOT)));
            }
        }
        return unknown(r);
    }

    private static Reply help(final List<String> words) {
        final StringBuilder sb = new StringBuilder("Available sub-commands at this level:\n");
        for (final String w : words) {
            sb.append('\t').append(w).append('\n');
        }
        return new Reply(sb.toString());
    }

    private static Reply unknown(final String rest) {
        return new Reply(UNKNOWN + rest + "\n");
    }

    /** What C's strtol/strtoul read: a signed decimal integer of any size; null when no digit was found. */
    private record CNumber(BigInteger value) {
        private static final int MAX_DIGITS = 40;

        static CNumber of(final String s) {
            int i = 0;
            while (i < s.length() && isCSpace(s.charAt(i))) {
                i++;
            }
            boolean negative = false;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                negative = s.charAt(i) == '-';
                i++;
            }
            final int digits = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                return null;
            }
            int first = digits;
            while (first < i - 1 && s.charAt(first) == '0') {
                first++;
            }
            // bounded work: a value of more than 40 digits is beyond 2^64, which is all that matters about it
            final BigInteger v = i - first > MAX_DIGITS ? BigInteger.TEN.pow(MAX_DIGITS)
                : new BigInteger(s.substring(first, i));
            return new CNumber(negative ? v.negate() : v);
        }

        private static boolean isCSpace(final char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
        }
    }
}
