package dev.t5j.bench;

import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.engine.Profiler;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.optim.AdamW;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The profiler view of {@code t5j bench model --profile}: tables when on, nothing (and no timer state) when off. */
class ModelBenchProfileTest {
    static final List<Profiler.Kind> STEP_KINDS = List.of(Profiler.Kind.EMBEDDING, Profiler.Kind.SELF_ATTENTION,
            Profiler.Kind.CROSS_ATTENTION, Profiler.Kind.FEED_FORWARD, Profiler.Kind.LAYER_NORM,
            Profiler.Kind.LM_HEAD_LOSS, Profiler.Kind.BACKWARD, Profiler.Kind.OPTIMIZER, Profiler.Kind.DATA);

    @AfterEach
    void off() {
        Profiler.disable();
    }

    static int[][] ids(int rows, int len) {
        return ModelBench.randomIds(new SplittableRandom(3), rows, len, 512);
    }

    @Test
    void trainingStepTableHasEveryModuleKindAndFitsInTheStep() {
        Profiler.enable();
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1);
             AdamW opt = new AdamW(m.parameters())) {
            m.train(true);
            ModelBench.trainStep(m, opt, ids(2, 12), ids(2, 6));
            Profiler.reset();
            double stepMs = ModelBench.trainStep(m, opt, ids(2, 12), ids(2, 6)) * 1e3;
            Map<Profiler.Kind, Double> ms = Profiler.millis();
            assertNotNull(ms);
            for (Profiler.Kind k : STEP_KINDS) assertTrue(ms.containsKey(k), "no time for " + k + ": " + ms);
            double timed = 0;
            for (double v : ms.values()) {
                assertTrue(v >= 0, ms.toString());
                timed += v;
            }
            assertTrue(timed <= stepMs, timed + " ms timed > step " + stepMs + " ms");
            List<Profiler.Row> rows = Profiler.rows(stepMs);
            assertEquals(ms.size() + 1, rows.size());
            double sum = 0;
            for (Profiler.Row r : rows) sum += r.millis();
            assertEquals(stepMs, sum, 1e-6 * stepMs, "the rows (with 'other') add up to the step");
            assertTrue(rows.stream().anyMatch(r -> r.label().equals("backward") && r.percent() > 0));
        }
    }

    @Test
    void greedyDecodingIsProfiledPerModule() {
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1)) {
            m.train(false);
            Profiler.enable();
            new Generator(m).generate(ids(2, 8), GenerationConfig.greedy(4).withMinNewTokens(4));
            Map<Profiler.Kind, Double> ms = Profiler.millis();
            for (Profiler.Kind k : List.of(Profiler.Kind.EMBEDDING, Profiler.Kind.SELF_ATTENTION,
                    Profiler.Kind.CROSS_ATTENTION, Profiler.Kind.FEED_FORWARD, Profiler.Kind.LAYER_NORM,
                    Profiler.Kind.LM_HEAD_LOSS))
                assertTrue(ms.containsKey(k), "no time for " + k + ": " + ms);
            assertFalse(ms.containsKey(Profiler.Kind.BACKWARD));
        }
    }

    @Test
    void regionsOnAnotherThreadAreIgnored() throws InterruptedException {
        Profiler.enable();
        long t0 = Profiler.start();
        Thread other = new Thread(() -> Profiler.stop(Profiler.Kind.FEED_FORWARD, Profiler.start()));
        other.start();
        other.join();
        Profiler.stop(Profiler.Kind.DATA, t0);
        Map<Profiler.Kind, Double> ms = Profiler.millis();
        assertTrue(ms.containsKey(Profiler.Kind.DATA), ms.toString());
        assertFalse(ms.containsKey(Profiler.Kind.FEED_FORWARD), ms.toString());
    }

    @Test
    void offMeansNoTableAndNoTimerState() {
        Profiler.disable();
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1);
             AdamW opt = new AdamW(m.parameters())) {
            double stepMs = ModelBench.trainStep(m, opt, ids(2, 12), ids(2, 6)) * 1e3;
            assertFalse(Profiler.enabled());
            assertNull(Profiler.millis());
            assertNull(Profiler.rows(stepMs));
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            Profiler.print(new PrintStream(buf, true, StandardCharsets.UTF_8), "step", stepMs);
            assertEquals(0, buf.size());
        }
    }

    @Test
    void benchPrintsTheTablesBesideItsUsualLines() {
        Profiler.enable();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ModelBench.run(new ModelBench.Config("tiny", 2, 12, 6, 1, 3), new PrintStream(buf, true,
                StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.matches("(?s).*\\ntrain \\(fwd\\+bwd\\+AdamW\\) tiny batch 2 x \\(12 in, 6 out\\): .*"), out);
        assertTrue(out.contains("profile: best training step"), out);
        assertTrue(out.contains("profile: greedy decoding with cache, batch 1"), out);
        assertTrue(out.contains("profile: greedy decoding with cache, batch 32"), out);
        assertTrue(out.contains("  optimizer update "), out);
        assertTrue(out.contains("generate greedy batch 32, 12 input / 3 new tokens: "), out);
    }
}
