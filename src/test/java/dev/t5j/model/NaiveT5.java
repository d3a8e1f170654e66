package dev.t5j.model;

import dev.t5j.engine.Tensors;

import java.util.HashMap;
import java.util.function.BiFunction;
import java.util.Map;

/**
 * An independent, deliberately naive T5 forward pass in plain Java loops (double accumulation), written from HF's
 * {@code modeling_t5.py} formulas. Tests compare the libtorch model against it; it shares no code with the model
 * except reading the parameter values.
 */
public final class NaiveT5 {
    /** When non-null, each cross-attention appends mean over heads of (probability × value norm), [T][K]. */
    public java.util.List<double[][]> crossProbe;
    /**
     * When non-null, every self-attention and feed-forward sub-layer output passes through it before the residual
     * add, given the sub-layer's HF prefix (e.g. {@code decoder.block.1.layer.2}): where ruse puts its adapters.
     */
    public BiFunction<String, double[][], double[][]> subLayerHook;
    private final T5Config c;
    private final Map<String, float[]> w = new HashMap<>();

    public NaiveT5(T5ForConditionalGeneration model) {
        this.c = model.config();
        model.parameters().forEach((k, v) -> w.put(k, Tensors.toFloats(v)));
    }

    /** Replaces a parameter's values (a test's expected effective weight, e.g. a merged LoRA update). */
    public void setWeight(String name, float[] values) {
        if (p(name).length != values.length) throw new IllegalArgumentException("size of " + name);
        w.put(name, values);
    }

    private double[][] hook(String prefix, double[][] y) {
        return subLayerHook == null ? y : subLayerHook.apply(prefix, y);
    }

    private float[] p(String name) {
        float[] a = w.get(name);
        if (a == null) throw new IllegalArgumentException("missing " + name);
        return a;
    }

