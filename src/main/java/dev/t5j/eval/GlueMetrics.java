package dev.t5j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The GLUE metrics of ruse/HyperFormer ({@code metrics/metrics.py}, reference B.5), ×100 as theirs: F1 with invalid
 * predictions counted wrong, Matthews correlation, Pearson and Spearman correlation (0 when undefined, as theirs), and
 * the average over tasks used for model selection. Predictions and references arrive postprocessed as text
 * ({@code string_to_int} gives "-1" for an unparsable prediction, {@code string_to_float} "-1.0").
 */
public final class GlueMetrics {
    private GlueMetrics() {}

    /** {@code f1_score_with_invalid}: a prediction other than 0/1 becomes {@code 1 - target}; F1 of class 1. */
    public static final Metric F1_INVALID = new QaMetrics.Named("f1_invalid", (p, r) -> {
        Metric.checkShapes(p, r);
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < p.size(); i++) {
            int t = toInt(r.get(i).get(0));
            int y = toInt(p.get(i));
            if (y != 0 && y != 1) y = 1 - t;
            if (y == 1 && t == 1) tp++;
            else if (y == 1) fp++;
            else if (t == 1) fn++;
        }
        double denom = 2.0 * tp + fp + fn;
        return Map.of("f1", denom == 0 ? 0.0 : 100 * 2.0 * tp / denom); // sklearn: 0 on zero division
    });

    /** {@code matthews_corrcoef} (sklearn's multiclass form, which is the binary one for two labels). */
    public static final Metric MCC = new QaMetrics.Named("mcc", (p, r) -> {
        Metric.checkShapes(p, r);
        int[] y = new int[p.size()];
        int[] t = new int[p.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = toInt(p.get(i));
            t[i] = toInt(r.get(i).get(0));
        }
        return Map.of("mcc", 100 * matthews(t, y));
    });

    public static final Metric PEARSON = new QaMetrics.Named("pearson", (p, r) -> {
        Metric.checkShapes(p, r);
        double v = pearson(floats(refs(r)), floats(p));
        return Map.of("pearson_corrcoef", Double.isNaN(v) ? 0.0 : 100 * v);
    });

    public static final Metric SPEARMAN = new QaMetrics.Named("spearman", (p, r) -> {
        Metric.checkShapes(p, r);
        double v = pearson(ranks(floats(refs(r))), ranks(floats(p)));
        return Map.of("spearman_corrcoef", Double.isNaN(v) ? 0.0 : 100 * v);
    });

    static double matthews(int[] t, int[] y) {
        TreeSet<Integer> labels = new TreeSet<>();
        for (int v : t) labels.add(v);
        for (int v : y) labels.add(v);
        List<Integer> l = new ArrayList<>(labels);
        int k = l.size();
        double[] tk = new double[k];
        double[] pk = new double[k];
        double c = 0;
        for (int i = 0; i < t.length; i++) {
            tk[l.indexOf(t[i])]++;
            pk[l.indexOf(y[i])]++;
            if (t[i] == y[i]) c++;
        }
        double s = t.length;
        double cov = c * s, pp = s * s, tt = s * s;
        for (int j = 0; j < k; j++) {
            cov -= pk[j] * tk[j];
            pp -= pk[j] * pk[j];
            tt -= tk[j] * tk[j];
        }
        return pp * tt == 0 ? 0.0 : cov / Math.sqrt(pp * tt);
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb); // NaN when either side is constant, as scipy
    }

    /** Ranks 1..n, ties get their average rank (scipy.stats.rankdata "average"). */
    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int m = i; m <= j; m++) r[idx[m]] = avg;
            i = j + 1;
        }
        return r;
    }

    /** HyperFormer's {@code eval_average_metrics}: the mean of every non-loss metric of every task. */
    public static double average(Collection<Map<String, Double>> perTask) {
        double sum = 0;
        int n = 0;
        for (Map<String, Double> m : perTask)
            for (Map.Entry<String, Double> e : m.entrySet()) {
                if (e.getKey().equals("loss") || e.getKey().equals("exact_match_ids")) continue;
                sum += e.getValue();
                n++;
            }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static List<String> refs(List<List<String>> r) {
        List<String> out = new ArrayList<>();
        for (List<String> l : r) out.add(l.get(0));
        return out;
    }

    private static double[] floats(List<String> s) {
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = toFloat(s.get(i));
        return d;
    }

    /** HyperFormer's {@code string_to_int}: -1 when the text is not an integer. */
    public static int toInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** HyperFormer's {@code string_to_float}: -1 when the text is not a number. */
    public static double toFloat(String s) {
        try {
            double v = Double.parseDouble(s.strip());
            return Double.isNaN(v) || s.strip().matches(".*[dDfF]$") ? -1.0 : v;
        } catch (NumberFormatException e) {
            return -1.0;
        }
    }
}
