package dev.sublayer.trial;

/**
 * What study-wide accounting reads of one stored trial. The store's trial record implements it; the budget
 * accounting ({@link BudgetUse}) is written against this view so that the search, the report and
 * {@code study info} count with one definition.
 */
public interface RecordedTrial {

    /** The architecture in canonical notation. */
    String architecture();

    /** The training seed. */
    long seed();

    /** The fidelity rung (0 = cheapest). */
    int rung();

    /** The generation that asked for it; -1 outside the generational loop (re-evaluations). */
    int generation();

    /** What proposed it. */
    Origin origin();

    /** The outcome so far ({@link TrialStatus#RUNNING} while training). */
    TrialResult result();

    /** The outcome's status. */
    default TrialStatus status() {
        return result().status();
    }
}
