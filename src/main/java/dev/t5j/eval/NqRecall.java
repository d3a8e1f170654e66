package dev.t5j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Closed-book NQ multi-answer "recall" ({@code t5_cbqa/metrics.py::natural_questions}; t5-seqio-t5x-cbqa.md §5.2).
 *
 * <p>A prediction {@code "answer: A1 answer: A2"} becomes the set {A1, A2} (text after each "answer:", stripped). Each
 * reference string is one annotator's answers in the same form (a string without "answer:" is a single answer; "yes"
 * and
 * "no" are answers like any other). Answers are SQuAD-normalised; empty annotations are dropped; examples with fewer
 * than {@code nonNullThreshold} non-empty annotations are skipped; an example is correct iff its predicted set equals
 * some annotator's set. Returns {@code recall} = correct / counted × 100 and {@code golden_answers} = counted.
 */
public final class NqRecall implements Metric {
    private final int nonNullThreshold;

    public NqRecall(int nonNullThreshold) {
        this.nonNullThreshold = nonNullThreshold;
    }

    @Override
    public String name() {
        return "nq";
    }

    /** The normalised answer set of {@code "answer: A answer: B"}; plain text without the marker is one answer. */
    public static Set<String> answers(String s, boolean markerRequired) {
        List<String> parts = new ArrayList<>();
        if (s.contains("answer:")) {
            String[] split = s.split("answer:", -1);
            for (int i = 1; i < split.length; i++) parts.add(split[i].strip());
        } else if (!markerRequired) {
            parts.add(s.strip());
        }
        Set<String> out = new LinkedHashSet<>();
        for (String p : parts) {
            String n = QaMetrics.normalizeSquad(p);
            if (!n.isEmpty()) out.add(n);
        }
        return out;
    }

    @Override
    public Map<String, Double> compute(List<String> predictions, List<List<String>> references) {
        Metric.checkShapes(predictions, references);
        int gold = 0, correct = 0;
        for (int i = 0; i < predictions.size(); i++) {
            List<Set<String>> annotations = new ArrayList<>();
            for (String r : references.get(i)) {
                Set<String> a = answers(r, false);
                if (!a.isEmpty()) annotations.add(a);
            }
            if (annotations.size() < nonNullThreshold) continue;
            gold++;
            Set<String> predicted = answers(predictions.get(i), true);
            if (annotations.contains(predicted)) correct++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("recall", gold == 0 ? 0.0 : 100.0 * correct / gold);
        out.put("golden_answers", (double) gold);
        return out;
    }
}
