package dev.sublayer.search.config;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.EngineNames;
import dev.sublayer.evaluator.ProcessMemory;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.search.strategy.FixedLayouts;
import dev.sublayer.search.strategy.Nsga2Strategy;
import dev.sublayer.search.strategy.RandomSearch;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ConfigNodes;
import dev.sublayer.space.ConfigText;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.space.SearchSpace;
import dev.sublayer.space.SearchSpaceReader;
import dev.sublayer.space.SpaceException;
import dev.sublayer.space.Sublayer;
import dev.sublayer.space.Template;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.ObjectiveKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Reads a study configuration from YAML (or JSON): first the text is parsed strictly ({@link ConfigText}: at most
 * 1 MiB, no key twice in one mapping, no aliases), then checked against {@link ConfigSchema} (shapes, every
 * number's range, every string's length, unknown keys with a "did you mean"), then read into a
 * {@link StudyConfig} with defaults filled in and cross-field rules checked. Every error names the path of
 * the offending value and the rule; nothing is used before the whole config passed.
 *
 * <p>{@link StudyConfigWriter} writes a config back as text; reading that text gives an equal config.
 */
public final class StudyConfigReader {

    /** The study seed when the config sets none. */
    public static final long DEFAULT_SEED = 1;
    /** The engine when the config names none. */
    public static final String DEFAULT_ENGINE = EngineNames.DEFAULT;
    /** The default reference (worst counted value) of the bits-per-byte objective: a uniform byte distribution. */
    public static final double DEFAULT_BITS_PER_BYTE_REFERENCE = 8.0;

    private StudyConfigReader() {
    }

