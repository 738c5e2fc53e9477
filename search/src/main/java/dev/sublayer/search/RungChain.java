package dev.sublayer.search;

import dev.sublayer.trial.Origin;
import dev.sublayer.space.Architecture;
import dev.sublayer.trial.TrialResult;

/**
 * One architecture's climb up the rungs within a batch: the trial key and the result at each rung it reached
 * ({@code null} above the rungs it reached).
 */
final class RungChain {
    final Architecture architecture;
    final Origin origin;
    final TrialResult[] results;
    final String[] keys;

    RungChain(Architecture architecture, Origin origin, int rungs) {
        this.architecture = architecture;
        this.origin = origin;
        this.results = new TrialResult[rungs];
        this.keys = new String[rungs];
    }
}
