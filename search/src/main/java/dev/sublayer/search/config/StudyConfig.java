package dev.sublayer.search.config;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.search.strategy.FixedLayouts;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.SearchSpace;
import dev.sublayer.space.Template;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.Origin;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated study configuration with every default filled in. Read one with {@link StudyConfigReader};
 * {@code studies/reference.yaml} documents every key. Immutable.
 *
 * @param name        the study name (also the default study directory {@code runs/<name>})
 * @param description free text for the report
 * @param seed        the study seed every random choice derives from
 * @param space       what is searched
 * @param data        the corpus and batching, identical for every trial
 * @param training    the engine and the optimiser settings, identical for every trial
 * @param fidelity    the rungs and how candidates climb them
 * @param objectives  what is minimised, in order (the first one orders the front table)
 * @param constraints hard limits checked before training
 * @param search      the strategy and its settings
 * @param budget      when the study stops
 * @param reevaluation how the final front is re-trained with extra seeds
 * @param workers     how trials are executed
 * @param report      report settings
 */
public record StudyConfig(
        String name,
        String description,
        long seed,
        SearchSpace space,
        DataConfig data,
        Training training,
        Fidelity fidelity,
        List<Objective> objectives,
        Constraints constraints,
        Search search,
        StudyBudget budget,
        Reevaluation reevaluation,
        Workers workers,
        Report report) {

    public StudyConfig {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(fidelity, "fidelity");
        objectives = List.copyOf(objectives);
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("a study needs at least one objective");
        }
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(search, "search");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(reevaluation, "reevaluation");
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(report, "report");
    }

    /** The model shape every candidate is costed with: byte-level vocabulary, head tying from the training section. */
    public ModelShape shape() {
        return new ModelShape(256, training.config().tiedHead());
    }

    /** This configuration with other workers (workers never change results' identity). */
    public StudyConfig withWorkers(Workers newWorkers) {
        return new StudyConfig(name, description, seed, space, data, training, fidelity, objectives, constraints, search,
                budget, reevaluation, newWorkers, report);
    }

    /** This configuration with other data settings (e.g. the corpus path resolved). */
    public StudyConfig withData(DataConfig newData) {
        return new StudyConfig(name, description, seed, space, newData, training, fidelity, objectives, constraints,
                search, budget, reevaluation, workers, report);
    }

    /** This configuration with another budget. */
    public StudyConfig withBudget(StudyBudget newBudget) {
        return new StudyConfig(name, description, seed, space, data, training, fidelity, objectives, constraints, search,
                newBudget, reevaluation, workers, report);
    }

    /**
     * The training engine and its optimiser settings.
     *
     * @param engine the engine name, one of {@link dev.sublayer.evaluator.EngineNames#all()} (e.g. {@code dl4j})
     * @param config the optimiser, schedule and head settings
     */
    public record Training(String engine, TrainingConfig config) {
        public Training {
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(config, "config");
        }
    }

    /**
     * The fidelity schedule.
     *
     * @param rungs           budget caps per rung, cheapest first; each rung's caps exceed the previous rung's
     * @param promotion       how candidates climb the rungs
     * @param keepFraction    the fraction that continues to the next rung, in (0, 1]
     * @param keepCheckpoints keep every checkpoint (otherwise those no rung can continue from are deleted)
     */
    public record Fidelity(List<Budget> rungs, Promotion promotion, double keepFraction, boolean keepCheckpoints) {
        public Fidelity {
            rungs = List.copyOf(rungs);
            if (rungs.isEmpty()) {
                throw new IllegalArgumentException("fidelity needs at least one rung");
            }
            Objects.requireNonNull(promotion, "promotion");
            if (!(keepFraction > 0 && keepFraction <= 1)) {
                throw new IllegalArgumentException("keep_fraction must be in (0, 1], got " + keepFraction);
            }
        }

        /** The index of the last (most expensive) rung. */
        public int topRung() {
            return rungs.size() - 1;
        }

        /** The budget of rung {@code r}. */
        public Budget rung(int r) {
            return rungs.get(r);
        }
    }

    /**
     * The strategy and its settings.
     *
     * @param strategy       the name of the strategy that proposes candidates, one registered in
     *                       {@link dev.sublayer.search.strategy.StrategyRegistry}
     * @param population     population size (nsga2, regularized evolution) or candidates per generation (random)
     * @param templates      named templates seeded into the first population
     * @param templateDepths the depths each template is built at
     * @param nsga2          NSGA-II settings
     * @param aging          regularized-evolution settings
     * @param layouts        the labelled layouts the {@code fixed} strategy trains (empty for the other strategies)
     * @param seeds          seeds per layout for the {@code fixed} strategy (replicate 0 plus {@code seeds - 1}
     *                       replicates), >= 1
     */
    public record Search(String strategy, int population, List<Template> templates, List<Integer> templateDepths,
                         Nsga2 nsga2, Aging aging, List<Layout> layouts, int seeds) {
        public Search {
            Objects.requireNonNull(strategy, "strategy");
            if (population < 2) {
                throw new IllegalArgumentException("population must be >= 2, got " + population);
            }
            templates = List.copyOf(templates);
            templateDepths = List.copyOf(templateDepths);
            Objects.requireNonNull(nsga2, "nsga2");
            Objects.requireNonNull(aging, "aging");
            layouts = List.copyOf(layouts);
            if (seeds < 1) {
                throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
            }
            if (FixedLayouts.NAME.equals(strategy) && layouts.isEmpty()) {
                throw new IllegalArgumentException("the fixed strategy needs at least one layout");
            }
        }

        /** Settings without fixed layouts (one seed), for the searching strategies. */
        public Search(String strategy, int population, List<Template> templates, List<Integer> templateDepths,
                      Nsga2 nsga2, Aging aging) {
            this(strategy, population, templates, templateDepths, nsga2, aging, List.of(), 1);
        }
    }

    /**
     * One layout the {@code fixed} strategy trains.
     *
     * @param label        the name the report shows (its trials' origin is {@code layout:<label>})
     * @param architecture the layout, inside the study's search space
     */
    public record Layout(String label, dev.sublayer.space.Architecture architecture) {
        public Layout {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(architecture, "architecture");
        }

        /** The origin of this layout's trials. */
        public Origin origin() {
            return Origin.layout(label);
        }
    }

    /**
     * NSGA-II settings.
     *
     * @param offspringFraction the share of each generation that is new offspring, in (0, 1)
     * @param crossoverRate     probability that a pair of parents is recombined (uniform crossover)
     * @param mutationRate      probability that a gene is redrawn
     * @param tournamentSize    parents are the best of this many random members (rung-stratified dominance)
     */
    public record Nsga2(double offspringFraction, double crossoverRate, double mutationRate, int tournamentSize) {
        /** Offspring per generation for a population of {@code population}: at least 1, at most population - 1. */
        public int offspring(int population) {
            return Math.max(1, Math.min(population - 1, (int) Math.round(population * offspringFraction)));
        }
    }

    /**
     * Regularized (aging) evolution settings.
     *
     * @param sampleSize   members sampled for each parent choice
     * @param children     children per generation (the oldest as many leave the population)
     * @param mutationRate probability that a gene is redrawn (a child always differs from its parent)
     */
    public record Aging(int sampleSize, int children, double mutationRate) {
    }

    /**
     * When the study stops; totals over the study's whole life, resumes included. An unset limit is
     * {@link Long#MAX_VALUE} or infinity.
     *
     * @param maxTrials        candidates trained at the first rung (promotions and re-evaluations not counted)
     * @param maxGenerations   generations, the initial population being generation 0
     * @param maxWallHours     hours of search wall time
     * @param maxTrainingFlops training FLOPs spent
     */
    public record StudyBudget(long maxTrials, long maxGenerations, double maxWallHours, double maxTrainingFlops) {
        public StudyBudget {
            if (maxTrials == Long.MAX_VALUE && maxGenerations == Long.MAX_VALUE
                    && maxWallHours == Double.POSITIVE_INFINITY && maxTrainingFlops == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("a study budget needs at least one limit");
            }
        }
    }

    /**
     * Re-evaluation of the final front.
     *
     * @param seeds         extra seeds each re-evaluated candidate is trained with (0 = none)
     * @param maxCandidates at most this many front members, best first by the first objective
     */
    public record Reevaluation(int seeds, int maxCandidates) {
    }

    /**
     * How trials run.
     *
     * @param count               parallel workers; 0 only with {@code gpus: all} and no {@code count} in the
     *                            config: one per device slot found (GPUs x {@code trialsPerGpu})
     * @param threads             threads per worker ({@code OMP_NUM_THREADS})
     * @param heap                each worker JVM's maximum heap, e.g. {@code 2g}
     * @param mode                child processes or threads of this process
     * @param trialTimeoutSeconds a trial running longer than this is killed and failed; {@code NaN} = the rung's
     *                            {@code max_seconds} (or one hour when unset) plus the margin
     * @param marginSeconds       added to a rung's {@code max_seconds} for building, evaluation and start-up
     * @param gpus                the GPUs the workers train on, one device per worker process
     * @param trialsPerGpu        worker processes (trials at once) per GPU, >= 1
     * @param backend             where the worker processes run: this machine, or the executors of a Spark cluster
     * @param spark               the Spark settings, used with {@link Backend#SPARK}
     */
    public record Workers(int count, int threads, String heap, WorkerMode mode, double trialTimeoutSeconds,
                          double marginSeconds, GpuSelection gpus, int trialsPerGpu, Backend backend,
                          SparkSettings spark) {
        public Workers {
            Objects.requireNonNull(gpus, "gpus");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(spark, "spark");
            boolean perDevice = count == 0 && gpus instanceof GpuSelection.All;
            if ((count < 1 && !perDevice) || threads < 1) {
                throw new IllegalArgumentException("workers and threads must be >= 1, got " + count + " and " + threads);
            }
            if (trialsPerGpu < 1) {
                throw new IllegalArgumentException("trials_per_gpu must be >= 1, got " + trialsPerGpu);
            }
            if (gpus instanceof GpuSelection.Indices(var indices) && count > indices.size() * trialsPerGpu) {
                throw new IllegalArgumentException("workers.count " + count + " exceeds the " + indices.size()
                        + " GPU(s) x " + trialsPerGpu + " trials_per_gpu = " + indices.size() * trialsPerGpu
                        + " device slots");
            }
            Objects.requireNonNull(heap, "heap");
            Objects.requireNonNull(mode, "mode");
        }

        /** Workers on the CPU only ({@code gpus: none}). */
        public Workers(int count, int threads, String heap, WorkerMode mode, double trialTimeoutSeconds,
                       double marginSeconds) {
            this(count, threads, heap, mode, trialTimeoutSeconds, marginSeconds, GpuSelection.NONE, 1);
        }

        /** Workers on this machine. */
        public Workers(int count, int threads, String heap, WorkerMode mode, double trialTimeoutSeconds,
                       double marginSeconds, GpuSelection gpus, int trialsPerGpu) {
            this(count, threads, heap, mode, trialTimeoutSeconds, marginSeconds, gpus, trialsPerGpu, Backend.LOCAL,
                    SparkSettings.DEFAULT);
        }

        /** These workers on the Spark cluster at {@code master} (other Spark settings kept). */
        public Workers onSpark(String master) {
            return new Workers(count, threads, heap, mode, trialTimeoutSeconds, marginSeconds, gpus, trialsPerGpu,
                    Backend.SPARK, new SparkSettings(master, spark.conf(), spark.sharedFilesystem()));
        }

        /** Whether {@code count} is left to the number of device slots found ({@code gpus: all}). */
        public boolean countPerDevice() {
            return count == 0;
        }

        /** The wall-clock limit of one trial of {@code budget}, in seconds. */
        public double timeoutSeconds(Budget budget) {
            if (!Double.isNaN(trialTimeoutSeconds)) {
                return trialTimeoutSeconds;
            }
            double cap = budget.maxSeconds() == Double.POSITIVE_INFINITY ? 3600 : budget.maxSeconds();
            return cap + marginSeconds;
        }
    }

    /** Where the worker processes run. */
    public enum Backend {
        /** A pool of worker processes on this machine. */
        LOCAL,
        /** Apache Spark: one Spark task per trial, each running a worker process on an executor. */
        SPARK;

        /** The config name. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The Spark backend's settings ({@code workers.spark}).
     *
     * @param master the Spark master URL: {@code spark://host:7077}, {@code k8s://...}, {@code local-cluster[N,cores,MB]}
     *               or {@code local[N]}
     * @param conf   further Spark settings passed through as given (e.g. {@code spark.executor.memory: 8g})
     * @param sharedFilesystem whether every executor sees the study directory at the driver's path; if not, the
     *                         checkpoints a trial continues from and writes travel with its task and result
     */
    public record SparkSettings(String master, Map<String, String> conf, boolean sharedFilesystem) {
        /** {@code local[*]} with no further settings, on a shared filesystem. */
        public static final SparkSettings DEFAULT = new SparkSettings("local[*]", Map.of(), true);

        public SparkSettings {
            Objects.requireNonNull(master, "master");
            conf = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(conf));
        }
    }

    /** Where trials run. */
    public enum WorkerMode {
        /** Child JVMs, one per worker: a crash, hang or out-of-memory fails only its trial. */
        PROCESS,
        /** Threads of the search process: for tests and debugging. */
        IN_PROCESS;

        /** The config name. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Report settings.
     *
     * @param file            the report file name inside the study directory
     * @param everyGeneration regenerate the report after every generation (otherwise only at the end)
     */
    public record Report(String file, boolean everyGeneration) {
        public Report {
            Objects.requireNonNull(file, "file");
        }
    }
}
