package dev.t5j.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics on raw strings, without normalisation: T5's {@code accuracy}/{@code sequence_accuracy} (exact string match
 * with the first reference, ×100) and the semantic-parsing metrics of {@code qa_utils.semantic_parsing_metrics}
 * (exact match and whitespace-token F1, maximum over references, ×100; atlas-ruse-t0-synthetic.md §D.7).
 */
public final class SequenceMetrics {
    private SequenceMetrics() {}

    /** {accuracy}: 100 × mean(prediction == first reference). */
    public static final Metric ACCURACY = new QaMetrics.Named("accuracy", (p, r) -> {
        Metric.checkShapes(p, r);
        int hit = 0;
        for (int i = 0; i < p.size(); i++) if (p.get(i).equals(r.get(i).get(0))) hit++;
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("accuracy", p.isEmpty() ? 0.0 : 100.0 * hit / p.size());
        return out;
    });

    /** {em, f1} without normalisation (semantic parsing, code, retrosynthesis targets). */
    public static final Metric SEQ_EM = new QaMetrics.Named("seq_em", QaMetrics::qaMetrics);

}
