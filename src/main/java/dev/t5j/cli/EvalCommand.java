package dev.t5j.cli;

import dev.t5j.atlas.AtlasConfig;
import dev.t5j.atlas.AtlasTrainer;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.DataVocabularies;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.eval.Evaluator;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
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
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model on a task or mixture (decode, postprocess, metrics).")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    DataSelection data = new DataSelection();
    @Option(names = "--split", defaultValue = "validation")
    String split;
    @Option(names = "-n", defaultValue = "200", description = "Examples per task (default ${DEFAULT-VALUE})")
    int examples;
    @Option(names = "--max-new-tokens", defaultValue = "64")
    int maxNew;
    @Option(names = "--num-beams", defaultValue = "1")
    int beams;
    @Option(names = "--json", description = "Print one JSON object of metrics")
    boolean json;
    @Option(names = "--config", description = "An Atlas run config: evaluate --model (an Atlas model dir) on its task.eval_data")
    java.nio.file.Path atlasConfig;
    @Option(names = "--set", description = "Override a key of the --config (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws java.io.IOException {
        if (atlasConfig != null) return atlas();
        if (data.task == null) throw new UserError("give --task (a task or mixture name), or --config with an Atlas run config");
        model.apply();
        try (T5ForConditionalGeneration m = model.load(data.task)) {
            List<Evaluator.TaskResult> r = data.evaluator(m).beforeTask(model::selectTask).evaluate(data.provider(), options(data, split, examples, maxNew, beams));
            if (json) {
                Map<String, Object> out = new java.util.LinkedHashMap<>();
                for (Evaluator.TaskResult t : r) out.put(t.task(), t.metrics());
                System.out.println(Json.write(out));
            } else {
                printTable(r, System.out);
            }
        }
        return 0;
    }

    private int atlas() throws java.io.IOException {
        if (!AtlasConfig.isAtlasConfig(atlasConfig))
            throw new UserError(atlasConfig + ": not an Atlas config (no atlas or retriever section); --config is for Atlas models");
        AtlasConfig cfg = AtlasConfig.load(atlasConfig, overrides);
        Map<String, Double> m = new AtlasTrainer(cfg, System.err).evaluateOnly(model.model);
        if (json) System.out.println(Json.write(m));
        else m.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %10.3f%n", k, v));
        return 0;
    }

    static Evaluator.Options options(DataSelection d, String split, int n, int maxNew, int beams) {
        return new Evaluator.Options(split, n, d.inputsLength, d.targetsLength,
                new GenerationConfig(maxNew, 0, beams, 1.0, GenerationConfig.LengthPenalty.HF, false, false, 1, 0, 1, 0), 64);
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
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %8d", r.task(), r.examples()));
            for (String c : cols) {
                Double v = r.metrics().get(c);
                row.append(v == null ? String.format(Locale.ROOT, " %16s", "-") : String.format(Locale.ROOT, " %16.2f", v));
            }
            out.println(row);
        }
    }

    /** Which task and data a command reads, with the same keys as a run config's data section. */
    static final class DataSelection {
        @Option(names = {"--task", "--mixture"}, description = "Task or mixture name (see t5j data list); required unless --config is an Atlas config")
        String task;
        @Option(names = "--vocab", description = "Vocabulary file or 'byte' (default: built-in)")
        String vocab;
        @Option(names = "--data-dir")
        String dataDir;
        @Option(names = "--tasks-file", description = "Task definition file (repeatable)")
        List<String> taskFiles = new ArrayList<>();
        @Option(names = "--inputs-length", defaultValue = "512")
        int inputsLength;
        @Option(names = "--targets-length", defaultValue = "128")
        int targetsLength;
        @Option(names = "--synth-length", split = ",", description = "Synthetic tasks: min,max input length")
        List<Integer> synthLength;
        @Option(names = "--synth-pool", description = "Synthetic tasks: number of content tokens")
        Integer synthPool;

        private DataCatalog catalog;

        DataCatalog catalog() {
            if (catalog == null) {
                TrainConfig.Data d = new TrainConfig.Data(task, vocab, dataDir, taskFiles, inputsLength, targetsLength, false, 1, false, synthLength, synthPool);
                catalog = Trainer.catalog(d, DataVocabularies.resolve(vocab));
            }
            return catalog;
        }

        DatasetProvider provider() {
            return catalog().get(task);
        }

        Evaluator evaluator(T5ForConditionalGeneration m) {
            return new Evaluator(m, catalog());
        }
    }
}
