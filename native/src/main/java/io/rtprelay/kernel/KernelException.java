package io.rtprelay.kernel;

/** The kernel path cannot be loaded, attached or programmed; {@link #errno()} is the kernel's reason, or 0. */
public final class KernelException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;

    KernelException(final String message, final int errno) {
        super(message);
        this.errno = errno;
    }

    /** @return the errno the kernel or libbpf gave, 0 when the failure is not one. */
    public int errno() {
        return errno;
    }
}
