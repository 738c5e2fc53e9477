package dev.sublayer.evaluator.djl;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.EngineContractTest;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrainingLoop;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DJL engine: the {@link EngineContractTest} contract on one thread, and what only this engine does. */
class DjlEngineTest extends EngineContractTest {

    DjlEngineTest() {
        // One thread: these models are tiny, and on a shared, loaded machine OpenMP's spinning threads cost more
        // than they bring. Thirty steps for the same-seed test: PyTorch's CPU runs drift after about twenty steps
        // when MKL's dynamic threading is on.
        super("djl", 1, 30);
    }

    @Override
    protected void assertBackendAndNativeMemory(TrialResult completed) {
        assertThat(completed.metrics().peakNativeBytes()).isGreaterThanOrEqualTo(0);
        assertThat(completed.provenance().backend()).isEqualTo("djl " + ai.djl.engine.Engine.getDjlVersion()
                + " pytorch " + DjlRuntime.pytorch(1).getVersion() + " cpu").startsWith("djl 0.3");
    }

    @Test
    void isSelectableByNameAndRefusesBadSettings() {
        assertThat(Engines.names()).containsExactly("dl4j", "djl");
        assertThat(engine.name()).isEqualTo("djl");
        assertThatThrownBy(() -> Engines.create("torch", 1)).hasMessage("unknown engine 'torch', expected one of dl4j, djl");
        assertThatThrownBy(() -> new DjlEngine(0)).hasMessage("threads must be >= 1, got 0");
        String before = System.getProperty(DjlRuntime.DEVICE_PROPERTY);
        try {
            System.setProperty(DjlRuntime.DEVICE_PROPERTY, "tpu");
            assertThatThrownBy(() -> new DjlEngine(1)).hasMessage("sublayer.djl.device must be cpu, gpu or gpu<N>, got 'tpu'");
            System.setProperty(DjlRuntime.DEVICE_PROPERTY, "gpu3");
            assertThatThrownBy(() -> new DjlEngine(1)).hasMessageStartingWith("sublayer.djl.device is 'gpu3' but PyTorch sees ");
        } finally {
            if (before == null) {
                System.clearProperty(DjlRuntime.DEVICE_PROPERTY);
            } else {
                System.setProperty(DjlRuntime.DEVICE_PROPERTY, before);
            }
        }
    }

    @Test
    void nativesAreUnpackedIntoTheConfiguredCacheFolder() {
        String dir = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
        assertThat(dir).isNotNull();
        assertThat(Path.of(dir).resolve("pytorch")).isDirectory();
        assertThat(DjlRuntime.defaultCacheDir().toString()).endsWith("/sublayer/djl");
        assertThat(System.getProperty("ai.djl.pytorch.num_interop_threads")).isEqualTo("1");
        assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(1);
    }

    @Test
    void aCheckpointOfTheOtherEngineIsRefused(@TempDir Path dir) {
        Path checkpoint = dir.resolve("dl4j.ckpt");
        TrialRequest request = new TrialRequest(Notation.parse("d8 n8 pre: F16"), DATA, TRAINING, Budget.steps(2), 7);
        try (Engine dl4j = Engines.create("dl4j", 1)) {
            TrialResult r = dl4j.train(request, TrialListener.NONE, Optional.empty(), Optional.of(checkpoint));
            assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED);
        }
        TrialResult resumed = engine.train(request.withBudget(Budget.steps(4)), TrialListener.NONE, Optional.of(checkpoint),
                Optional.empty());
        assertThat(resumed.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(resumed.failure()).contains("belongs to another trial").contains("(this trial: sublayer-trial-key-v2 djl ");
    }

    @Test
    void trainsEverySublayerKindWithItsCostModelParameterCount() {
        Architecture rich = Notation.parse("d16 n8 pre rms: A2 M4k2/16 F16:swiglu D16x2:relu2 P2/16:geglu F16:relu2!");
        TrialResult r = train(new TrialRequest(rich, DATA, TRAINING.withMoeAuxWeight(0.1), Budget.steps(6), 7));
        assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(r.metrics().totalParams()).isEqualTo(CostModel.of(rich, ModelShape.bytes()).totalParams());
        assertThat(r.metrics().validLoss()).isFinite().isLessThan(Math.log(256) + 0.5);
        assertThat(r.curve()).allSatisfy(p -> assertThat(p.trainLoss()).isFinite());
    }

    @Test
    void aModelTooLargeForMemoryIsRejectedBeforeBuildingAndTheEngineStaysUsable() {
        // The causal mask alone would be 200,000² float32 = 160 GB, the attention scores twice that: the memory
        // estimate refuses it before PyTorch is asked for anything (what PyTorch's own refusal of such an
        // allocation becomes is pytorchAllocationFailuresAreRecognisedAsOutOfMemory below).
        Architecture huge = Notation.parse("d8 n200000 pre: A1");
        TrialResult r = train(new TrialRequest(huge, DATA.withValidationBatches(1), TRAINING, Budget.steps(2), 1));
        assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.REJECTED);
        assertThat(r.failure()).startsWith("estimated training memory ").doesNotContain("\n");
        assertThat(r.metrics().steps()).isZero();
        assertThat(train(new TrialRequest(TINY, DATA, TRAINING, Budget.steps(2), 1)).status()).isEqualTo(TrialStatus.COMPLETED);
    }

    @Test
    void pytorchAllocationFailuresAreRecognisedAsOutOfMemory() {
        assertThat(TrainingLoop.isNativeOutOfMemory(new ai.djl.engine.EngineException(
                "[enforce fail at alloc_cpu.cpp:121] data. DefaultCPUAllocator: not enough memory: you tried to allocate 16 GB")))
                .isTrue();
        assertThat(TrainingLoop.isNativeOutOfMemory(new RuntimeException("wrapped", new ai.djl.engine.EngineException(
                "CUDA out of memory. Tried to allocate 2.00 GiB")))).isTrue();
        assertThat(TrainingLoop.isNativeOutOfMemory(new ai.djl.engine.EngineException("shape mismatch"))).isFalse();
        assertThat(TrainingLoop.message(new ai.djl.engine.EngineException("bad shape\nException raised from foo at bar.cpp\nframe #0")))
                .isEqualTo("EngineException: bad shape");
    }

}
