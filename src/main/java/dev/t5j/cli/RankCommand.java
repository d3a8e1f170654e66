package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.data.DataVocabularies;
import dev.t5j.decoding.RankScorer;
import dev.t5j.eval.RankFile;
import dev.t5j.model.Checkpoint;
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

    @Option(names = "--vocab", required = true, description = "vocabulary: a SentencePiece .model / tokenizer.json, or 'byte'")
    String vocab;

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl",
            description = "JSON lines {\"inputs\": ..., \"choices\": [...], \"label\": k} (label optional)")
    Path input;

    @Option(names = "--batch", defaultValue = "8", description = "examples encoded together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--json", description = "JSON lines {\"scores\": [...], \"prediction\": k}, then {\"accuracy\": ...}")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<RankFile.Line> lines = RankFile.read(input);
        Vocabulary v = DataVocabularies.resolve(vocab);
        model.apply();
        RankScorer.Result[] results;
        try (T5ForConditionalGeneration m = Checkpoint.load(model.model)) {
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
}
