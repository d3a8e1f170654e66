package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.tasks.DataSetup;
import dev.t5j.data.tasks.DataSpec;
import dev.t5j.data.DataVocabularies;
import dev.t5j.decoding.RankScorer;
import dev.t5j.eval.RankEvaluation;
import dev.t5j.eval.RankFile;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.tokenizer.Vocabulary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j rank}: rank classification of answer choices (T0): summed log-probs, argmax, accuracy. */
@Command(name = "rank", mixinStandardHelpOptions = true,
        description = "Rank answer choices by the summed log-probability of their tokens (EOS included; T0).")
public final class RankCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();

    @Option(names = "--vocab", required = true,
            description = "vocabulary: a SentencePiece .model / tokenizer.json, or 'byte'")
    String vocab;

    @Option(names = "--input", paramLabel = "FILE.jsonl",
            description = "JSON lines {\"inputs\": ..., \"choices\": [...], \"label\": k} (label optional)")
    Path input;

    @Option(names = "--task", description = "a prompted _score_eval task (instead of --input)")
    String task;

    @Option(names = "--mixture",
            description = "a mixture of _score_eval tasks, e.g. t0_eval_score_eval (instead of --input)")
    String mixture;

    @Option(names = "--data-dir",
            description = "data directory of the prompted tasks (default: $T5J_DATA_DIR, else ./data)")
    Path dataDir;

    @Option(names = "--split", defaultValue = "validation",
            description = "split of --task/--mixture (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", defaultValue = "0",
            description = "examples per task, 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--allow-missing",
            description = "with --mixture: evaluate the tasks whose data is on disk, naming the others")
    boolean allowMissing;

    @Option(names = "--batch", defaultValue = "8",
            description = "examples encoded together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--json",
            description = "JSON lines {\"scores\": [...], \"prediction\": k}, then {\"accuracy\": ...}")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if ((input != null ? 1 : 0) + (task != null ? 1 : 0) + (mixture != null ? 1 : 0) != 1)
            throw new UserError("give exactly one of --input FILE.jsonl, --task NAME, --mixture NAME");
        Vocabulary v = DataVocabularies.resolve(vocab);
        if (input == null) return evaluateTasks();
        List<RankFile.Line> lines = RankFile.read(input);
        model.apply();
        RankScorer.Result[] results;
        try (T5ForConditionalGeneration m = model.load(null, dtype.resolve())) {
            List<RankScorer.Item> items = RankFile.tokenize(v, lines);
            for (RankScorer.Item it : items) {
                ModelOptions.checkRange("input", it.input(), m.config().vocabSize());
                for (int[] c : it.choices()) ModelOptions.checkRange("choice", c, m.config().vocabSize());
            }
            results = new RankScorer(m, batch).score(items);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (RankScorer.Result r : results) {
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("scores", r.scores());
                o.put("prediction", r.prediction());
                out.println(Json.write(o));
            } else {
                out.println("prediction " + r.prediction() + "  scores " + Arrays.toString(r.scores()));
            }
        }
        double acc = RankFile.accuracy(lines, results);
        long labelled = lines.stream().filter(l -> l.label() >= 0).count();
        if (!Double.isNaN(acc)) {
            if (json) out.println(Json.write(Map.of("accuracy", acc, "examples", labelled)));
            else out.printf(Locale.ROOT, "accuracy %.2f %% (%d labelled examples)%n", acc, labelled);
        }
        out.flush();
        return 0;
    }

    private int evaluateTasks() {
        DataCatalog catalog = DataSetup.of(new DataSpec(vocab, dataDir == null ? null : dataDir.toString(), List.of(),
                null, null)).catalog();
        DatasetProvider p = task != null ? catalog.task(task) : catalog.mixture(mixture);
        model.apply();
        RankEvaluation.Report rep;
        // a per-task adapter needs the task's name: a mixture's name is refused unless the adapter is shared
        try (T5ForConditionalGeneration m = model.load(task != null ? task : mixture, dtype.resolve())) {
            rep = RankEvaluation.evaluate(m, p, split, batch, limit, allowMissing);
        }
        print(rep, json, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }

    /**
     * Accuracy per prompt (task), then median and mean per dataset: a line each, or JSON lines; the skipped tasks as a
     * note on {@code err}. Shared by {@code t5j rank --task/--mixture} and {@code t5j eval} on _score_eval tasks.
     */
    static void print(RankEvaluation.Report rep, boolean json, PrintWriter out, PrintWriter err) {
        if (!rep.missing().isEmpty()) {
            err.println("t5j: note: skipped " + rep.missing().size() + " tasks whose data is not on disk: "
                    + rep.missing());
            err.flush();
        }
        for (RankEvaluation.PromptResult r : rep.prompts()) {
            if (json) out.println(Json.write(Map.of("task", r.task(), "accuracy", r.accuracy(), "examples", r
                    .examples())));
            else out.printf(Locale.ROOT, "%-70s %6.2f %% (%d examples)%n", r.task(), r.accuracy(), r.examples());
        }
        for (RankEvaluation.DatasetResult d : rep.datasets()) {
            if (json) out.println(Json.write(Map.of("dataset", d.dataset(), "prompts", d.prompts(), "median", d
                    .median(), "mean", d.mean())));
            else out.printf(Locale.ROOT, "%s: median %.2f %%, mean %.2f %% over %d prompts%n", d.dataset(), d.median(
                    ), d.mean(), d.prompts());
        }
        out.flush();
    }
}
