package dev.t5j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Corpus BLEU as sacreBLEU's {@code corpus_bleu} computes it with its defaults: 4-gram precisions with counts clipped
 * by the maximum count over an example's references, the reference length closest to the hypothesis (shorter on ties),
 * "exp" smoothing (the n-th precision with no match becomes 100 / (2^k · total) for the k-th such order), brevity
 * penalty exp(1 − r/c), no effective order, no lower-casing. Tokenisers: "13a" (sacreBLEU's default, mteval-v13a) and
 * "intl" (mteval-v14 international, what T5's {@code metrics.bleu} uses).
 */
public final class Bleu implements Metric {
    public enum Tokenizer {
        TOKENIZE_13A(Bleu::tokenize13a), INTL(Bleu::tokenizeIntl), NONE(s -> s);

        final UnaryOperator<String> fn;

        Tokenizer(UnaryOperator<String> fn) {
            this.fn = fn;
        }

        public String apply(String s) {
            return fn.apply(s);
        }
    }

    private static final int MAX_ORDER = 4;
    private final Tokenizer tokenizer;

    public Bleu(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public String name() {
        return "bleu";
    }

    // ---- tokenizers (sacrebleu/tokenizers/tokenizer_13a.py, tokenizer_re.py, tokenizer_intl.py) ----

    private static final Pattern RE_13A_PUNCT = Pattern.compile("([\\{-~\\[-` -&(-+:-@/])");
    private static final Pattern RE_13A_PERIOD_COMMA_1 = Pattern.compile("([^0-9])([.,])");
    private static final Pattern RE_13A_PERIOD_COMMA_2 = Pattern.compile("([.,])([^0-9])");
    private static final Pattern RE_13A_DASH = Pattern.compile("([0-9])(-)");
    private static final Pattern WS = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    public static String tokenize13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.contains("&"))
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        line = " " + line + " ";
        line = RE_13A_PUNCT.matcher(line).replaceAll(" $1 ");
        line = RE_13A_PERIOD_COMMA_1.matcher(line).replaceAll("$1 $2 ");
        line = RE_13A_PERIOD_COMMA_2.matcher(line).replaceAll(" $1 $2");
        line = RE_13A_DASH.matcher(line).replaceAll("$1 $2 ");
        return collapse(line);
    }

    private static final Pattern RE_INTL_1 = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern RE_INTL_2 = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern RE_INTL_3 = Pattern.compile("(\\p{S})");

    public static String tokenizeIntl(String line) {
        line = RE_INTL_1.matcher(line).replaceAll("$1 $2 ");
        line = RE_INTL_2.matcher(line).replaceAll(" $1 $2");
        line = RE_INTL_3.matcher(line).replaceAll(" $1 ");
        return collapse(line);
    }

    private static String collapse(String s) {
        return String.join(" ", QaMetrics.tokens(s));
    }

    // ---- statistics ----

    /** Sufficient statistics: hypothesis and reference length, matches and totals per order. */
    public record Stats(long hypLen, long refLen, long[] correct, long[] total) {}

    private static Map<List<String>, Integer> ngrams(List<String> toks) {
        Map<List<String>, Integer> m = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++)
            for (int i = 0; i + n <= toks.size(); i++) m.merge(toks.subList(i, i + n), 1, Integer::sum);
        return m;
    }

    private static List<String> split(String tokenized) {
        List<String> out = new ArrayList<>();
        for (String t : tokenized.split(" ")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    public Stats stats(List<String> predictions, List<List<String>> references) {
        Metric.checkShapes(predictions, references);
        long hypLen = 0, refLen = 0;
        long[] correct = new long[MAX_ORDER], total = new long[MAX_ORDER];
        for (int i = 0; i < predictions.size(); i++) {
            List<String> hyp = split(tokenizer.apply(predictions.get(i)));
            Map<List<String>, Integer> refMax = new HashMap<>();
            int closestDiff = -1, closestLen = -1;
            for (String r : references.get(i)) {
                List<String> ref = split(tokenizer.apply(r));
                int diff = Math.abs(hyp.size() - ref.size());
                if (closestDiff == -1 || diff < closestDiff) {
                    closestDiff = diff;
                    closestLen = ref.size();
                } else if (diff == closestDiff && ref.size() < closestLen) {
                    closestLen = ref.size();
                }
                for (var e : ngrams(ref).entrySet()) refMax.merge(e.getKey(), e.getValue(), Math::max);
            }
            hypLen += hyp.size();
            refLen += closestLen;
            for (var e : ngrams(hyp).entrySet())
                correct[e.getKey().size() - 1] += Math.min(e.getValue(), refMax.getOrDefault(e.getKey(), 0));
            for (int n = 1; n <= MAX_ORDER; n++) total[n - 1] += Math.max(0, hyp.size() - n + 1);
        }
        return new Stats(hypLen, refLen, correct, total);
    }

    /** sacreBLEU's {@code compute_bleu} with smooth_method="exp", use_effective_order=False. */
    public static Map<String, Double> score(Stats s) {
        double[] precisions = new double[MAX_ORDER];
        double smooth = 1;
        boolean any = false;
        for (long c : s.correct()) any |= c > 0;
        Map<String, Double> out = new LinkedHashMap<>();
        double bp = s.hypLen() < s.refLen() ? (s.hypLen() > 0 ? Math.exp(1 - (double) s.refLen() / s.hypLen()) : 0) : 1;
        if (any) {
            for (int n = 1; n <= MAX_ORDER; n++) {
                if (s.total()[n - 1] == 0) break;
                if (s.correct()[n - 1] == 0) {
                    smooth *= 2;
                    precisions[n - 1] = 100.0 / (smooth * s.total()[n - 1]);
                } else {
                    precisions[n - 1] = 100.0 * s.correct()[n - 1] / s.total()[n - 1];
                }
            }
            double logSum = 0;
            for (double p : precisions) logSum += p == 0 ? -9999999999.0 : Math.log(p);
            out.put("bleu", bp * Math.exp(logSum / MAX_ORDER));
        } else {
            out.put("bleu", 0.0);
        }
        for (int n = 1; n <= MAX_ORDER; n++) out.put("precision_" + n, precisions[n - 1]);
        out.put("bp", bp);
        out.put("sys_len", (double) s.hypLen());
        out.put("ref_len", (double) s.refLen());
        return out;
    }

    @Override
    public Map<String, Double> compute(List<String> predictions, List<List<String>> references) {
        return score(stats(predictions, references));
    }
}
