package io.rtprelay.control.http;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny HTTP client for containers that have no curl: the image's {@code HEALTHCHECK} runs
 * {@code java -cp rtprelay.jar io.rtprelay.control.http.HttpProbe http://127.0.0.1:9101/healthz}, and the Kubernetes
 * preStop hook runs it with {@code --post http://${POD_IP}:9101/drain}. {@code ${NAME}} in the URL is replaced by
 * that environment variable (Kubernetes expands {@code $(NAME)} in a container's args, not in its hooks, and the
 * image has no shell). It exits 0 on a 2xx answer and 1 otherwise (2 on bad arguments or an unset variable), and
 * says why only when it fails, so a healthy probe starts no logging at all.
 *
 * <p>Thread: the caller's (its own short-lived JVM).
 */
public final class HttpProbe {
    private static final int TIMEOUT_MS = 3_000;
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private HttpProbe() {
    }

    /**
     * @param args {@code [--post] URL}.
     */
    public static void main(final String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs one probe.
     *
     * @param args {@code [--post] URL}.
     * @return the exit status: 0 for a 2xx answer, 1 for any other answer or none, 2 for bad arguments.
     */
    public static int run(final String... args) {
        return run(System.getenv(), args);
    }

    /**
     * Runs one probe with the given environment.
     *
     * @param env  where {@code ${NAME}} in the URL is looked up.
     * @param args {@code [--post] URL}.
     * @return the exit status: 0 for a 2xx answer, 1 for any other answer or none, 2 for bad arguments.
     */
    public static int run(final Map<String, String> env, final String... args) {
        final boolean post = args.length == 2 && "--post".equals(args[0]);
        if (args.length != (post ? 2 : 1)) {
            LoggerFactory.getLogger(HttpProbe.class).error("usage: HttpProbe [--post] URL");
            return 2;
        }
        final String url = expand(args[args.length - 1], env);
        if (url == null) {
            LoggerFactory.getLogger(HttpProbe.class).error("{}: an environment variable is not set",
                args[args.length - 1]);
            return 2;
        }
        try {
            final HttpURLConnection connection = (HttpURLConnection)new URI(url).toURL().openConnection();
            connection.setConnectTimeout(TIMEOUT_MS);
            connection.setReadTimeout(TIMEOUT_MS);
            connection.setRequestMethod(post ? "POST" : "GET");
            if (post) {
                connection.setDoOutput(true);
                connection.getOutputStream().close();
            }
            final int status = connection.getResponseCode();
            try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            if (status / 100 == 2) {
                return 0;
            }
            LoggerFactory.getLogger(HttpProbe.class).error("{} {}: HTTP {}", post ? "POST" : "GET", url, status);
            return 1;
        } catch (final IOException | URISyntaxException | IllegalArgumentException e) {
            LoggerFactory.getLogger(HttpProbe.class).error("{} {}: {}", post ? "POST" : "GET", url, e.toString());
            return 1;
        }
    }

    /** @return the text with every {@code ${NAME}} replaced from env, or null when one is not set. */
    static String expand(final String text, final Map<String, String> env) {
        final Matcher m = VARIABLE.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final String value = env.get(m.group(1));
            if (value == null) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
