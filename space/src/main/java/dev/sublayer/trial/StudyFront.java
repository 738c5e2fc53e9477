package dev.sublayer.trial;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A study's Pareto front as the search ranks it: for every architecture the search trained, its highest completed
 * rung's single-seed objective values, sorted non-dominated with rung-stratified dominance (a higher rung
 * dominates a lower one), so the members all stand at the highest rung reached. Re-evaluation with other seeds
 * adds statistics ({@link SeedStatistics}) to members; it never changes who is on the front.
 *
 * <p>The search computes the front and stores it with every generation; the terminal table,
 * {@code front.json}, {@code study info} and the report show the stored front.
 *
 * @param objectives  the minimised objectives, in the order of every member's values
 * @param rung        the rung the members were measured at; -1 when the front is empty
 * @param hypervolume the normalised hypervolume of the members' values (0 when empty)
 * @param members     best first by the first objective, ties by canonical architecture
 */
public record StudyFront(List<ObjectiveKind> objectives, int rung, double hypervolume, List<Member> members) {

    public StudyFront {
        objectives = List.copyOf(objectives);
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("a front needs at least one objective");
        }
        members = List.copyOf(members);
        for (Member m : members) {
            if (m.values.length != objectives.size()) {
                throw new IllegalArgumentException("front member " + m.architecture() + " has " + m.values.length
                        + " values for " + objectives.size() + " objectives");
            }
        }
        if (members.isEmpty() != (rung == -1)) {
            throw new IllegalArgumentException("a front's rung is -1 exactly when it is empty, got rung " + rung
                    + " with " + members.size() + " members");
        }
    }

    /** The empty front of a study minimising {@code objectives}. */
    public static StudyFront empty(List<ObjectiveKind> objectives) {
        return new StudyFront(objectives, -1, 0, List.of());
    }

    /** Whether no candidate has completed yet. */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** The member with the canonical architecture {@code architecture}, if it is on the front. */
    public Optional<Member> member(String architecture) {
        return members.stream().filter(m -> m.architecture().equals(architecture)).findFirst();
    }

    /**
     * One member of the front: the search's trial that measured it.
     *
     * @param key          the trial's key
     * @param architecture the architecture in canonical notation
     * @param rung         the rung the trial trained at
     * @param generation   the generation that asked for the trial
     * @param origin       what proposed it
     * @param values       its objective values, in the front's objective order
     */
    public record Member(String key, String architecture, int rung, int generation, Origin origin, double[] values) {

        public Member {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(origin, "origin");
            values = values.clone();
        }

        /** The objective values (a copy). */
        @Override
        public double[] values() {
            return values.clone();
        }

        /** Objective value {@code i}. */
        public double value(int i) {
            return values[i];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Member m && m.key.equals(key) && m.architecture.equals(architecture) && m.rung == rung
                    && m.generation == generation && m.origin.equals(origin) && Arrays.equals(m.values, values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, architecture, rung, generation, origin, Arrays.hashCode(values));
        }

        @Override
        public String toString() {
            return "Member[" + architecture + " rung " + rung + " " + Arrays.toString(values) + " by " + origin.text()
                    + ", key " + key + "]";
        }
    }
}
