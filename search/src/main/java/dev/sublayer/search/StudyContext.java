package dev.sublayer.search;

import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ArchitectureCodec;
import dev.sublayer.space.ModelShape;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.Seeds;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import io.jenetics.IntegerGene;
import io.jenetics.engine.InvertibleCodec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What every part of a running study shares: the config, the codec of its space, where its files live, and
 * the pure functions from an architecture to trial keys, requests and fitness.
 */
public final class StudyContext {

    private final StudyConfig config;
    private final Path directory;
    private final InvertibleCodec<Architecture, IntegerGene> codec;
    private final ModelShape shape;

    /** The context of the study configured by {@code config} in {@code directory}. */
    public StudyContext(StudyConfig config, Path directory) {
        this.config = Objects.requireNonNull(config, "config");
        this.directory = directory.toAbsolutePath().normalize();
        this.codec = ArchitectureCodec.of(config.space());
        this.shape = config.shape();
    }

    /** The study configuration. */
    public StudyConfig config() {
        return config;
    }

    /** The study directory. */
    public Path directory() {
        return directory;
    }

    /** Where trial checkpoints live. */
    public Path checkpointDirectory() {
        return directory.resolve("checkpoints");
    }

    /** The codec of the study's search space. */
    public InvertibleCodec<Architecture, IntegerGene> codec() {
        return codec;
    }

    /** The model shape (vocabulary, head tying) every candidate is costed with. */
    public ModelShape shape() {
        return shape;
    }

    /** The objectives, in order. */
    public List<Objective> objectives() {
        return config.objectives();
    }

    /** The budget of rung {@code rung}. */
    public Budget budget(int rung) {
        return config.fidelity().rung(rung);
    }

    /** The training seed of replicate {@code replicate} (0 = the search itself). */
    public long seed(int replicate) {
        return Seeds.trial(config.seed(), replicate);
    }

    /**
     * The key of training {@code a} at {@code rung} with replicate {@code replicate}'s seed: the
     * {@link TrialIdentity#key key} of that {@link #request request} on the study's engine.
     */
    public String key(Architecture a, int rung, int replicate) {
        return key(request(a, rung, replicate));
    }

    /** The key of {@code request} on the study's engine. */
    public String key(TrialRequest request) {
        return TrialIdentity.key(config.training().engine(), request);
    }

    /** The request of training {@code a} at {@code rung} with replicate {@code replicate}'s seed. */
    public TrialRequest request(Architecture a, int rung, int replicate) {
        return new TrialRequest(a, config.data(), config.training().config(), budget(rung), seed(replicate),
                config.constraints());
    }

    /** The checkpoint of trial {@code key}. */
    public Path checkpoint(String key) {
        return checkpointDirectory().resolve(key + ".ckpt");
    }

    /** Whether {@code a} satisfies the study's hard constraints. */
    public boolean withinConstraints(Architecture a) {
        return config.constraints().violations(a, shape, config.data().batchSize()).isEmpty();
    }

    /** The constraint violations of {@code a}, one line each. */
    public List<String> constraintViolations(Architecture a) {
        return config.constraints().violations(a, shape, config.data().batchSize());
    }

    /**
     * The objective values of {@code a} trained with {@code result}, or {@code null} when the result does not
     * measure every objective (it did not complete, or reported NaN).
     */
    public double[] objectiveValues(Architecture a, TrialResult result) {
        if (result.status() != TrialStatus.COMPLETED) {
            return null;
        }
        List<Objective> objectives = objectives();
        double[] v = new double[objectives.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = objectives.get(i).kind().measure(result, a, shape);
            if (!Double.isFinite(v[i])) {
                return null;
            }
        }
        return v;
    }

    /** The fitness of a candidate whose training failed: the reference values at rung {@value Fitness#FAILED_RUNG}. */
    public Fitness failedFitness() {
        return Fitness.failed(referenceValues());
    }

    /** The objectives' reference values. */
    public double[] referenceValues() {
        return objectives().stream().mapToDouble(Objective::reference).toArray();
    }

    /** The objectives' ideal values. */
    public double[] idealValues() {
        return objectives().stream().mapToDouble(Objective::ideal).toArray();
    }
}
