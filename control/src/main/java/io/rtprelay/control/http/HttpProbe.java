package io.rtprelay.control.http;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A tiny HTTP client for containers that have no curl: the image's {@code HEALTHCHECK} runs
 * {@code java -cp rtprelay.jar io.rtprelay.control.http.HttpProbe http://127.0.0.1:9101/healthz}, and the Kubernetes
 * preStop hook runs it with {@code --post .../drain}. It exits 0 on a 2xx answer and 1 otherwise (2 on bad
 * arguments), and says why only when it fails, so a healthy probe starts no logging at all.
 *
 * <p>Thread: the caller's (its own short-lived JVM).
 */
public final class HttpProbe {
    private static final int TIMEOUT_MS = 3_000;

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
        final boolean post = args.length == 2 && "--post".equals(args[0]);
        if (args.length != (post ? 2 : 1)) {
            LoggerFactory.getLogger(HttpProbe.class).error("usage: HttpProbe [--post] URL");
            return 2;
        }
        final String url = args[args.length - 1];
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
}
