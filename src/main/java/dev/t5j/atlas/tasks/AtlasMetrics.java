package dev.t5j.atlas.tasks;

import dev.t5j.eval.QaMetrics;
import dev.t5j.eval.Rouge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Atlas's {@code src/evaluation.py}: SQuAD answer normalisation, exact match and token F1 (max over ground truths,
 * identity normalisation unless asked), ROUGE-1/2/L, and the 100 × mean report of {@code evaluate.py}.
 *
 * <p>ROUGE: Atlas calls the PyPI {@code rouge} package (1.0.1). t5j uses {@link Rouge} (Google's {@code rouge_score}:
 * lower-cased [a-z0-9] tokens, sentence-free LCS). The PyPI package keeps case, splits tokens on spaces and
 * sentences on ".", and scores ROUGE-L at summary level, so values can differ for text with upper case, punctuation
 * or several sentences; they agree on lower-case single-sentence alphanumeric text.
 */
public final class AtlasMetrics {
    private AtlasMetrics() {}

    public static final String EVAL_LOSS = "eval_loss";
    private static final Rouge ROUGE = new Rouge(false, false);

    /** {@code normalize_answer}: lower → drop string.punctuation → articles to " " → collapse whitespace. */
    public static String normalizeAnswer(String s) {
        return QaMetrics.normalizeSquad(s);
    }

    /** {@code exact_match_score}: max over ground truths of {@code norm(pred) == norm(gt)}; 0 when there are none. */
    public static double exactMatch(String prediction, List<String> groundTruths, UnaryOperator<String> norm) {
        String p = norm.apply(prediction);
        double best = 0;
        for (String gt : groundTruths) if (p.equals(norm.apply(gt))) best = 1;
        return best;
    }

    /** Raw string equality (Atlas's default normalize_fn is the identity). */
    public static double exactMatch(String prediction, List<String> groundTruths) {
        return exactMatch(prediction, groundTruths, UnaryOperator.identity());
    }

    /** {@code f1_score}: whitespace tokens of the normalised strings, multiset overlap, max over ground truths. */
    public static double f1(String prediction, List<String> groundTruths, UnaryOperator<String> norm) {
        String p = norm.apply(prediction);
        double best = 0;
        for (String gt : groundTruths) best = Math.max(best, QaMetrics.tokenF1(norm.apply(gt), p));
        return best;
    }

    public static double f1(String prediction, List<String> groundTruths) {
        return f1(prediction, groundTruths, UnaryOperator.identity());
    }

    /**
     * {@code rouge_score}: (rouge_1, rouge_2, rouge_L) F-measures, each the max over the non-empty ground truths;
     * all 0 for an empty prediction or when no ground truth is non-empty.
     */
    public static double[] rouge(String prediction, List<String> groundTruths) {
        double[] best = new double[3];
        if (prediction.isEmpty()) return best;
        for (String gt : groundTruths) {
            if (gt == null || gt.isEmpty()) continue;
            Map<String, Rouge.Score> s = ROUGE.score(gt, prediction);
            best[0] = Math.max(best[0], s.get("rouge1").fmeasure());
            best[1] = Math.max(best[1], s.get("rouge2").fmeasure());
            best[2] = Math.max(best[2], s.get("rougeL").fmeasure());
        }
        return best;
    }

    /** The metrics of mlm, lm and section: accuracy (raw EM), f1 (raw), rouge_1/2/L. */
    static Map<String, Double> generationMetrics(String prediction, List<String> gold) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", exactMatch(prediction, gold));
        m.put("f1", f1(prediction, gold));
        double[] r = rouge(prediction, gold);
        m.put("rouge_1", r[0]);
        m.put("rouge_2", r[1]);
        m.put("rouge_L", r[2]);
        return m;
    }

    /**
     * Collects per-example values and reports as {@code evaluate.py} does: for every metric of the task the mean of
     * its values (0 when it has none), × 100 except {@code eval_loss}.
     */
    public static final class Accumulator {
        private final Map<String, List<Double>> values = new HashMap<>();

        /** Adds one example's metric map. */
        public Accumulator add(Map<String, Double> sample) {
            sample.forEach(this::add);
            return this;
        }

        /** Adds one value (e.g. a batch's eval_loss, or one question's debiased_accuracy). */
        public Accumulator add(String metric, double value) {
            values.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
            return this;
        }

        public int count(String metric) {
            return values.getOrDefault(metric, List.of()).size();
        }

        /** {@code {metric: 100 × mean}} in the order of {@code metrics}; eval_loss unscaled. */
        public Map<String, Double> summary(List<String> metrics) {
            Map<String, Double> out = new LinkedHashMap<>();
            for (String m : metrics) {
                List<Double> v = values.getOrDefault(m, List.of());
                double mean = 0;
                for (double x : v) mean += x;
                mean = v.isEmpty() ? 0 : mean / v.size();
                out.put(m, m.equals(EVAL_LOSS) ? mean : 100 * mean);
            }
            return out;
        }
    }
}
