package dev.t5j.model.bert;

import dev.t5j.engine.Tensors;

import java.util.HashMap;
import java.util.Map;

/**
 * An independent, deliberately naive BERT forward pass and Contriever pooling in plain Java loops (double precision),
 * written from HF's {@code modeling_bert.py} formulas and Atlas's {@code Contriever.forward}. Shares no code with the
 * libtorch model except reading its parameter values by HF name.
 */
public final class NaiveBert {
    private final BertConfig c;
    private final Map<String, float[]> w = new HashMap<>();

    public NaiveBert(BertModel model) {
        c = model.config();
        model.parameters().forEach((k, v) -> w.put(k, Tensors.toFloats(v)));
    }

    private float[] p(String name) {
        float[] a = w.get(name);
        if (a == null) throw new IllegalArgumentException("missing " + name);
        return a;
    }

    /** y = x W^T + b for W [out, in]. */
    private double[][] linear(double[][] x, String prefix, int out, int in) {
        float[] wt = p(prefix + ".weight");
        float[] b = p(prefix + ".bias");
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++)
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) s += x[t][i] * wt[o * in + i];
                y[t][o] = s;
            }
        return y;
    }

    private double[][] layerNorm(double[][] x, String prefix) {
        float[] g = p(prefix + ".weight");
        float[] b = p(prefix + ".bias");
        int d = c.hiddenSize();
        double[][] y = new double[x.length][d];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) mean += v;
            mean /= d;
            double var = 0;
            for (double v : x[t]) var += (v - mean) * (v - mean);
            var /= d; // biased variance, as nn.LayerNorm
            double r = 1.0 / Math.sqrt(var + c.layerNormEps());
            for (int i = 0; i < d; i++) y[t][i] = (x[t][i] - mean) * r * g[i] + b[i];
        }
        return y;
    }

    private static double erf(double x) {
        // Abramowitz-Stegun 7.1.26 is too coarse (1e-7 abs): Maclaurin series near 0, Simpson quadrature further out.
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double sum = 0, term = ax;
            // erf(x) = 2/sqrt(pi) * sum_{n} (-1)^n x^(2n+1) / (n! (2n+1))
            double xx = ax * ax;
            double fact = 1;
            for (int k = 0; k < 60; k++) {
                sum += (k % 2 == 0 ? 1 : -1) * term / (fact * (2 * k + 1));
                term *= xx;
                fact *= (k + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (ax < 6) {
            // Simpson on 2/sqrt(pi) * integral of exp(-t^2): the series above cancels badly here.
            int n = 400;
            double hh = ax / n, s = 1 + Math.exp(-ax * ax);
            for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * Math.exp(-(i * hh) * (i * hh));
            r = 2 / Math.sqrt(Math.PI) * s * hh / 3;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }

    private double act(double x) {
        return switch (c.hiddenAct()) {
            case "gelu" -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case "gelu_new" -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case "relu" -> Math.max(0, x);
            default -> throw new IllegalArgumentException(c.hiddenAct());
        };
    }

    /** Last hidden states [T][d] of one row; {@code mask[j] == 0} keys are ignored. */
    public double[][] forward(int[] ids, int[] types, int[] mask) {
        int t = ids.length, d = c.hiddenSize(), h = c.numAttentionHeads(), hd = d / h;
        float[] we = p("embeddings.word_embeddings.weight");
        float[] pe = p("embeddings.position_embeddings.weight");
        float[] te = p("embeddings.token_type_embeddings.weight");
        double[][] x = new double[t][d];
        for (int i = 0; i < t; i++)
            for (int k = 0; k < d; k++)
                x[i][k] = (double) we[ids[i] * d + k] + pe[i * d + k] + te[(types == null ? 0 : types[i]) * d + k];
        x = layerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String pre = "encoder.layer." + l;
            double[][] q = linear(x, pre + ".attention.self.query", d, d);
            double[][] k = linear(x, pre + ".attention.self.key", d, d);
            double[][] v = linear(x, pre + ".attention.self.value", d, d);
            double[][] ctx = new double[t][d];
            for (int head = 0; head < h; head++)
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        if (mask != null && mask[j] == 0) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int e = 0; e < hd; e++) dot += q[i][head * hd + e] * k[j][head * hd + e];
                        s[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < t; j++)
                        for (int e = 0; e < hd; e++) ctx[i][head * hd + e] += s[j] / z * v[j][head * hd + e];
                }
            double[][] ao = linear(ctx, pre + ".attention.output.dense", d, d);
            for (int i = 0; i < t; i++) for (int e = 0; e < d; e++) ao[i][e] += x[i][e];
            double[][] a = layerNorm(ao, pre + ".attention.output.LayerNorm");
            double[][] inter = linear(a, pre + ".intermediate.dense", c.intermediateSize(), d);
            for (double[] row : inter) for (int e = 0; e < row.length; e++) row[e] = act(row[e]);
            double[][] o = linear(inter, pre + ".output.dense", d, c.intermediateSize());
            for (int i = 0; i < t; i++) for (int e = 0; e < d; e++) o[i][e] += a[i][e];
            x = layerNorm(o, pre + ".output.LayerNorm");
        }
        return x;
    }

    /** Contriever pooling of one row (mask 1 = token). */
    public static double[] pool(double[][] hidden, int[] mask, Pooling pooling) {
        int d = hidden[0].length;
        double[] out = new double[d];
        if (pooling == Pooling.CLS) return hidden[0].clone();
        int n = 0;
        for (int i = 0; i < hidden.length; i++) {
            if (mask[i] == 0) continue;
            n++;
            for (int e = 0; e < d; e++) out[e] += hidden[i][e];
        }
        double div = pooling == Pooling.AVERAGE ? n : Math.sqrt(n);
        for (int e = 0; e < d; e++) out[e] /= div;
        return out;
    }
}
