package io.rtprelay.control.ng;

import java.util.Map;

/**
 * Handles one ng command (offer, answer, delete, ...), registered with {@link NgCommandAdapter#register}.
 *
 * <p>Runs on the control thread only, one request at a time, so a handler needs no locking of its own state.
 * The returned dictionary is the whole reply and must contain {@code "result"} (usually {@code "ok"}), plus what
 * the command returns ({@code "sdp"}, {@code "warning"}, ...); values are the types {@link Bencode#encode} takes.
 * rtpengine puts {@code "result"} last in an ok reply; a {@code LinkedHashMap} keeps the order given.
 * A refusal is thrown as {@link NgException}; anything else thrown is a bug, answered with a generic error.
 */
@FunctionalInterface
public interface NgCommandHandler {
    /**
     * @param request the decoded request.
     * @return the reply dictionary, never null.
     * @throws NgException to refuse the command with rtpengine's reason.
     */
    Map<String, Object> handle(NgRequest request) throws NgException;
}