    /** y = x W^T for W [out, in]. */
    private static double[][] linear(double[][] x, float[] wt, int out, int in) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++)
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) s += x[t][i] * wt[o * in + i];
                y[t][o] = s;
            }
        return y;
    }

    private double[][] rms(double[][] x, String name) {
        float[] g = p(name);
        double[][] y = new double[x.length][c.dModel()];
        for (int t = 0; t < x.length; t++) {
            double v = 0;
            for (double d : x[t]) v += d * d;
            v /= c.dModel();
            double r = 1.0 / Math.sqrt(v + c.layerNormEpsilon());
            for (int i = 0; i < c.dModel(); i++) y[t][i] = g[i] * x[t][i] * r;
        }
        return y;
    }

    static int bucket(int rel, boolean bidirectional, int numBuckets, int maxDistance) {
        int ret = 0;
        int n = -rel;
        if (bidirectional) {
            numBuckets /= 2;
            if (n < 0) ret += numBuckets;
            n = Math.abs(n);
        } else {
            n = Math.max(n, 0);
        }
        int maxExact = numBuckets / 2;
        if (n < maxExact) return ret + n;
        int v = maxExact
                + (int) (Math.log((double) n / maxExact) / Math.log((double) maxDistance / maxExact) * (numBuckets -
                maxExact));
        return ret + Math.min(v, numBuckets - 1);
    }

    private double[][] attention(String prefix, double[][] xq, double[][] xkv, double[][][] bias, boolean[] keyMask,
            boolean causal) {
        double[][] probeOut = crossProbe != null && prefix.endsWith("EncDecAttention")
                ? new double[xq.length][xkv.length] : null;
        int h = c.numHeads(), dk = c.dKv(), inner = c.innerDim(), d = c.dModel();
        double[][] q = linear(xq, p(prefix + ".q.weight"), inner, d);
        double[][] k = linear(xkv, p(prefix + ".k.weight"), inner, d);
        double[][] v = linear(xkv, p(prefix + ".v.weight"), inner, d);
        double[][] ctx = new double[xq.length][inner];
        for (int head = 0; head < h; head++)
            for (int i = 0; i < xq.length; i++) {
                double[] s = new double[xkv.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < xkv.length; j++) {
                    if ((keyMask != null && !keyMask[j]) || (causal && j > i)) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int e = 0; e < dk; e++) dot += q[i][head * dk + e] * k[j][head * dk + e];
                    s[j] = dot + (bias == null ? 0 : bias[head][i][j]);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < s.length; j++) {
                    s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < s.length; j++)
                    for (int e = 0; e < dk; e++) ctx[i][head * dk + e] += s[j] / sum * v[j][head * dk + e];
                if (probeOut != null)
                    for (int j = 0; j < s.length; j++) {
                        double nv = 0;
                        for (int e = 0; e < dk; e++) nv += v[j][head * dk + e] * v[j][head * dk + e];
                        probeOut[i][j] += s[j] / sum * Math.sqrt(nv) / h;
                    }
            }
        if (probeOut != null) crossProbe.add(probeOut);
        return linear(ctx, p(prefix + ".o.weight"), d, inner);
    }

    private double[][][] bias(String table, int q, int k, boolean bidirectional) {
        float[] tb = p(table);
        int h = c.numHeads();
        double[][][] b = new double[h][q][k];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < k; j++) {
                int bk = bucket(j - i, bidirectional, c.relativeAttentionNumBuckets(),
                        c.relativeAttentionMaxDistance());
                for (int head = 0; head < h; head++) b[head][i][j] = tb[bk * h + head];
            }
        return b;
    }

    private double[][] ff(String prefix, double[][] x) {
        int d = c.dModel(), ff = c.dFf();
        double[][] h;
        if (c.isGatedAct()) {
            double[][] a = linear(x, p(prefix + ".wi_0.weight"), ff, d);
            double[][] g = linear(x, p(prefix + ".wi_1.weight"), ff, d);
            h = new double[x.length][ff];
            for (int t = 0; t < x.length; t++)
                for (int i = 0; i < ff; i++) {
                    double u = a[t][i];
                    double gelu = 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));
                    h[t][i] = gelu * g[t][i];
                }
        } else {
            h = linear(x, p(prefix + ".wi.weight"), ff, d);
            for (double[] row : h) for (int i = 0; i < ff; i++) row[i] = Math.max(0, row[i]);
        }
        return linear(h, p(prefix + ".wo.weight"), d, ff);
    }

    private static void addInto(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) for (int i = 0; i < x[t].length; i++) x[t][i] += y[t][i];
    }

    private double[][] embed(int[] ids) {
        float[] e = p("shared.weight");
        double[][] x = new double[ids.length][c.dModel()];
        for (int t = 0; t < ids.length; t++) for (int i = 0; i < c.dModel(); i++) x[t][i] = e[ids[t] * c.dModel() + i];
        return x;
    }

    /** Logits [T][V] for one unpadded input and the given decoder input ids. */
    public double[][] logits(int[] input, int[] decoderInput) {
        return decodeLogits(encode(input), null, decoderInput);
    }

    /** Encoder output [S][d] of one unpadded input. */
    public double[][] encode(int[] input) {
        double[][] x = embed(input);
        double[][][] eb = bias("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", input.length,
                input.length, true);
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "encoder.block." + i;
            addInto(x, hook(b + ".layer.0", attention(b + ".layer.0.SelfAttention", rms(x, b
                    + ".layer.0.layer_norm.weight"),
                    rms(x, b + ".layer.0.layer_norm.weight"), eb, null, false)));
            addInto(x, hook(b + ".layer.1", ff(b + ".layer.1.DenseReluDense", rms(x, b
                    + ".layer.1.layer_norm.weight"))));
        }
        return rms(x, "encoder.final_layer_norm.weight");
    }

    /**
     * Logits [T][V] over encoder states {@code enc} [S][d] (keys where {@code encMask} is false are ignored; null =
     * all).
     */
    public double[][] decodeLogits(double[][] enc, boolean[] encMask, int[] decoderInput) {
        double[][] y = embed(decoderInput);
        double[][][] db = bias("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                decoderInput.length, decoderInput.length, false);
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            String b = "decoder.block." + i;
            double[][] n0 = rms(y, b + ".layer.0.layer_norm.weight");
            addInto(y, hook(b + ".layer.0", attention(b + ".layer.0.SelfAttention", n0, n0, db, null, true)));
            addInto(y, attention(b + ".layer.1.EncDecAttention", rms(y, b + ".layer.1.layer_norm.weight"), enc, null,
                    encMask, false));
            addInto(y, hook(b + ".layer.2", ff(b + ".layer.2.DenseReluDense", rms(y, b
                    + ".layer.2.layer_norm.weight"))));
        }
        double[][] out = rms(y, "decoder.final_layer_norm.weight");
        if (c.tieWordEmbeddings()) for (double[] row : out) for (int i = 0; i < row.length; i++) row[i] *=
                Math.pow(c.dModel(), -0.5);
        return linear(out, p(c.tieWordEmbeddings() ? "shared.weight" : "lm_head.weight"), c.vocabSize(), c.dModel());
    }
}
