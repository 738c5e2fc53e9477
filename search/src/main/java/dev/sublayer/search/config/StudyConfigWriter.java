package dev.sublayer.search.config;

import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.trial.Objective;
import dev.sublayer.search.strategy.FixedLayouts;
import dev.sublayer.space.SearchSpace;
import dev.sublayer.trial.Budget;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Writes a {@link StudyConfig} as its resolved config: every key with its value, defaults spelt out, in the
 * layout {@code studies/reference.yaml} documents. {@link StudyConfigReader} reads that text back to an equal
 * config; a study stores it beside the config as the user wrote it.
 */
public final class StudyConfigWriter {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private StudyConfigWriter() {
    }

    /** The resolved config as YAML: every key with its value, defaults spelt out. */
    public static String resolvedYaml(StudyConfig c) {
        return YAML.writeValueAsString(toNode(c));
    }

    /** The resolved config as a tree (the same keys as the YAML). */
    public static ObjectNode toNode(StudyConfig c) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("name", c.name());
        root.put("description", c.description());
        root.put("seed", c.seed());
        root.set("search_space", spaceNode(c.space()));

        ObjectNode data = root.putObject("data");
        data.put("corpus", c.data().corpus());
        data.put("batch_size", c.data().batchSize());
        data.put("validation_batches", c.data().validationBatches());
        data.put("data_seed", c.data().dataSeed());

        ObjectNode training = root.putObject("training");
        TrainingConfig t = c.training().config();
        training.put("engine", c.training().engine());
        training.put("learning_rate", t.learningRate());
        training.put("min_learning_rate", t.minLearningRate());
        training.put("warmup_steps", t.warmupSteps());
        training.put("schedule_steps", t.scheduleSteps());
        training.put("beta1", t.beta1());
        training.put("beta2", t.beta2());
        training.put("epsilon", t.epsilon());
        training.put("weight_decay", t.weightDecay());
        training.put("grad_clip", t.gradClip());
        training.put("tied_head", t.tiedHead());
        training.put("init_std", t.initStd());
        training.put("log_every", t.logEvery());
        training.put("valid_every", t.validEvery());
        training.put("divergence_factor", t.divergenceFactor());
        training.put("moe_aux_weight", t.moeAuxWeight());

        ObjectNode fidelity = root.putObject("fidelity");
        ArrayNode rungs = fidelity.putArray("rungs");
        for (Budget b : c.fidelity().rungs()) {
            ObjectNode r = rungs.addObject();
            if (b.maxSteps() != Long.MAX_VALUE) {
                r.put("max_steps", b.maxSteps());
            }
            if (b.maxTokens() != Long.MAX_VALUE) {
                r.put("max_tokens", b.maxTokens());
            }
            if (b.maxSeconds() != Double.POSITIVE_INFINITY) {
                r.put("max_seconds", b.maxSeconds());
            }
            if (b.maxTrainingFlops() != Double.POSITIVE_INFINITY) {
                r.put("max_training_flops", b.maxTrainingFlops());
            }
        }
        fidelity.put("promotion", c.fidelity().promotion().configName());
        fidelity.put("keep_fraction", c.fidelity().keepFraction());
        fidelity.put("keep_checkpoints", c.fidelity().keepCheckpoints());

        ArrayNode objectives = root.putArray("objectives");
        for (Objective o : c.objectives()) {
            ObjectNode on = objectives.addObject();
            on.put("name", o.kind().configName());
            on.put("reference", o.reference());
            on.put("ideal", o.ideal());
        }

        ObjectNode constraints = root.putObject("constraints");
        putLimit(constraints, "max_params", c.constraints().maxParams());
        putLimit(constraints, "max_flops_per_token", c.constraints().maxFlopsPerToken());
        putLimit(constraints, "max_memory_bytes", c.constraints().maxMemoryBytes());

        ObjectNode search = root.putObject("search");
        search.put("strategy", c.search().strategy());
        search.put("population", c.search().population());
        ArrayNode templates = search.putArray("templates");
        c.search().templates().forEach(tp -> templates.add(tp.name()));
        ArrayNode depths = search.putArray("template_depths");
        c.search().templateDepths().forEach(depths::add);
        if (FixedLayouts.NAME.equals(c.search().strategy())) {
            search.put("seeds", c.search().seeds());
            ArrayNode layouts = search.putArray("layouts");
            for (StudyConfig.Layout l : c.search().layouts()) {
                ObjectNode ln = layouts.addObject();
                ln.put("label", l.label());
                ln.put("architecture", l.architecture().canonical());
            }
        }
        ObjectNode nsga2 = search.putObject("nsga2");
        nsga2.put("offspring_fraction", c.search().nsga2().offspringFraction());
        nsga2.put("crossover_rate", c.search().nsga2().crossoverRate());
        nsga2.put("mutation_rate", c.search().nsga2().mutationRate());
        nsga2.put("tournament_size", c.search().nsga2().tournamentSize());
        ObjectNode aging = search.putObject("regularized_evolution");
        aging.put("sample_size", c.search().aging().sampleSize());
        aging.put("children", c.search().aging().children());
        aging.put("mutation_rate", c.search().aging().mutationRate());

