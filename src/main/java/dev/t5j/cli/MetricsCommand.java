package dev.t5j.cli;

import dev.t5j.eval.NqRecall;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.eval.Bleu;
import dev.t5j.eval.Metric;
import dev.t5j.eval.Metrics;
import dev.t5j.eval.PredictionFile;
import dev.t5j.eval.RankScoreFile;
import dev.t5j.eval.Rouge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j metrics}: scores a JSON-lines file of predictions with one metric and prints the scores as JSON. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description =
                {"Score predictions: each input line is {\"prediction\": \"...\", \"references\": [\"...\", ...]}.",
                "rank_classification: each line is {\"scores\": [per-option score, ...], \"label\": index}"
                        + " or {\"scores\": [...], \"is_correct\": [bool, ...]}."})
public final class MetricsCommand implements Callable<Integer> {
    @Option(names = "--metric", required = true,
            description = "squad | trivia_qa | nq | rouge | bleu | accuracy | seq_em | rank_classification")
    String metric;

    @Option(names = "--input", required = true, description = "JSON-lines file of predictions and references.")
    Path input;

    @Option(names = "--stem",
            description = "ROUGE: Porter-stem tokens longer than 3 characters (rouge_score use_stemmer).")
    boolean stem;

    @Option(names = "--t5-sentences", description = "ROUGE: split sentences at \" . \" before ROUGE-Lsum, as T5 does.")
    boolean t5Sentences;

    @Option(names = "--min-annotations", defaultValue = "1",
            description =
                    "nq: skip examples with fewer non-empty reference annotations (T5 CBQA: 1 on train-derived " +
                    "validation, 2 on test).")
    int minAnnotations;

    @Option(names = "--tokenize", defaultValue = "13a",
            description = "BLEU tokenizer: 13a (sacreBLEU default) | intl (T5) | none.")
    String tokenize;

    @Override
    public Integer call() {
        if (metric.equals("rank_classification")) {
            RankScoreFile.Scored s = RankScoreFile.score(input);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("metric", metric);
            out.put("count", s.count());
            out.putAll(s.scores());
            System.out.println(Json.write(out));
            return 0;
        }
        Metric m;
        switch (metric) {
            case "rouge" -> m = new Rouge(stem, t5Sentences);
            case "nq" -> {
                if (minAnnotations < 0) throw new UserError("--min-annotations must be >= 0");
                m = new NqRecall(minAnnotations);
            }
            case "bleu" -> m = new Bleu(switch (tokenize) {
                case "13a" -> Bleu.Tokenizer.TOKENIZE_13A;
                case "intl" -> Bleu.Tokenizer.INTL;
                case "none" -> Bleu.Tokenizer.NONE;
                default -> throw new UserError("--tokenize must be 13a, intl or none, got '" + tokenize + "'");
            });
            default -> {
                try {
                    m = Metrics.byName(metric);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--metric: " + e.getMessage() + ", rank_classification");
                }
            }
        }
        PredictionFile.Data d = PredictionFile.read(input);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", m.name());
        out.put("count", d.predictions().size());
        out.putAll(m.compute(d.predictions(), d.references()));
        System.out.println(Json.write(out));
        return 0;
    }
}
