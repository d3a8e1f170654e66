package dev.t5j.train;

import dev.t5j.distributed.GlooReplicas;
import dev.t5j.distributed.Rendezvous;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multitask training (per-task adapters, HyperFormer's sampler) on two data-parallel ranks of a real Gloo group (two
 * threads of this JVM, no dropout): every rank draws the same task at every step, the task order is one process's,
 * and the per-step losses are one process's within 1e-5.
 */
class TrainerDataParallelTest {
    private static final int STEPS = 4;

    @Test
    void everyRankDrawsTheSameTaskAndTheLossesAreOneProcesss(@TempDir Path tmp) throws Exception {
        Path init = tmp.resolve("init");
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny").withDropout(0),
                5)) {
            Checkpoint.save(m, init);
        }
        List<String> one = TrainerMultitaskAdaptersTest.config(tmp, tmp.resolve("one"), init);
        one.replaceAll(s -> s.startsWith("train.steps=") ? "train.steps=" + STEPS : s);
        Trainer single = new Trainer(TrainConfig.load(null, one), TrainerTest.QUIET);
        single.run(false);

        List<String> two = new ArrayList<>(one);
        two.replaceAll(s -> s.startsWith("out=") ? "out=" + tmp.resolve("two") : s);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService ex = Executors.newFixedThreadPool(2);
        List<Future<List<String>>> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < 2; r++) {
                Rendezvous rv = new Rendezvous("127.0.0.1", port, r, 2, r, Duration.ofSeconds(60));
                ranks.add(ex.submit(() -> {
                    try (GlooReplicas g = GlooReplicas.join(rv)) {
                        Trainer t = new Trainer(TrainConfig.load(null, two), TrainerTest.QUIET, g);
                        t.run(false);
                        return t.stepTasks();
                    }
                }));
            }
            List<String> r0 = ranks.get(0).get(), r1 = ranks.get(1).get();
            assertEquals(r0, r1, "the same task on every rank, every step");
            assertEquals(single.stepTasks(), r0, "the task order of one process");
            assertTrue(r0.containsAll(List.of("rte", "cola")) || STEPS < 4, "both tasks drawn: " + r0);
        } finally {
            ex.shutdownNow();
        }
        List<Double> want = TrainerTest.losses(tmp.resolve("one")), got = TrainerTest.losses(tmp.resolve("two"));
        assertEquals(STEPS, got.size());
        for (int i = 0; i < STEPS; i++) assertEquals(want.get(i), got.get(i), 1e-5, "step " + (i + 1));
    }
}
