package dev.t5j.eval;

import java.util.List;

/** Registry of the text metrics by the names the CLI and task definitions use. */
public final class Metrics {
    private Metrics() {}

    public static final List<String> NAMES = List.of("squad", "trivia_qa", "nq", "accuracy", "seq_em", "rouge", "bleu",
            "bleu_intl",
            "f1_invalid", "mcc", "pearson", "spearman");

    /** @throws IllegalArgumentException for an unknown name */
    public static Metric byName(String name) {
        return switch (name) {
            case "squad" -> QaMetrics.SQUAD;
            case "trivia_qa" -> QaMetrics.TRIVIA_QA;
            case "nq" -> new NqRecall(1);
            case "accuracy" -> SequenceMetrics.ACCURACY;
            case "seq_em" -> SequenceMetrics.SEQ_EM;
            case "rouge" -> new Rouge(false, false);
            case "bleu" -> new Bleu(Bleu.Tokenizer.TOKENIZE_13A);
            case "bleu_intl" -> new Bleu(Bleu.Tokenizer.INTL);
            case "f1_invalid" -> GlueMetrics.F1_INVALID;
            case "mcc" -> GlueMetrics.MCC;
            case "pearson" -> GlueMetrics.PEARSON;
            case "spearman" -> GlueMetrics.SPEARMAN;
            default -> throw new IllegalArgumentException("unknown metric '" + name + "'; known: " + String.join(", ",
                    NAMES));
        };
    }
}
