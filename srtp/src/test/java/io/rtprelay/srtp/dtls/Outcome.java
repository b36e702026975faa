package io.rtprelay.srtp.dtls;

import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A test's {@link DtlsSrtpSession.Listener}: what the session reported, once, and on which thread. */
final class Outcome implements DtlsSrtpSession.Listener {
    /** What onConnected gave. */
    record Keys(SrtpProfile profile, SrtpPolicy localEgress, SrtpPolicy remoteIngress, String thread) {
    }

    final CompletableFuture<Keys> connected = new CompletableFuture<>();
    final CompletableFuture<String> failed = new CompletableFuture<>();
    volatile int calls;

    @Override
    public void onConnected(final SrtpProfile profile, final SrtpPolicy localEgress, final SrtpPolicy remoteIngress) {
        calls++;
        connected.complete(new Keys(profile, localEgress, remoteIngress, Thread.currentThread().getName()));
        failed.complete(null);
    }

    @Override
    public void onFailed(final String reason) {
        calls++;
        failed.complete(reason);
        connected.complete(null);
    }

    Keys awaitConnected(final int seconds) throws Exception {
        final Keys keys = connected.get(seconds, TimeUnit.SECONDS);
        if (keys == null) {
            throw new AssertionError("handshake failed: " + failed.getNow("?"));
        }
        return keys;
    }

    String awaitFailed(final int seconds) throws Exception {
        final String reason = failed.get(seconds, TimeUnit.SECONDS);
        if (reason == null) {
            throw new AssertionError("handshake completed, expected a failure");
        }
        return reason;
    }
}
