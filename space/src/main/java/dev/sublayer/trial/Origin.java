package dev.sublayer.trial;

import java.util.Objects;
import java.util.Optional;

/**
 * What proposed a trial: a search strategy, a named template of the initial population, a labelled layout of
 * the {@code fixed} strategy, or the re-evaluation of the final front with another seed.
 *
 * <p>Stores, exports and {@code front.json} keep an origin as its {@linkplain #text() text}, under the key
 * {@code strategy}: the strategy's name (e.g. {@code nsga2}, {@code random}), {@code template:<name>},
 * {@code layout:<label>} or {@code reeval}. {@link #parse} reads every text back to an origin whose text is
 * that same string, so any stored value survives a read and a write unchanged.
 */
public sealed interface Origin permits Origin.Proposal, Origin.Template, Origin.Layout, Origin.Reevaluation {

    /** The text of {@link Reevaluation}. */
    String REEVALUATION_TEXT = "reeval";

    /** The prefix of {@link Template}'s text. */
    String TEMPLATE_PREFIX = "template:";

    /** The prefix of {@link Layout}'s text. */
    String LAYOUT_PREFIX = "layout:";

    /** A candidate proposed by the strategy (or proposal step) named {@code name}, e.g. {@code nsga2}. */
    static Origin proposal(String name) {
        return new Proposal(name);
    }

    /** A candidate of the initial population built from the named template, e.g. {@code sandwich_2}. */
    static Origin template(String name) {
        return new Template(name);
    }

    /** A layout the {@code fixed} strategy trains, under its label. */
    static Origin layout(String label) {
        return new Layout(label);
    }

    /** A re-evaluation of a front member with another seed. */
    static Origin reevaluation() {
        return Reevaluation.INSTANCE;
    }

    /**
     * The origin whose {@link #text()} is {@code text}: {@code reeval}, {@code template:<name>},
     * {@code layout:<label>}, and any other text (the empty text of a record that named none included) as a
     * {@link Proposal}.
     */
    static Origin parse(String text) {
        Objects.requireNonNull(text, "origin text");
        if (text.equals(REEVALUATION_TEXT)) {
            return Reevaluation.INSTANCE;
        }
        if (text.startsWith(TEMPLATE_PREFIX)) {
            return new Template(text.substring(TEMPLATE_PREFIX.length()));
        }
        if (text.startsWith(LAYOUT_PREFIX)) {
            return new Layout(text.substring(LAYOUT_PREFIX.length()));
        }
        return new Proposal(text);
    }

    /** The stored text, e.g. {@code nsga2}, {@code template:sandwich_2}, {@code layout:deep}, {@code reeval}. */
    String text();

    /** Words for a table: {@code nsga2}, {@code template sandwich_2}, {@code layout deep}, {@code re-evaluation}. */
    String describe();

    /**
     * Who proposed it, without a template's or layout's name: the strategy's name, {@code template},
     * {@code layout} or {@code reeval}; {@code ?} for an empty proposal. Trials are counted by this.
     */
    String proposer();

    /** Whether this is a re-evaluation: such trials neither count toward {@code max_trials} nor rank. */
    default boolean isReevaluation() {
        return this instanceof Reevaluation;
    }

    /** The name of the template or layout this origin names, if it names one. */
    default Optional<String> layoutName() {
        return switch (this) {
            case Template t -> Optional.of(t.name());
            case Layout l -> Optional.of(l.label());
            default -> Optional.empty();
        };
    }

    /**
     * Proposed by a strategy or proposal step.
     *
     * @param name the proposer's name, e.g. {@code nsga2}; empty when a stored record named none
     */
    record Proposal(String name) implements Origin {
        public Proposal {
            Objects.requireNonNull(name, "name");
            if (name.equals(REEVALUATION_TEXT) || name.startsWith(TEMPLATE_PREFIX) || name.startsWith(LAYOUT_PREFIX)) {
                throw new IllegalArgumentException("proposer name '" + name + "' would read back as another origin; "
                        + "use Origin.parse for stored text");
            }
        }

        @Override
        public String text() {
            return name;
        }

        @Override
        public String describe() {
            return proposer();
        }

        @Override
        public String proposer() {
            return name.isEmpty() ? "?" : name;
        }
    }

    /**
     * Built from a named template of the initial population.
     *
     * @param name the template's name with its depth variant, e.g. {@code sandwich_2}
     */
    record Template(String name) implements Origin {
        public Template {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String text() {
            return TEMPLATE_PREFIX + name;
        }

        @Override
        public String describe() {
            return "template " + name;
        }

        @Override
        public String proposer() {
            return "template";
        }
    }

    /**
     * A labelled layout of the {@code fixed} strategy (its replicate seeds carry the same origin).
     *
     * @param label the layout's label, e.g. {@code stacked_2}
     */
    record Layout(String label) implements Origin {
        public Layout {
            Objects.requireNonNull(label, "label");
        }

        @Override
        public String text() {
            return LAYOUT_PREFIX + label;
        }

        @Override
        public String describe() {
            return "layout " + label;
        }

        @Override
        public String proposer() {
            return "layout";
        }
    }

    /** The re-evaluation of a front member with another seed. */
    enum Reevaluation implements Origin {
        /** The one re-evaluation origin. */
        INSTANCE;

        @Override
        public String text() {
            return REEVALUATION_TEXT;
        }

        @Override
        public String describe() {
            return REEVALUATION_TEXT;
        }

        @Override
        public String proposer() {
            return REEVALUATION_TEXT;
        }
    }
}