    /**
     * Reads a config file.
     *
     * @throws ConfigException naming the path and rule of every problem (or that the file cannot be read)
     */
    public static StudyConfig readFile(Path file) {
        String text;
        try {
            text = readText(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.at("/", "no config file " + file);
        } catch (IOException e) {
            throw ConfigException.at("/", "cannot read config file " + file + ": " + e.getMessage());
        }
        return read(text);
    }

    /**
     * The text of a config file, refused by its size before it is read when above {@link ConfigText#MAX_BYTES}.
     *
     * @throws IOException         if the file cannot be read ({@link NoSuchFileException} if it does not exist)
     * @throws ConfigException     e.g. {@code /: the config is 52,428,800 bytes, above the maximum of 1,048,576 (1 MiB)}
     */
    public static String readText(Path file) throws IOException {
        try {
            ConfigText.requireSize(Files.size(file));
        } catch (SpaceException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
        return Files.readString(file);
    }

    /**
     * Reads config text.
     *
     * @throws ConfigException naming the path and rule of every problem
     */
    public static StudyConfig read(String text) {
        return fromNode(parse(text));
    }

    /**
     * Parses YAML or JSON text into a tree, strictly ({@link ConfigText}: at most 1 MiB, no key twice in one
     * mapping, no aliases), with a path-named error for malformed text.
     */
    public static JsonNode parse(String text) {
        JsonNode root;
        try {
            root = ConfigText.parse(text);
        } catch (SpaceException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw ConfigException.at("/", "the config is empty; it needs at least a name");
        }
        return root;
    }

    /**
     * Reads a parsed config.
     *
     * @throws ConfigException naming the path and rule of every problem
     */
    public static StudyConfig fromNode(JsonNode root) {
        List<String> problems = ConfigSchema.validate(root);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        try {
            return build(root);
        } catch (SpaceException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
    }

    private static StudyConfig build(JsonNode root) {
        String name = root.get("name").stringValue();
        String description = text(root, "description", "");
        long seed = longValue(root, "seed", DEFAULT_SEED);

        JsonNode spaceNode = root.get("search_space");
        SearchSpace space = spaceNode == null || spaceNode.isNull() ? SearchSpace.defaults()
                : SearchSpaceReader.fromNode(spaceNode, "/search_space");

        JsonNode d = section(root, "data");
        DataConfig dataDefaults = DataConfig.defaults();
        DataConfig data = new DataConfig(text(d, "corpus", dataDefaults.corpus()),
                (int) longValue(d, "batch_size", dataDefaults.batchSize()),
                (int) longValue(d, "validation_batches", dataDefaults.validationBatches()),
                longValue(d, "data_seed", seed));

        StudyConfig.Training training = readTraining(section(root, "training"));
        StudyConfig.Fidelity fidelity = readFidelity(section(root, "fidelity"));
        Constraints constraints = readConstraints(section(root, "constraints"));
        boolean tied = training.config().tiedHead();
        List<Objective> objectives = readObjectives(root.get("objectives"), space, tied);
        StudyConfig.Search search = readSearch(section(root, "search"), space);
        StudyConfig.StudyBudget budget = readBudget(section(root, "budget"));
        if (FixedLayouts.NAME.equals(search.strategy()) && fidelity.rungs().size() > 1 && fidelity.keepFraction() < 1) {
            throw ConfigException.at("/fidelity/keep_fraction", "the fixed strategy trains every layout on every "
                    + "rung: must be 1 with " + fidelity.rungs().size() + " rungs, got " + fidelity.keepFraction());
        }

        JsonNode r = section(root, "reevaluation");
        StudyConfig.Reevaluation reevaluation = new StudyConfig.Reevaluation((int) longValue(r, "seeds", 3),
                (int) longValue(r, "max_candidates", 8));

        StudyConfig.Workers workers = readWorkers(section(root, "workers"));
        JsonNode rep = section(root, "report");
        StudyConfig.Report report = new StudyConfig.Report(text(rep, "file", "report.html"),
                bool(rep, "every_generation", true));
        return new StudyConfig(name, description, seed, space, data, training, fidelity, objectives, constraints, search,
                budget, reevaluation, workers, report);
    }

    private static StudyConfig.Training readTraining(JsonNode t) {
        TrainingConfig d = TrainingConfig.defaults();
        double lr = number(t, "learning_rate", d.learningRate());
        double minLr = number(t, "min_learning_rate", Math.min(d.minLearningRate(), lr));
        if (minLr > lr) {
            throw ConfigException.at("/training/min_learning_rate", "must be <= learning_rate (" + lr + "), got "
                    + minLr);
        }
        long schedule = longValue(t, "schedule_steps", d.scheduleSteps());
        long warmup = longValue(t, "warmup_steps", Math.min(d.warmupSteps(), schedule - 1));
        if (warmup >= schedule) {
            throw ConfigException.at("/training/warmup_steps", "must be < schedule_steps (" + schedule + "), got "
                    + warmup);
        }
        TrainingConfig config = new TrainingConfig(lr, minLr, warmup, schedule,
                number(t, "beta1", d.beta1()),
                number(t, "beta2", d.beta2()),
                number(t, "epsilon", d.epsilon()),
                number(t, "weight_decay", d.weightDecay()),
                number(t, "grad_clip", d.gradClip()),
                bool(t, "tied_head", d.tiedHead()),
                number(t, "init_std", d.initStd()),
                (int) longValue(t, "log_every", d.logEvery()),
                (int) longValue(t, "valid_every", d.validEvery()),
                number(t, "divergence_factor", d.divergenceFactor()),
                number(t, "moe_aux_weight", d.moeAuxWeight()));
        String engine = text(t, "engine", DEFAULT_ENGINE);
        if (!EngineNames.all().contains(engine)) {
            String hint = ConfigNodes.closest(engine, EngineNames.all());
            throw ConfigException.at("/training/engine", "must be one of "
                    + String.join(", ", EngineNames.all()) + ", got '" + engine + "'"
                    + (hint != null ? " (did you mean '" + hint + "'?)" : ""));
        }
        return new StudyConfig.Training(engine, config);
    }

    private static StudyConfig.Fidelity readFidelity(JsonNode f) {
        List<Budget> rungs = new ArrayList<>();
        JsonNode rungNodes = f.get("rungs");
        if (rungNodes == null || rungNodes.isNull()) {
            rungs.add(Budget.steps(200));
        } else {
            for (int i = 0; i < rungNodes.size(); i++) {
                JsonNode b = rungNodes.get(i);
                rungs.add(new Budget(longValue(b, "max_steps", Long.MAX_VALUE),
                        longValue(b, "max_tokens", Long.MAX_VALUE),
                        number(b, "max_seconds", Double.POSITIVE_INFINITY),
                        number(b, "max_training_flops", Double.POSITIVE_INFINITY)));
                if (i > 0) {
                    checkRungOrder(rungNodes.get(i - 1), b, i);
                }
            }
        }
        Promotion promotion = Promotion.fromConfigName(text(f, "promotion", "halving"));
        return new StudyConfig.Fidelity(rungs, promotion, number(f, "keep_fraction", 1.0 / 3),
                bool(f, "keep_checkpoints", false));
    }

    /** A rung sets the same caps as the one before, none smaller and at least one larger. */
    private static void checkRungOrder(JsonNode previous, JsonNode rung, int i) {
        String path = "/fidelity/rungs/" + i;
        List<String> prevKeys = new ArrayList<>();
        previous.propertyNames().forEach(prevKeys::add);
        List<String> keys = new ArrayList<>();
        rung.propertyNames().forEach(keys::add);
        if (!new java.util.TreeSet<>(prevKeys).equals(new java.util.TreeSet<>(keys))) {
            throw ConfigException.at(path, "must set the same caps as rung " + (i - 1) + " " + prevKeys + ", got " + keys);
        }
        boolean larger = false;
        for (String k : keys) {
            double before = previous.get(k).asDouble();
            double now = rung.get(k).asDouble();
            if (now < before) {
                throw ConfigException.at(path + "/" + k, "must be >= rung " + (i - 1) + "'s " + number(previous.get(k))
                        + " (rungs only grow), got " + number(rung.get(k)));
            }
            larger |= now > before;
        }
        if (!larger) {
            throw ConfigException.at(path, "must raise at least one cap above rung " + (i - 1) + "'s");
        }
    }

    private static Constraints readConstraints(JsonNode c) {
        return new Constraints(longValue(c, "max_params", Long.MAX_VALUE),
                longValue(c, "max_flops_per_token", Long.MAX_VALUE),
                longValue(c, "max_memory_bytes", Long.MAX_VALUE));
    }

    private static List<Objective> readObjectives(JsonNode list, SearchSpace space, boolean tiedHead) {
        List<Objective> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            out.add(objective(ObjectiveKind.VALID_BITS_PER_BYTE, null, space, tiedHead, "/objectives/0"));
            out.add(objective(ObjectiveKind.NON_EMBEDDING_PARAMS, null, space, tiedHead, "/objectives/1"));
            return out;
        }
        List<ObjectiveKind> seen = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String path = "/objectives/" + i;
            ObjectiveKind kind = ObjectiveKind.fromConfigName(item.isString() ? item.stringValue()
                    : item.get("name").stringValue());
            if (seen.contains(kind)) {
                throw ConfigException.at(path, "objective " + kind.configName() + " is listed twice");
            }
            seen.add(kind);
            out.add(objective(kind, item.isObject() ? item : null, space, tiedHead, path));
        }
        return out;
    }

    private static Objective objective(ObjectiveKind kind, JsonNode node, SearchSpace space, boolean tiedHead,
                                       String path) {
        double ideal = node == null ? 0 : number(node, "ideal", 0);
        double reference;
        if (node != null && node.get("reference") != null && !node.get("reference").isNull()) {
            reference = node.get("reference").asDouble();
        } else {
            reference = switch (kind) {
                case VALID_BITS_PER_BYTE -> DEFAULT_BITS_PER_BYTE_REFERENCE;
                case NON_EMBEDDING_PARAMS -> largest(space, tiedHead, false);
                case FLOPS_PER_TOKEN -> largest(space, tiedHead, true);
                case WALL_SECONDS, PEAK_MEMORY_BYTES -> throw ConfigException.at(path + "/reference",
                        "is required for " + kind.configName() + " (the worst value that still counts, for the "
                                + "hypervolume)");
            };
        }
        if (!(reference > ideal)) {
            throw ConfigException.at(path + "/reference", "must be greater than ideal (" + ideal + "), got " + reference);
        }
        return new Objective(kind, reference, ideal);
    }

    /**
     * The largest non-embedding parameter count (or forward FLOPs per token) of any architecture in the space:
     * the default hypervolume reference of the size objectives, so every candidate counts.
     */
    static double largest(SearchSpace space, boolean tiedHead, boolean flops) {
        double best = 0;
        for (int dModel : space.dModels()) {
            double perSublayer = 0;
            for (Sublayer s : space.sublayerChoices()) {
                perSublayer = Math.max(perSublayer, flops ? CostModel.forwardFlopsPerToken(s, dModel, space.context())
                        : CostModel.params(s, dModel));
            }
            double total = space.maxDepth() * perSublayer
                    + (flops ? 2.0 * dModel * 256 : space.norms().contains(NormPlacement.PRE) ? 2.0 * dModel : 0);
            best = Math.max(best, total);
        }
        return best;
    }

    private static StudyConfig.Search readSearch(JsonNode s, SearchSpace space) {
        String strategy = text(s, "strategy", Nsga2Strategy.NAME);
        int population = (int) longValue(s, "population", 16);
        List<Template> templates = new ArrayList<>();
        JsonNode tNodes = s.get("templates");
        if (tNodes == null || tNodes.isNull()) {
            if (!RandomSearch.NAME.equals(strategy)) {
                templates.addAll(Template.standard());
            }
        } else {
            for (int i = 0; i < tNodes.size(); i++) {
                String path = "/search/templates/" + i;
                Template t;
                try {
                    t = Template.parse(tNodes.get(i).stringValue());
                } catch (IllegalArgumentException e) {
                    throw ConfigException.at(path, e.getMessage());
                }
                for (Sublayer.Kind k : t.kinds(Math.max(space.maxDepth(), 3))) {
                    if (!space.kinds().contains(k)) {
                        throw ConfigException.at(path, "template " + t.name() + " needs " + k.configName()
                                + " sublayers, which /search_space/kinds " + space.kinds() + " forbids");
                    }
                }
                templates.add(t);
            }
        }
        List<Integer> depths = new ArrayList<>();
        JsonNode dNodes = s.get("template_depths");
        if (dNodes == null || dNodes.isNull()) {
            depths.add(space.maxDepth());
        } else {
            for (int i = 0; i < dNodes.size(); i++) {
                int depth = dNodes.get(i).asInt();
                if (depth < space.minDepth() || depth > space.maxDepth()) {
                    throw ConfigException.at("/search/template_depths/" + i, "must be within the space's depth "
                            + space.minDepth() + ".." + space.maxDepth() + ", got " + depth);
                }
                depths.add(depth);
            }
        }
        JsonNode n = section(s, "nsga2");
        StudyConfig.Nsga2 nsga2 = new StudyConfig.Nsga2(number(n, "offspring_fraction", 0.5),
                number(n, "crossover_rate", 0.5), number(n, "mutation_rate", 0.05),
                (int) longValue(n, "tournament_size", 2));
        JsonNode a = section(s, "regularized_evolution");
        StudyConfig.Aging aging = new StudyConfig.Aging((int) longValue(a, "sample_size", Math.min(4, population)),
                (int) longValue(a, "children", Math.max(1, population / 2)), number(a, "mutation_rate", 0.05));
        if (aging.sampleSize() > population) {
            throw ConfigException.at("/search/regularized_evolution/sample_size", "must be <= population ("
                    + population + "), got " + aging.sampleSize());
        }
        if (nsga2.tournamentSize() > population) {
            throw ConfigException.at("/search/nsga2/tournament_size", "must be <= population (" + population
                    + "), got " + nsga2.tournamentSize());
        }
        int seeds = (int) longValue(s, "seeds", 3);
        List<StudyConfig.Layout> layouts = readLayouts(s.get("layouts"), space);
        if (FixedLayouts.NAME.equals(strategy) && layouts.isEmpty()) {
            throw ConfigException.at("/search/layouts", "the fixed strategy needs at least one layout, e.g. "
                    + "{label: interleaved, architecture: \"A4 F256 A4 F256\"}");
        }
        if (!FixedLayouts.NAME.equals(strategy) && !layouts.isEmpty()) {
            throw ConfigException.at("/search/layouts", "only the fixed strategy trains layouts; strategy is "
                    + strategy + " (use search.templates to seed a search)");
        }
        return new StudyConfig.Search(strategy, population, templates, depths, nsga2, aging, layouts, seeds);
    }

    /**
     * The fixed strategy's layouts: each {@code {label, architecture}} (notation; without a header it takes the
     * space's first d_model, norm placement and norm kind and its context) or {@code {label, template, depth}}.
     * Every layout must lie inside the search space (its genotype is stored like any other candidate's); labels
     * and architectures are unique.
     */
    private static List<StudyConfig.Layout> readLayouts(JsonNode nodes, SearchSpace space) {
        List<StudyConfig.Layout> out = new ArrayList<>();
        if (nodes == null || nodes.isNull()) {
            return out;
        }
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            String path = "/search/layouts/" + i;
            JsonNode n = nodes.get(i);
            String label = n.get("label").stringValue();
            Architecture a;
            if (n.has("architecture") == n.has("template")) {
                throw ConfigException.at(path, "give exactly one of architecture (notation) or template (a name "
                        + "with a depth)");
            }
            if (n.has("architecture")) {
                try {
                    a = Notation.parse(n.get("architecture").stringValue(), space.dModels().getFirst(),
                            space.context(), space.norms().getFirst(), space.normKinds().getFirst());
                } catch (IllegalArgumentException e) {
                    throw ConfigException.at(path + "/architecture", e.getMessage());
                }
            } else {
                if (!n.has("depth")) {
                    throw ConfigException.at(path + "/depth", "a template layout needs a depth");
                }
                try {
                    a = Template.parse(n.get("template").stringValue()).build(n.get("depth").asInt(), space);
                } catch (IllegalArgumentException e) {
                    throw ConfigException.at(path + "/template", e.getMessage());
                }
            }
            try {
                space.requireContains(a);
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(path, e.getMessage() + " (widen /search_space to include it)");
            }
            if (seen.containsKey(label)) {
                throw ConfigException.at(path + "/label", "duplicate label '" + label + "'");
            }
            for (StudyConfig.Layout l : out) {
                if (l.architecture().equals(a)) {
                    throw ConfigException.at(path, "same architecture as layout '" + l.label() + "': "
                            + a.notation());
                }
            }
            seen.put(label, a.notation());
            out.add(new StudyConfig.Layout(label, a));
        }
        return out;
    }

