package dev.sublayer.search;

import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one failure every trial of a study ended with, when none completed and all ended alike: the same status and
 * the same failure text but for its numbers (so "estimated memory 3.1 GiB exceeds ..." and "estimated memory
 * 5.2 GiB exceeds ..." are one failure). Such a cause lies outside the candidates (a corpus that vanished, a heap
 * or a machine too small for any model in the space, a learning rate every model diverges with), and more trials
 * would only repeat it: the search stops on it after a generation instead of spending its budget.
 *
 * @param status  the status every trial ended with
 * @param failure the failure text of the first trial (in key order)
 * @param trials  how many trials ended so
 */
record CommonFailure(TrialStatus status, String failure, int trials) {

    /** The fewest finished trials that count as a pattern rather than one unlucky candidate. */
    static final int MIN_TRIALS = 2;

    private static final Pattern NUMBER = Pattern.compile("[0-9]+(?:[.,][0-9]+)*(?:[eE][-+]?[0-9]+)?");

    /**
     * The failure all of {@code finished} share, when there are at least {@value #MIN_TRIALS}, none completed and
     * all ended alike; empty otherwise.
     */
    static Optional<CommonFailure> of(Collection<TrialRecord> finished) {
        if (finished.size() < MIN_TRIALS) {
            return Optional.empty();
        }
        Iterator<TrialRecord> it = finished.iterator();
        TrialRecord first = it.next();
        if (first.status() == TrialStatus.COMPLETED) {
            return Optional.empty();
        }
        while (it.hasNext()) {
            TrialRecord t = it.next();
            if (t.status() != first.status() || !shape(t).equals(shape(first))) {
                return Optional.empty();
            }
        }
        return Optional.of(new CommonFailure(first.status(), first.result().failure(), finished.size()));
    }

    /** The failure text of {@code t} with every number replaced by {@code #}. */
    private static String shape(TrialRecord t) {
        return NUMBER.matcher(t.result().failure()).replaceAll("#");
    }

    /** What the study says when it stops on this failure. */
    String describe() {
        String how = switch (status) {
            case REJECTED -> "were rejected for the same reason";
            case OUT_OF_MEMORY -> "ran out of memory the same way";
            case DIVERGED -> "diverged the same way";
            default -> "failed with the same error";
        };
        return "all " + trials + " trials " + how + ", so more would too: " + failure;
    }
}
