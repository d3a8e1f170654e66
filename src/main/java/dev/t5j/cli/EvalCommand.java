package dev.t5j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import dev.t5j.atlas.AtlasConfig;
import dev.t5j.atlas.AtlasTrainer;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.DatasetProvider;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.eval.Evaluator;
import dev.t5j.eval.RankEvaluation;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code t5j eval}: generation metrics and loss of a model on a task or mixture. */
@Command(name = "eval", mixinStandardHelpOptions = true, description =
        "Evaluate a model on a task or mixture (decode, postprocess, metrics); _score_eval tasks and mixtures of them"
                + " by rank classification (T0).")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();
    @Mixin
    DataOptions data = new DataOptions();
    @Option(names = "--split", defaultValue = "validation",
            description = "Split to evaluate (default ${DEFAULT-VALUE})")
    String split;
    @Option(names = "-n", defaultValue = "200", description = "Examples per task (default ${DEFAULT-VALUE})")
    int examples;
    @Option(names = "--max-new-tokens", defaultValue = "64",
            description = "Tokens generated at most per example, EOS included (default ${DEFAULT-VALUE})")
    int maxNew;
    @Option(names = "--num-beams", defaultValue = "1",
            description = "Beam size; 1 is greedy decoding (default ${DEFAULT-VALUE})")
    int beams;
    @Option(names = "--json", description = "Print one JSON object of metrics (_score_eval tasks: JSON lines per "
            + "prompt and per dataset, as t5j rank --task --json)")
    boolean json;
    @Option(names = "--config", description =
            "An Atlas run config: evaluate --model (an Atlas model dir) on its task.eval_data")
    Path atlasConfig;
    @Option(names = "--set", description = "Override a key of the --config (repeatable)")
    List<String> overrides = new ArrayList<>();
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (atlasConfig != null) return atlas();
        if (!data.selected())
            throw new UserError("give --task (a task or mixture name), or --config with an Atlas run config");
        DatasetProvider p = data.provider();
        if (RankEvaluation.isScoreEval(p, split)) return rank(p);
        model.apply();
        try (T5ForConditionalGeneration m = model.load(data.task, dtype.resolve())) {
            List<Evaluator.TaskResult> r = new Evaluator(m).beforeTask(model::selectTask).evaluate(p,
                    options(data, split, examples, maxNew, beams));
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Evaluator.TaskResult t : r) out.put(t.task(), t.metrics());
                System.out.println(Json.write(out));
            } else {
                printTable(r, System.out);
            }
        }
        return 0;
    }

    /**
     * T0's zero-shot evaluation of _score_eval tasks: rank classification (summed log-probs of each choice, argmax),
     * accuracy per prompt, median and mean per dataset, printed as {@code t5j rank --task} does.
     */
    private int rank(DatasetProvider p) {
        model.apply();
        RankEvaluation.Report rep;
        try (T5ForConditionalGeneration m = model.load(data.task, dtype.resolve())) {
            rep = RankEvaluation.evaluate(m, p, split, RANK_BATCH, examples, data.allowMissing);
        }
        RankCommand.print(rep, json, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }

    /** Examples encoded together in rank classification ({@code t5j rank --batch}'s default). */
    private static final int RANK_BATCH = 8;

    private int atlas() throws IOException {
        if (!AtlasConfig.isAtlasConfig(atlasConfig))
            throw new UserError(atlasConfig
                    + ": not an Atlas config (no atlas or retriever section); --config is for Atlas models");
        if (dtype.dtype != ComputeDtype.FP32)
            throw new UserError("--dtype " + dtype.dtype.key() + ": Atlas evaluation runs in fp32; use --dtype fp32");
        if (model.adapter != null) throw new UserError("--adapter: Atlas evaluation runs without adapters");
        if (model.device != null) overrides.add("train.device=" + model.device);
        AtlasConfig cfg = AtlasConfig.load(atlasConfig, overrides);
        Map<String, Double> m = new AtlasTrainer(cfg, System.err).evaluateOnly(model.model);
        if (json) System.out.println(Json.write(m));
        else m.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %10.3f%n", k, v));
        return 0;
    }

    /** Eval and predict read 512 input and 128 target tokens unless told otherwise. */
    static Evaluator.Options options(DataOptions d, String split, int n, int maxNew, int beams) {
        return new Evaluator.Options(split, n, d.inputsLength(512), d.targetsLength(128),
                GenerationConfig.beam(maxNew, beams), 64);
    }

    /** A per-task table of metrics. */
    static void printTable(List<Evaluator.TaskResult> results, PrintStream out) {
        if (results.isEmpty()) return;
        TreeSet<String> keys = new TreeSet<>();
        for (Evaluator.TaskResult r : results) keys.addAll(r.metrics().keySet());
        List<String> cols = new ArrayList<>(keys);
        int w = 4;
        for (Evaluator.TaskResult r : results) w = Math.max(w, r.task().length());
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %8s", "task", "examples"));
        for (String c : cols) h.append(String.format(Locale.ROOT, " %16s", c));
        out.println(h);
        for (Evaluator.TaskResult r : results) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %8d", r.task(),
                    r.examples()));
            for (String c : cols) {
                Double v = r.metrics().get(c);
                row.append(v == null ? String.format(Locale.ROOT, " %16s", "-") : String.format(Locale.ROOT, " %16.2f",
                        v));
            }
            out.println(row);
        }
    }
}
