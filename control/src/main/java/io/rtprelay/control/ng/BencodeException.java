package io.rtprelay.control.ng;

/**
 * Thrown when bytes are not one well-formed bencode value; the message says what was wrong and where.
 */
public final class BencodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, with the byte offset.
     */
    public BencodeException(final String message) {
        super(message, null, false, false);
    }
}
