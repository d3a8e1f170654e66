package dev.t5j.demo;

import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
import dev.t5j.eval.Evaluator;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in first run: a small T5 trained from scratch on the CPU on the {@code synthetic_easy} mixture
 * (identity, reverse, set, sort, first/last token of short sequences), evaluated on held-out examples.
 */
public final class Quickstart {
    private Quickstart() {}

    /** The quickstart's run config as {@code --set} overrides of the trainer defaults (printed into config.yaml). */
    public static List<String> overrides(String out) {
        return List.of(
                "out=" + out,
                "model.preset=quickstart",
                "data.task=synthetic_easy",
                "data.synth_length=[4,10]",
                "data.synth_pool=68",
                "data.inputs_length=40",
                "data.targets_length=32",
                "data.batch_size=48",
                "optimizer.name=adamw",
                "schedule.kind=cosine",
                "schedule.lr=1.0e-3",
                "schedule.warmup=200",
                "train.steps=2800",
                "train.threads=1",
                "eval.every=1000",
                "eval.examples=200",
                "eval.max_new_tokens=32",
                "checkpoint.every=1000",
                "checkpoint.keep=1");
    }

    public static Trainer.Result run(String out, List<String> extra, PrintStream log) throws IOException {
        List<String> all = new ArrayList<>(overrides(out));
        all.addAll(extra);
        TrainConfig cfg = TrainConfig.load(null, all);
        Trainer.Result r = new Trainer(cfg, log).run(false);
        log.println();
        log.println("held-out accuracy (exact match of the whole output sequence):");
        for (Evaluator.TaskResult t : r.eval())
            log.printf(Locale.ROOT, "  %-20s %6.1f%%  (%d examples)%n", t.task(), t.metrics().get("exact_match_ids"),
                    t.examples());
        log.println("report: " + r.runDir().resolve("report.html") + "   model: " + r.runDir().resolve("model"));
        return r;
    }
}
