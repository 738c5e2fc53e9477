package dev.sublayer.space;

/** Malformed or invalid architecture notation; the message names the token, its position and what was expected. */
public final class NotationException extends IllegalArgumentException {
    public NotationException(String message) {
        super(message);
    }
}
