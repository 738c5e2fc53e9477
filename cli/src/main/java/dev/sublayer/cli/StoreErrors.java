package dev.sublayer.cli;

import dev.sublayer.storage.StoreException;

/** How the store's errors reach the user. */
final class StoreErrors {

    private StoreErrors() {
    }

    /**
     * A store error of a study command as bad input (exit 2, the store's one-line message): a wrong or damaged
     * path, a study in use, a malformed export.
     */
    static IllegalArgumentException badInput(StoreException e) {
        return new IllegalArgumentException(e.getMessage(), e);
    }
}
