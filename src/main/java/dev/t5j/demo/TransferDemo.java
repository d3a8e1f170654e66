package dev.t5j.demo;

import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The synthetic-pretraining paper's claim at small scale: fine-tune one downstream task twice with the same data,
 * steps and seed, once from random init and once from a synthetic-pretrained checkpoint, and compare.
 */
public final class TransferDemo {
    public record Result(String task, double fromScratch, double fromPretrained) {}

    private TransferDemo() {}

    public static Result run(Path pretrained, String task, long steps, Path out, List<String> extra,
            PrintStream log) throws IOException {
        if (!Files.isRegularFile(pretrained.resolve("config.json")))
            throw new UserError(pretrained
                    + ": no pretrained model there; run ./t5j quickstart first (it writes runs/quickstart/model) or " +
                    "pass --pretrained DIR");
        List<String> common = new ArrayList<>();
        for (String o : Quickstart.overrides("unused"))
            if (!o.startsWith("out=") && !o.startsWith("data.task=") && !o.startsWith("train.steps=")
                    && !o.startsWith("eval.every=")
                    && !o.startsWith("checkpoint.") && !o.startsWith("schedule.warmup=")) common.add(o);
        common.addAll(List.of("data.task=" + task, "train.steps=" + steps, "eval.every=0", "checkpoint.every=0",
                "schedule.warmup=50"));
        common.addAll(extra);
        double[] acc = new double[2];
        String[] names = {"scratch", "pretrained"};
        for (int i = 0; i < 2; i++) {
            List<String> o = new ArrayList<>(common);
            o.add("out=" + out.resolve(names[i]));
            if (i == 1) {
                o.add("model.preset=null");
                o.add("model.init_from=" + pretrained);
            }
            log.println("== fine-tuning " + task + " from " + (i == 0 ? "random init" : pretrained));
            Trainer.Result r = new Trainer(TrainConfig.load(null, o), log).run(false);
            acc[i] = r.eval().stream().filter(t -> t.task().equals(task)).mapToDouble(t
                    -> t.metrics().get("exact_match_ids")).findFirst().orElse(Double.NaN);
        }
        log.printf(Locale.ROOT, "%ntransfer on %s after %d fine-tuning steps (held-out exact match):%n", task, steps);
        log.printf(Locale.ROOT, "  from random init:          %6.1f%%%n", acc[0]);
        log.printf(Locale.ROOT, "  from synthetic pretraining: %6.1f%%%n", acc[1]);
        return new Result(task, acc[0], acc[1]);
    }
}
