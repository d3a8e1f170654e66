package dev.t5j.eval;

import dev.t5j.decoding.RankScorer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rank classification (T0 / {@code t5.evaluation.metrics.rank_classification}): each example has one score per answer
 * option (e.g. the summed log-probability of the option, t-zero's scorer); the prediction is the best-scoring option
 * (the first on ties, as argmax) and the metric is accuracy ×100 against the index of the correct option.
 */
public final class RankClassification {
    private RankClassification() {}

    /** Index of the highest score; the first one on ties. */
    public static int argmax(double[] scores) {
        if (scores.length == 0) throw new IllegalArgumentException("no options to rank");
        return RankScorer.argmax(scores);
    }

    /**
     * Variant where several options may be correct (t5's rank_classification with per-option {@code is_correct}): an
     * example counts as right when its best-scoring option is marked correct.
     */
    public static Map<String, Double> accuracy(List<double[]> optionScores, List<boolean[]> isCorrect) {
        if (optionScores.size() != isCorrect.size())
            throw new IllegalArgumentException(optionScores.size() + " score lists but " + isCorrect.size()
                    + " correctness lists");
        int hit = 0;
        for (int i = 0; i < optionScores.size(); i++) {
            if (optionScores.get(i).length != isCorrect.get(i).length)
                throw new IllegalArgumentException("example " + i + ": " + optionScores.get(i).length + " scores but "
                        + isCorrect.get(i).length + " flags");
            if (isCorrect.get(i)[argmax(optionScores.get(i))]) hit++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("accuracy", isCorrect.isEmpty() ? 0.0 : 100.0 * hit / isCorrect.size());
        return out;
    }

    public static Map<String, Double> accuracy(List<double[]> optionScores, int[] correctOption) {
        if (optionScores.size() != correctOption.length)
            throw new IllegalArgumentException(optionScores.size() + " score lists but " + correctOption.length
                    + " labels");
        int hit = 0;
        for (int i = 0; i < correctOption.length; i++) {
            double[] s = optionScores.get(i);
            if (correctOption[i] < 0 || correctOption[i] >= s.length)
                throw new IllegalArgumentException("example " + i + ": correct option " + correctOption[i] + " of "
                        + s.length);
            if (argmax(s) == correctOption[i]) hit++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("accuracy", correctOption.length == 0 ? 0.0 : 100.0 * hit / correctOption.length);
        return out;
    }
}
