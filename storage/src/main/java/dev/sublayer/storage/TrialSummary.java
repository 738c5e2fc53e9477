package dev.sublayer.storage;

import dev.sublayer.trial.TrialStatus;

/**
 * The few fields of a trial the queries select on, kept in the {@code trial_summaries} map beside the full
 * trial so that opening a study reads a few dozen bytes per trial instead of every learning curve. Stored as
 * {@code status TAB generation TAB rung TAB key} (the key last, so it may contain anything).
 */
record TrialSummary(long seq, String key, TrialStatus status, int generation, int rung) {

    static TrialSummary of(long seq, TrialRecord t) {
        return new TrialSummary(seq, t.key(), t.status(), t.generation(), t.rung());
    }

    String encode() {
        return status.configName() + '\t' + generation + '\t' + rung + '\t' + key;
    }

    /** Decodes a stored summary; throws {@link IllegalArgumentException} naming what is wrong. */
    static TrialSummary decode(long seq, String s) {
        int a = s.indexOf('\t');
        int b = a < 0 ? -1 : s.indexOf('\t', a + 1);
        int c = b < 0 ? -1 : s.indexOf('\t', b + 1);
        if (c < 0) {
            throw new IllegalArgumentException("trial summary #" + seq + " is malformed: '" + s + "'");
        }
        try {
            return new TrialSummary(seq, s.substring(c + 1), TrialStatus.fromConfigName(s.substring(0, a)),
                    Integer.parseInt(s.substring(a + 1, b)), Integer.parseInt(s.substring(b + 1, c)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trial summary #" + seq + " is malformed: '" + s + "'", e);
        }
    }
}
