package dev.sublayer.trial;

import java.util.Collection;
import java.util.Locale;

/**
 * How busy a study kept its worker slots (devices, or CPU workers): the time slots spent running trials against
 * the time they were available. A generation smaller than the number of slots, a small upper rung, or the
 * search's own work between rungs leave slots idle and lower it.
 *
 * @param busySeconds      slot-seconds spent running trials: the sum over trials of start-to-end time
 * @param availableSeconds slot-seconds available: slots x elapsed time, summed over the measured spans
 * @param slots            the most slots of any measured span
 */
public record WorkerUtilisation(double busySeconds, double availableSeconds, int slots) {

    /** Nothing measured. */
    public static final WorkerUtilisation NONE = new WorkerUtilisation(0, 0, 0);

    public WorkerUtilisation {
        if (!(busySeconds >= 0) || !(availableSeconds >= 0) || slots < 0) {
            throw new IllegalArgumentException("utilisation needs busy >= 0 s, available >= 0 s and slots >= 0, got "
                    + busySeconds + ", " + availableSeconds + " and " + slots);
        }
    }

    /** Busy / available, in [0, 1] (busy time may overshoot by clock granularity); {@code NaN} when nothing was available. */
    public double fraction() {
        return availableSeconds > 0 ? Math.min(1, busySeconds / availableSeconds) : Double.NaN;
    }

    /** Both spans together. */
    public WorkerUtilisation plus(WorkerUtilisation other) {
        return new WorkerUtilisation(busySeconds + other.busySeconds, availableSeconds + other.availableSeconds,
                Math.max(slots, other.slots));
    }

    /** The sum of {@code parts}. */
    public static WorkerUtilisation sum(Collection<WorkerUtilisation> parts) {
        WorkerUtilisation total = NONE;
        for (WorkerUtilisation u : parts) {
            total = total.plus(u);
        }
        return total;
    }

    /** E.g. {@code 87% (busy 1,234 of 1,418 slot-seconds, 4 slots)}; {@code not measured} when nothing was. */
    public String describe() {
        if (availableSeconds <= 0) {
            return "not measured";
        }
        return String.format(Locale.ROOT, "%.0f%% (busy %,.0f of %,.0f slot-seconds, %d slot%s)", 100 * fraction(),
                busySeconds, availableSeconds, slots, slots == 1 ? "" : "s");
    }
}