        ObjectNode budget = root.putObject("budget");
        putLimit(budget, "max_trials", c.budget().maxTrials());
        putLimit(budget, "max_generations", c.budget().maxGenerations());
        if (c.budget().maxWallHours() != Double.POSITIVE_INFINITY) {
            budget.put("max_wall_hours", c.budget().maxWallHours());
        }
        if (c.budget().maxTrainingFlops() != Double.POSITIVE_INFINITY) {
            budget.put("max_training_flops", c.budget().maxTrainingFlops());
        }

        ObjectNode re = root.putObject("reevaluation");
        re.put("seeds", c.reevaluation().seeds());
        re.put("max_candidates", c.reevaluation().maxCandidates());

        ObjectNode workers = root.putObject("workers");
        if (!c.workers().countPerDevice()) {
            workers.put("count", c.workers().count());
        }
        workers.put("threads", c.workers().threads());
        workers.put("heap", c.workers().heap());
        workers.put("mode", c.workers().mode().configName());
        if (!Double.isNaN(c.workers().trialTimeoutSeconds())) {
            workers.put("trial_timeout_seconds", c.workers().trialTimeoutSeconds());
        }
        workers.put("timeout_margin_seconds", c.workers().marginSeconds());
        // The GPU keys are written only when set, so that CPU studies keep their resolved config as it was.
        if (c.workers().gpus() instanceof GpuSelection.Indices(var indices)) {
            indices.forEach(workers.putArray("gpus")::add);
        } else if (c.workers().gpus() instanceof GpuSelection.All) {
            workers.put("gpus", c.workers().gpus().configText());
        }
        if (c.workers().trialsPerGpu() != 1) {
            workers.put("trials_per_gpu", c.workers().trialsPerGpu());
        }
        if (c.workers().backend() != StudyConfig.Backend.LOCAL) {
            workers.put("backend", c.workers().backend().configName());
        }
        if (!c.workers().spark().equals(StudyConfig.SparkSettings.DEFAULT)) {
            ObjectNode spark = workers.putObject("spark");
            spark.put("master", c.workers().spark().master());
            spark.put("shared_filesystem", c.workers().spark().sharedFilesystem());
            if (!c.workers().spark().conf().isEmpty()) {
                ObjectNode conf = spark.putObject("conf");
                c.workers().spark().conf().forEach(conf::put);
            }
        }

        ObjectNode report = root.putObject("report");
        report.put("file", c.report().file());
        report.put("every_generation", c.report().everyGeneration());
        return root;
    }

    private static ObjectNode spaceNode(SearchSpace s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ObjectNode depth = n.putObject("depth");
        depth.put("min", s.minDepth());
        depth.put("max", s.maxDepth());
        ArrayNode kinds = n.putArray("kinds");
        s.kinds().forEach(k -> kinds.add(k.configName()));
        ArrayNode widths = n.putArray("ffn_widths");
        s.ffnWidths().forEach(widths::add);
        ArrayNode heads = n.putArray("heads");
        s.heads().forEach(heads::add);
        ArrayNode residual = n.putArray("residual");
        s.residual().forEach(residual::add);
        ArrayNode activations = n.putArray("activations");
        s.activations().forEach(a -> activations.add(a.configName()));
        ArrayNode dModels = n.putArray("d_model");
        s.dModels().forEach(dModels::add);
        n.put("context", s.context());
        ArrayNode norms = n.putArray("norms");
        s.norms().forEach(x -> norms.add(x.configName()));
        ArrayNode normKinds = n.putArray("norm_kinds");
        s.normKinds().forEach(x -> normKinds.add(x.configName()));
        ArrayNode deep = n.putArray("deep_ffn_layers");
        s.deepFfnLayers().forEach(deep::add);
        ArrayNode experts = n.putArray("moe_experts");
        s.moeExperts().forEach(experts::add);
        ArrayNode topK = n.putArray("moe_top_k");
        s.moeTopK().forEach(topK::add);
        return n;
    }

    private static void putLimit(ObjectNode n, String key, long value) {
        if (value != Long.MAX_VALUE) {
            n.put(key, value);
        }
    }
}
