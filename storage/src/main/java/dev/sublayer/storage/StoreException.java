package dev.sublayer.storage;

/**
 * A study store could not be created, opened, read or written: the directory or file is missing, is not a
 * study store, is corrupt or truncated, was written by a newer schema, or the location is not writable.
 * The message is one line that names the path and what is wrong; nothing was overwritten.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public StoreException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
