package dev.t5j.eval;

import java.util.Locale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum F-measures as Google's {@code rouge_score} computes them.
 *
 * <p>Tokenisation: lower case, every run of characters outside [a-z0-9] becomes a space, split; with stemming, tokens
 * longer than 3 characters go through the Porter stemmer ({@link PorterStemmer}). ROUGE-N: clipped n-gram overlap,
 * P = overlap / prediction n-grams, R = overlap / reference n-grams, F = 2PR/(P+R). ROUGE-L: longest common
 * subsequence.
 * ROUGE-Lsum: sentences are the non-empty lines; summary-level LCS = for each reference sentence, the union of its LCS
 * positions with every prediction sentence, hits counted against token budgets of both sides.
 *
 * <p>Corpus scores are the mean per-example F ×100. With several references the best F per example and score type
 * counts ({@code score_multi}). T5's {@code metrics.rouge} reports the bootstrap "mid" of the same per-example
 * values, which is a resampled estimate of this mean; with {@code t5SentenceSplit}, " . " becomes " .\n" first as T5
 * does for ROUGE-Lsum.
 */
public final class Rouge implements Metric {
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final PorterStemmer STEMMER = new PorterStemmer();

    private final boolean stem;
    private final boolean t5SentenceSplit;

    public Rouge(boolean stem, boolean t5SentenceSplit) {
        this.stem = stem;
        this.t5SentenceSplit = t5SentenceSplit;
    }

    @Override
    public String name() {
        return "rouge";
    }

    /** P, R and F of one comparison. */
    public record Score(double precision, double recall, double fmeasure) {
        static Score of(double p, double r) {
            return new Score(p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
        }
    }

    public List<String> tokenize(String text) {
        String t = NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String tok : t.strip().split(" +")) {
            if (tok.isEmpty()) continue;
            out.add(stem && tok.length() > 3 ? STEMMER.stem(tok) : tok);
        }
        return out;
    }

    public static Score rougeN(List<String> target, List<String> prediction, int n) {
        Map<List<String>, Integer> t = ngrams(target, n), p = ngrams(prediction, n);
        int overlap = 0;
        for (var e : t.entrySet()) overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
        int tn = Math.max(0, target.size() - n + 1), pn = Math.max(0, prediction.size() - n + 1);
        return Score.of((double) overlap / Math.max(pn, 1), (double) overlap / Math.max(tn, 1));
    }

    private static Map<List<String>, Integer> ngrams(List<String> toks, int n) {
        Map<List<String>, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= toks.size(); i++) m.merge(toks.subList(i, i + n), 1, Integer::sum);
        return m;
    }

    static int[][] lcsTable(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++)
            for (int j = 1; j <= b.size(); j++)
                t[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
        return t;
    }

    public static Score rougeL(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) return new Score(0, 0, 0);
        int lcs = lcsTable(target, prediction)[target.size()][prediction.size()];
        return Score.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    /** Positions in {@code ref} of one LCS with {@code can}, by rouge_score's backtracking. */
    static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int[][] t = lcsTable(ref, can);
        int i = ref.size(), j = can.size();
        List<Integer> out = new ArrayList<>();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                out.add(0, i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return out;
    }

    public static Score rougeLsum(List<List<String>> target, List<List<String>> prediction) {
        int m = target.stream().mapToInt(List::size).sum(), n = prediction.stream().mapToInt(List::size).sum();
        if (m == 0 || n == 0) return new Score(0, 0, 0);
        Map<String, Integer> budgetR = new HashMap<>(), budgetC = new HashMap<>();
        for (List<String> s : target) for (String x : s) budgetR.merge(x, 1, Integer::sum);
        for (List<String> s : prediction) for (String x : s) budgetC.merge(x, 1, Integer::sum);
        int hits = 0;
        for (List<String> r : target) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> c : prediction) union.addAll(lcsIndices(r, c));
            for (int idx : union) {
                String tok = r.get(idx);
                if (budgetC.getOrDefault(tok, 0) > 0 && budgetR.getOrDefault(tok, 0) > 0) {
                    hits++;
                    budgetC.merge(tok, -1, Integer::sum);
                    budgetR.merge(tok, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }

    private List<List<String>> sentences(String text) {
        if (t5SentenceSplit) text = text.replace(" . ", " .\n");
        List<List<String>> out = new ArrayList<>();
        for (String s : text.split("\n", -1)) if (!s.isEmpty()) out.add(tokenize(s));
        return out;
    }

    /** Scores of one prediction against one reference: rouge1, rouge2, rougeL, rougeLsum. */
    public Map<String, Score> score(String target, String prediction) {
        List<String> t = tokenize(target), p = tokenize(prediction);
        Map<String, Score> out = new LinkedHashMap<>();
        out.put("rouge1", rougeN(t, p, 1));
        out.put("rouge2", rougeN(t, p, 2));
        out.put("rougeL", rougeL(t, p));
        out.put("rougeLsum", rougeLsum(sentences(target), sentences(prediction)));
        return out;
    }

    @Override
    public Map<String, Double> compute(List<String> predictions, List<List<String>> references) {
        Metric.checkShapes(predictions, references);
        String[] keys = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
        double[] sum = new double[keys.length];
        for (int i = 0; i < predictions.size(); i++) {
            double[] best = new double[keys.length];
            Arrays.fill(best, 0);
            for (String ref : references.get(i)) {
                Map<String, Score> s = score(ref, predictions.get(i));
                for (int k = 0; k < keys.length; k++) best[k] = Math.max(best[k], s.get(keys[k]).fmeasure());
            }
            for (int k = 0; k < keys.length; k++) sum[k] += best[k];
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < keys.length; k++) out.put(keys[k], predictions.isEmpty() ? 0.0
                : 100 * sum[k] / predictions.size());
        return out;
    }
}
