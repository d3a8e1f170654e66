package dev.t5j.adapters;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.util.HashMap;
import java.util.Map;

/**
 * The adapter formulas of ruse/HyperFormer written out in plain double loops from the parameter values (reference
 * B.1, B.2), independent of the libtorch modules: tests compare the modules against it.
 */
final class AdapterReference {
    final Map<String, float[]> p = new HashMap<>();
    final AdapterConfig c;
    final int d;
    final int b;

    AdapterReference(AdapterModule m, int dModel) {
        m.parameters().forEach((k, v) -> p.put(k, Tensors.toFloats(v)));
        c = m.config();
        d = dModel;
        b = dModel / c.reductionFactor();
    }

    float[] w(String name) {
        float[] a = p.get(name);
        if (a == null) throw new IllegalArgumentException("missing " + name);
        return a;
    }

    /** nn.Linear: y[o] = Σ_i x[i]·W[o][i] + bias[o]. */
    static double[] linear(double[] x, float[] wt, float[] bias, int out) {
        return linear(x, toD(wt), bias == null ? null : toD(bias), out);
    }

    static double[] linear(double[] x, double[] wt, double[] bias, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) s += x[i] * wt[o * in + i];
            y[o] = s;
        }
        return y;
    }

    static double[] toD(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static double act(String name, double x) {
        return switch (name) {
            case "relu" -> Math.max(0, x);
            case "swish", "silu" -> x / (1 + Math.exp(-x));
            case "gelu_new" -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case "tanh" -> Math.tanh(x);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** nn.LayerNorm over the vector: (x - mean) / sqrt(var + eps) · w + b (biased variance). */
    static double[] layerNorm(double[] x, double[] w, double[] bias, double eps) {
        double mean = 0;
        for (double v : x) mean += v;
        mean /= x.length;
        double var = 0;
        for (double v : x) var += (v - mean) * (v - mean);
        var /= x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean) / Math.sqrt(var + eps) * w[i] + bias[i];
        return y;
    }

    /** One adapter on one token vector, given (possibly generated) weights; null layer-norm weights skip that norm. */
    double[] adapter(double[] x, double[] downW, double[] downB, double[] upW, double[] upB,
                     double[] preW, double[] preB, double[] postW, double[] postB) {
        double[] z = preW == null ? x : layerNorm(x, preW, preB, 1e-5);
        double[] h = linear(z, downW, downB, b);
        for (int i = 0; i < h.length; i++) h[i] = act(c.nonLinearity(), h[i]);
        double[] out = linear(h, upW, upB, d);
        if (postW != null) out = layerNorm(out, postW, postB, 1e-5);
        for (int i = 0; i < d; i++) out[i] += x[i];
        return out;
    }

    /** Houlsby adapter of {@code task} at the sub-layer with HF prefix {@code site}. */
    double[] houlsby(String site, String task, double[] x) {
        String p0 = site + ".adapter_controller";
        String a = p0 + ".adapters." + task;
        boolean pre = c.addLayerNormBeforeAdapter();
        boolean post = c.addLayerNormAfterAdapter();
        return adapter(x, toD(w(a + ".down_sampler.weight")), toD(w(a + ".down_sampler.bias")),
                toD(w(a + ".up_sampler.weight")), toD(w(a + ".up_sampler.bias")),
                pre ? toD(w(p0 + ".pre_layer_norm.weight")) : null, pre ? toD(w(p0 + ".pre_layer_norm.bias")) : null,
                post ? toD(w(p0 + ".post_layer_norm.weight")) : null, post ? toD(w(p0 + ".post_layer_norm.bias"))
                        : null);
    }

    /** The task embedding the hypernetworks see (projected through TaskHyperNet when trained). */
    double[] taskEmbedding(String task) {
        double[] e = toD(w("task_embedding_controller.task_to_embeddings." + task));
        if (!c.trainTaskEmbeddings()) return e;
        return taskHyperNet("task_embedding_controller.task_hyper_net", e);
    }

    double[] taskHyperNet(String prefix, double[] e) {
        String g = prefix + ".task_embeding_generator.";
        double[] h = linear(e, w(g + "0.weight"), w(g + "0.bias"), c.taskHiddenDim());
        for (int i = 0; i < h.length; i++) h[i] = Math.max(0, h[i]);
        return linear(h, w(g + "2.weight"), w(g + "2.bias"), c.projectedTaskEmbeddingDim());
    }

    /** Generated [in·out] weight (row-major as view(in, out)) and [in] bias of a weight generator. */
    double[][] generate(String prefix, double[] e, int in, int out) {
        return new double[][]{linear(e, w(prefix + ".weight_generator.0.weight"), w(prefix
                + ".weight_generator.0.bias"), in * out),
                linear(e, w(prefix + ".bias_generator.0.weight"), w(prefix + ".bias_generator.0.bias"), in)};
    }

    double[][] lnGenerate(String prefix, double[] e) {
        return new double[][]{linear(e, w(prefix + ".weight_generator.weight"), w(prefix + ".weight_generator.bias"),
                d),
                linear(e, w(prefix + ".bias_generator.weight"), w(prefix + ".bias_generator.bias"), d)};
    }

    /** Meta-adapter at {@code site} for {@code task}. */
    double[] meta(String site, String task, double[] x) {
        double[] e = taskEmbedding(task);
        String p0 = site + ".adapter_controller";
        double[][] up = generate(p0 + ".meta_up_sampler", e, d, b);
        double[][] down = generate(p0 + ".meta_down_sampler", e, b, d);
        double[][] pre = null;
        double[][] post = null;
        if (c.addLayerNormBeforeAdapter()) pre = c.conditionalLayerNorm() ? lnGenerate(p0 + ".pre_layernorm_hypernet",
                e)
                : new double[][]{toD(w(p0 + ".pre_layer_norm.weight")), toD(w(p0 + ".pre_layer_norm.bias"))};
        if (c.addLayerNormAfterAdapter()) post = c.conditionalLayerNorm() ? lnGenerate(p0
                + ".post_layernorm_hypernet", e)
                : new double[][]{toD(w(p0 + ".post_layer_norm.weight")), toD(w(p0 + ".post_layer_norm.bias"))};
        return adapter(x, down[0], down[1], up[0], up[1], pre == null ? null : pre[0], pre == null ? null : pre[1],
                post == null ? null : post[0], post == null ? null : post[1]);
    }

    /** HyperFormer (efficient = HyperFormer++) at stack/layer/sub-layer kind (0 = feed-forward, 1 = self-attention). */
    double[] hyper(boolean efficient, boolean decoder, int layer, int type, String task, double[] x) {
        String s = (decoder ? "decoder" : "encoder") + ".adapter_layers_hyper_net";
        int e = c.taskEmbeddingDim();
        double[] task0 = taskEmbedding(task);
        float[] ids = w(s + ".layer_id_embeddings.weight");
        double[] in = new double[(efficient ? 3 : 2) * e];
        System.arraycopy(task0, 0, in, 0, e);
        for (int i = 0; i < e; i++) in[e + i] = ids[layer * e + i];
        if (efficient) {
            float[] types = w(s + ".adapters_block_type.weight");
            for (int i = 0; i < e; i++) in[2 * e + i] = types[type * e + i];
        }
        double[] emb = taskHyperNet(s + ".task_hypernet", in);
        if (c.uniqueHyperNetLayerNorm())
            emb = layerNorm(emb, toD(w(s + ".LayerNorm.weight")), toD(w(s + ".LayerNorm.bias")), 1e-6);
        String kind = efficient ? "" : (type == 0 ? "feed_forward_" : "self_attention_");
        double[][] up = generate(s + "." + kind + "up_sampler_hyper_net", emb, d, b);
        double[][] down = generate(s + "." + kind + "down_sampler_hyper_net", emb, b, d);
        double[][] pre = c.addLayerNormBeforeAdapter() ? lnGenerate(s + "." + kind + "pre_layernorm_hypernet", emb)
                : null;
        double[][] post = c.addLayerNormAfterAdapter() ? lnGenerate(s + "." + kind + "post_layernorm_hypernet", emb)
                : null;
        return adapter(x, down[0], down[1], up[0], up[1], pre == null ? null : pre[0], pre == null ? null : pre[1],
                post == null ? null : post[0], post == null ? null : post[1]);
    }

    static double[][] rows(Tensor t) {
        float[] f = Tensors.toFloats(t);
        int d = (int) t.size(-1);
        double[][] r = new double[f.length / d][d];
        for (int i = 0; i < f.length; i++) r[i / d][i % d] = f[i];
        return r;
    }
}
