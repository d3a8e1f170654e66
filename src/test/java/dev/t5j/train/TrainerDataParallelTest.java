package dev.t5j.train;

import dev.t5j.cli.T5jCli;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multitask training (per-task adapters, HyperFormer's sampler) on two data-parallel workers, real processes of a
 * Gloo group started by {@code t5j train --nproc 2} (no dropout): the per-step losses, reduced over the ranks, are one
 * process's within 1e-5. A rank that drew another task than rank 0 would train other rows and other adapters, and the
 * summed loss would differ; so equal losses mean every rank drew one process's task at every step. (Ranks as threads
 * of one JVM would share libtorch's global generator while they initialise their adapters: not one process's draws.)
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
        assertTrue(single.stepTasks().containsAll(List.of("rte", "cola")) || STEPS < 4,
                "both tasks drawn: " + single.stepTasks());

        List<String> args = new ArrayList<>(List.of("train"));
        for (String s : one) args.addAll(List.of("--set", s.startsWith("out=") ? "out=" + tmp.resolve("two") : s));
        args.addAll(List.of("--nproc", "2", "--dist-timeout", "60"));
        StringWriter err = new StringWriter();
        CommandLine cl = T5jCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute(args.toArray(String[]::new)), err.toString());

        List<Double> want = TrainerTest.losses(tmp.resolve("one")), got = TrainerTest.losses(tmp.resolve("two"));
        assertEquals(STEPS, got.size());
        for (int i = 0; i < STEPS; i++) assertEquals(want.get(i), got.get(i), 1e-5, "step " + (i + 1));
    }
}
