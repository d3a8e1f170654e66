package dev.t5j.eval;

import java.util.function.BiFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Question-answering metrics of T5 ({@code t5/evaluation/qa_utils.py}, {@code metrics.squad/trivia_qa}; reference
 * t5-seqio-t5x-cbqa.md §4.6): answer normalisation, exact match and token F1, each the maximum over the references,
 * averaged over examples and ×100.
 */
public final class QaMetrics {
    private QaMetrics() {}

    /** Python's {@code string.punctuation}. */
    public static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final String TRIVIA_PUNCTUATION = PUNCTUATION + "‘’´";
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /** lower → drop {@code string.punctuation} → articles to " " → collapse whitespace. */
    public static String normalizeSquad(String s) {
        return normalize(s, PUNCTUATION, "");
    }

    /** As {@link #normalizeSquad} but punctuation (plus ‘ ’ ´) becomes a space, then strip. */
    public static String normalizeTriviaQa(String s) {
        return normalize(s, TRIVIA_PUNCTUATION, " ").strip();
    }

    private static String normalize(String s, String punct, String repl) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(lower.length());
        lower.codePoints().forEach(cp -> {
            if (cp < 0x10000 && punct.indexOf(cp) >= 0) sb.append(repl);
            else sb.appendCodePoint(cp);
        });
        return whitespaceFix(ARTICLES.matcher(sb).replaceAll(" "));
    }

    /** Python {@code " ".join(s.split())}. */
    static String whitespaceFix(String s) {
        return String.join(" ", tokens(s));
    }

    /** Python {@code s.split()}. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        for (String t : SPACES.split(s.strip())) if (!t.isEmpty()) out.add(t);
        return out;
    }

    /** {@code _f1_score}: whitespace tokens, multiset overlap; 0 when nothing is shared. */
    public static double tokenF1(String target, String prediction) {
        List<String> p = tokens(prediction), t = tokens(target);
        Map<String, Integer> counts = new HashMap<>();
        for (String x : t) counts.merge(x, 1, Integer::sum);
        int same = 0;
        for (String x : p) {
            Integer c = counts.get(x);
            if (c != null && c > 0) {
                same++;
                counts.put(x, c - 1);
            }
        }
        if (same == 0) return 0;
        double precision = (double) same / p.size(), recall = (double) same / t.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** {@code qa_metrics}: mean over examples of max-over-references EM and F1, ×100, on already normalised text. */
    public static Map<String, Double> qaMetrics(List<String> predictions, List<List<String>> references) {
        Metric.checkShapes(predictions, references);
        double em = 0, f1 = 0;
        for (int i = 0; i < predictions.size(); i++) {
            String p = predictions.get(i);
            double bestEm = 0, bestF1 = 0;
            for (String t : references.get(i)) {
                bestEm = Math.max(bestEm, t.equals(p) ? 1 : 0);
                bestF1 = Math.max(bestF1, tokenF1(t, p));
            }
            em += bestEm;
            f1 += bestF1;
        }
        int n = Math.max(1, predictions.size());
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("em", 100 * em / n);
        out.put("f1", 100 * f1 / n);
        return out;
    }

    static Map<String, Double> normalizedQa(List<String> predictions, List<List<String>> references,
            UnaryOperator<String> norm) {
        Metric.checkShapes(predictions, references);
        return qaMetrics(predictions.stream().map(norm).toList(), references.stream().map(r
                -> r.stream().map(norm).toList()).toList());
    }

    /** {@code metrics.squad}: {em, f1}. */
    public static final Metric SQUAD = new Named("squad", (p, r) -> normalizedQa(p, r, QaMetrics::normalizeSquad));
    /** {@code metrics.trivia_qa}: {em, f1}. */
    public static final Metric TRIVIA_QA = new Named("trivia_qa", (p, r) -> normalizedQa(p, r,
            QaMetrics::normalizeTriviaQa));

    /** A metric from a name and a function. */
    record Named(String name, BiFunction<List<String>, List<List<String>>, Map<String,
            Double>> fn) implements Metric {
        @Override
        public Map<String, Double> compute(List<String> predictions, List<List<String>> references) {
            return fn.apply(predictions, references);
        }
    }
}
