package io.rtprelay.control.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (relays, clients, sockets, processes), closed in reverse order when the test ends: a test keeps
 * one in a field and closes it in its {@code @AfterEach}.
 */
public final class Closer {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * @param closeable something to close when the test ends.
     * @param <T>       its type.
     * @return the same object, for use in an expression.
     */
    public <T extends AutoCloseable> T track(final T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /**
     * Closes everything tracked, the last opened first, and forgets it.
     *
     * @throws Exception the first thing that failed to close.
     */
    public void closeAll() throws Exception {
        for (final AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        closeables.clear();
    }
}