    private static StudyConfig.StudyBudget readBudget(JsonNode b) {
        boolean any = false;
        for (String k : List.of("max_trials", "max_generations", "max_wall_hours", "max_training_flops")) {
            any |= b.get(k) != null && !b.get(k).isNull();
        }
        long maxTrials = longValue(b, "max_trials", any ? Long.MAX_VALUE : 100);
        return new StudyConfig.StudyBudget(maxTrials, longValue(b, "max_generations", Long.MAX_VALUE),
                number(b, "max_wall_hours", Double.POSITIVE_INFINITY),
                number(b, "max_training_flops", Double.POSITIVE_INFINITY));
    }

    private static StudyConfig.Workers readWorkers(JsonNode w) {
        GpuSelection gpus = readGpus(w.get("gpus"));
        int perGpu = (int) longValue(w, "trials_per_gpu", 1);
        int defaultCount = switch (gpus) {
            case GpuSelection.None n -> 1;
            case GpuSelection.All a -> 0; // one per device slot, once nvidia-smi has listed the devices
            case GpuSelection.Indices(var indices) -> indices.size() * perGpu;
        };
        int count = (int) longValue(w, "count", defaultCount);
        if (gpus instanceof GpuSelection.Indices(var indices) && count > indices.size() * perGpu) {
            throw ConfigException.at("/workers/count", "must be <= the " + indices.size() + " GPU(s) of "
                    + "workers.gpus x trials_per_gpu " + perGpu + " = " + indices.size() * perGpu + ", got " + count
                    + " (leave count out: it defaults to that product)");
        }
        StudyConfig.WorkerMode mode = "in_process".equals(text(w, "mode", "process"))
                ? StudyConfig.WorkerMode.IN_PROCESS : StudyConfig.WorkerMode.PROCESS;
        if (mode == StudyConfig.WorkerMode.IN_PROCESS && !(gpus instanceof GpuSelection.None)) {
            throw ConfigException.at("/workers/gpus", "needs mode: process (each worker process sees only its own "
                    + "GPU), got " + gpus.configText() + " with mode: in_process");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = (int) longValue(w, "threads", Math.max(1, cores / Math.max(1, count)));
        StudyConfig.Backend backend = "spark".equals(text(w, "backend", "local")) ? StudyConfig.Backend.SPARK
                : StudyConfig.Backend.LOCAL;
        if (backend == StudyConfig.Backend.SPARK && mode == StudyConfig.WorkerMode.IN_PROCESS) {
            throw ConfigException.at("/workers/backend", "spark runs worker processes on the executors: needs mode: "
                    + "process, got mode: in_process");
        }
        JsonNode sp = section(w, "spark");
        java.util.Map<String, String> conf = new java.util.TreeMap<>();
        JsonNode c = sp.get("conf");
        if (c != null && !c.isNull()) {
            for (String k : c.propertyNames()) {
                JsonNode v = c.get(k);
                conf.put(k, v.isString() ? v.stringValue() : v.toString());
            }
        }
        String heap = text(w, "heap", "2g").toLowerCase(Locale.ROOT);
        if (!heapInRange(heap)) {
            throw ConfigException.at("/workers/heap", "must be between 64m and 4096g (a JVM heap as -Xmx takes it: "
                    + "digits with an optional k, m or g), got '" + heap + "'");
        }
        return new StudyConfig.Workers(count, threads, heap, mode,
                number(w, "trial_timeout_seconds", Double.NaN), number(w, "timeout_margin_seconds", 120), gpus,
                perGpu, backend, new StudyConfig.SparkSettings(text(sp, "master",
                StudyConfig.SparkSettings.DEFAULT.master()), conf, bool(sp, "shared_filesystem", true)));
    }

    private static GpuSelection readGpus(JsonNode n) {
        if (n == null || n.isNull() || (n.isString() && "none".equals(n.stringValue()))) {
            return GpuSelection.NONE;
        }
        if (n.isString()) {
            return GpuSelection.ALL;
        }
        List<Integer> indices = new ArrayList<>();
        for (JsonNode i : n.values()) {
            if (indices.contains(i.intValue())) {
                throw ConfigException.at("/workers/gpus", "lists device " + i.intValue() + " twice; each device "
                        + "index may appear once (trials_per_gpu packs several trials on one device)");
            }
            indices.add(i.intValue());
        }
        return GpuSelection.of(indices);
    }

    /** Whether {@code heap} is a heap size from 64 MiB (less cannot hold a worker's own classes) to 4 TiB. */
    private static boolean heapInRange(String heap) {
        try {
            long bytes = ProcessMemory.heapBytes(heap);
            return bytes >= 64L << 20 && bytes <= 4096L << 30;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ typed access (after schema validation)

    private static JsonNode section(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? JsonNodeFactory.instance.objectNode() : n;
    }

    private static String text(JsonNode parent, String key, String fallback) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? fallback : n.stringValue();
    }

    private static long longValue(JsonNode parent, String key, long fallback) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        // The schema admitted it as an integer; YAML writes 2e6 as a float with no fraction.
        return n.isIntegralNumber() ? n.longValue() : (long) n.doubleValue();
    }

    private static double number(JsonNode parent, String key, double fallback) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? fallback : n.doubleValue();
    }

    private static boolean bool(JsonNode parent, String key, boolean fallback) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? fallback : n.booleanValue();
    }

    private static String number(JsonNode n) {
        return n.isIntegralNumber() ? Long.toString(n.longValue()) : ConfigNodes.describe(n);
    }
}
