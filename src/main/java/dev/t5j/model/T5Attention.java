package dev.t5j.model;

import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Multi-head attention as HF's {@code T5Attention}: no biases, no 1/sqrt(d_kv) scaling (folded into the q init),
 * softmax in fp32, and in block 0 of each stack a learned relative position bias table shared by all later blocks.
 */
final class T5Attention {
    final Tensor q;
    final Tensor k;
    final Tensor v;
    final Tensor o;
    /** [num_buckets, heads], only in block 0 of each stack; null elsewhere. */
    final Tensor relativeAttentionBias;
    private final boolean bidirectional;
    private final int heads;
    private final int dKv;
    private final int numBuckets;
    private final int maxDistance;
    private final double dropout;
    private final String prefix;
    /** Null = plain T5; see {@link ModelHooks#afterLinear}. */
    ModelHooks hooks;
    private static final DoubleOptional UNSCALED = new DoubleOptional(1.0);
    /**
     * Products of passes without gradients (decoding steps, the encoder, scoring): q, k and v stacked
     * (self-attention), q alone and k, v stacked (cross-attention), o.
     */
    private final InferenceLinear qkvProduct;
    private final InferenceLinear qProduct;
    private final InferenceLinear kvProduct;
    private final InferenceLinear oProduct;
    /**
     * Whether the weights are held in a lower precision than fp32 (a bf16 model for inference): passes without
     * gradients then widen the projections to fp32 and attend in fp32 ({@link #attendStep} says why).
     */
    private final boolean widen;
    /** The weights' dtype: what the {@code o} product takes. */
    private final ScalarType weightType;

    T5Attention(Params p, String prefix, T5Config c, boolean isDecoder, boolean hasRelativeAttentionBias) {
        double f = c.initializerFactor();
        int d = c.dModel();
        int inner = c.innerDim();
        q = p.normal(prefix + ".q.weight", f * Math.pow((double) d * c.dKv(), -0.5), inner, d);
        k = p.normal(prefix + ".k.weight", f * Math.pow(d, -0.5), inner, d);
        v = p.normal(prefix + ".v.weight", f * Math.pow(d, -0.5), inner, d);
        o = p.normal(prefix + ".o.weight", f * Math.pow(inner, -0.5), d, inner);
        relativeAttentionBias = hasRelativeAttentionBias
                ? p.normal(prefix + ".relative_attention_bias.weight", f * Math.pow(d, -0.5),
                        c.relativeAttentionNumBuckets(), c.numHeads())
                : null;
        bidirectional = !isDecoder;
        heads = c.numHeads();
        dKv = c.dKv();
        numBuckets = c.relativeAttentionNumBuckets();
        maxDistance = c.relativeAttentionMaxDistance();
        dropout = c.dropoutRate();
        this.prefix = prefix;
        qkvProduct = new InferenceLinear(q, k, v);
        qProduct = new InferenceLinear(q);
        kvProduct = new InferenceLinear(k, v);
        oProduct = new InferenceLinear(o);
        weightType = o.scalar_type().intern(); // JavaCPP hands out fresh enum objects: intern() before ==
        widen = weightType != ScalarType.Float;
    }

    /**
     * HF {@code _relative_position_bucket}, computed in float32 like the reference.
     *
     * @param relativePosition key position minus query position
     */
    static int relativePositionBucket(int relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        int buckets = 0;
        int n;
        if (bidirectional) {
            numBuckets /= 2;
            if (relativePosition > 0) buckets += numBuckets;
            n = Math.abs(relativePosition);
        } else {
            n = -Math.min(relativePosition, 0);
        }
        int maxExact = numBuckets / 2;
        if (n < maxExact) return buckets + n;
        float ratio = (float) Math.log((float) n / (float) maxExact);
        float scaled = ratio / (float) Math.log((double) maxDistance / maxExact) * (float) (numBuckets - maxExact);
        int large = maxExact + (int) scaled;
        return buckets + Math.min(large, numBuckets - 1);
    }

    /**
     * The position bias {@code [1, heads, qLen, kLen]} for queries at positions {@code qOffset ..
     * qOffset+qLen-1} against keys {@code 0 .. kLen-1}.
     */
    Tensor computeBias(int qLen, int kLen, int qOffset) {
        long[] ids = new long[qLen * kLen];
        for (int i = 0; i < qLen; i++)
            for (int j = 0; j < kLen; j++)
                ids[i * kLen + j] = relativePositionBucket(j - (i + qOffset), bidirectional, numBuckets, maxDistance);
        Tensor buckets = Tensors.longs(ids, qLen, kLen);
        Tensor values = torch.embedding(relativeAttentionBias, buckets); // [q, k, h]
        return values.permute(2, 0, 1).unsqueeze(0);
    }

    /** Projects and splits heads: [B, T, d] → [B, h, T, d_kv]. */
    Tensor shape(Tensor x, Tensor w) {
        long b = x.size(0);
        return linear(x, w).view(b, -1, heads, dKv).transpose(1, 2);
    }

    /** {@link #shape} of the query projection (without gradients through its copies: {@link InferenceLinear}). */
    Tensor projectQuery(Tensor x) {
        long b = x.size(0);
        return widened(hookedLinear(x, qProduct, "q")).view(b, -1, heads, dKv).transpose(1, 2);
    }

    /**
     * Attention of {@code hidden} (queries) over keys/values.
     *
     * @param keys   [B, h, K, d_kv] (already projected)
     * @param values [B, h, K, d_kv]
     * @param bias   additive bias incl. mask, broadcastable to [B, h, T, K]
     * @return [B, T, d_model]
     */
    Tensor attend(Tensor hidden, Tensor keys, Tensor values, Tensor bias, boolean train) {
        return attend(hidden, keys, values, bias, train, null);
    }

    /**
     * As above; when {@code weightsOut} is given, its slot 0 receives the attention probabilities [B, h, T, K] (before
     * dropout).
     */
    Tensor attend(Tensor hidden, Tensor keys, Tensor values, Tensor bias, boolean train, Tensor[] weightsOut) {
        long b = hidden.size(0);
        Tensor query = shape(hidden, q);
        Tensor scores = query.matmul(keys.transpose(3, 2));
        if (bias != null) scores = scores.add(bias);
        Tensor weights = torch.softmax(scores.to(ScalarType.Float), -1,
                new ScalarTypeOptional()).to(values.scalar_type());
        if (weightsOut != null) weightsOut[0] = weights;
        weights = Activations.dropout(weights, dropout, train);
        Tensor out = weights.matmul(values).transpose(1, 2).contiguous().view(b, -1, (long) heads * dKv);
        return linear(out, o);
    }

    /**
     * {@link #attend} for a query already projected and split into heads ([B, h, T, d_kv]), for decoding steps and
     * passes without gradients, with fewer libtorch calls (each costs microseconds through the binding, hundreds per
     * step): no dtype round-trip when already fp32, no dropout call outside training, no copy where the heads merge
     * as a view.
     *
     * <p>Attention itself runs in fp32 whatever the weights' dtype: a bf16 model's projections are widened as they
     * come out of their products ({@link #projectQkv}, {@link #projectKv}, {@link #projectQuery}), {@link DecoderCache}
     * keeps them in fp32, and the result is rounded back to bf16 for the {@code o} product. libtorch's fused CPU
     * attention is far slower in bf16 (1 thread, AMD Zen 5: one query over 64 keys 46 against 8 µs, 64 queries 2.4
     * against 0.09 ms, batch 32 76 against 4.4 ms; BENCHMARKS.md, "bf16 decoding"). Widening the product's output
     * is one call where q, k and v would be three.
     */
    Tensor attendStep(Tensor query, Tensor keys, Tensor values, Tensor bias, boolean train, Tensor[] weightsOut) {
        if (widen) { // no copies where already fp32 (the projections' and the cache's)
            query = query.to(ScalarType.Float);
            keys = keys.to(ScalarType.Float);
            values = values.to(ScalarType.Float);
            if (bias != null) bias = bias.to(ScalarType.Float);
        }
        Tensor attended;
        if (weightsOut == null && !train) {
            // libtorch's fused CPU kernel (one call; T5 has no 1/sqrt(d) scaling, hence scale 1): 3x the
            // matmul-add-softmax-matmul chain at batch 32 (its batched products loop over tiny per-head matrices)
            attended = torch.scaled_dot_product_attention(query, keys, values,
                    bias == null ? new TensorOptional() : new TensorOptional(bias), 0.0, false, UNSCALED, false);
        } else {
            Tensor scores = query.matmul(keys.transpose(3, 2));
            if (bias != null) scores = scores.add(bias);
            Tensor weights = torch.softmax(scores, -1, new ScalarTypeOptional());
            if (weightsOut != null) weightsOut[0] = weights;
            attended = Activations.dropout(weights, dropout, train).matmul(values);
        }
        Tensor merged = attended.transpose(1, 2).reshape(query.size(0), -1, (long) heads * dKv);
        return hookedLinear(widen ? merged.to(weightType) : merged, oProduct, "o");
    }

    /**
     * Query, key and value of {@code x} [B, T, d] split into heads ([B, h, T, d_kv] each), without gradients through
     * one product with the q, k and v weights stacked: one pass over the three matrices ({@link InferenceLinear} keeps
     * the stacked copy, rebuilt when any of the three weights changed); checkpoints and training keep the separate
     * q/k/v parameters. With gradients on or hooks installed (LoRA on q/k/v) the three projections stay separate.
     */
    Tensor[] projectQkv(Tensor x) {
        if (hooks != null || GradMode.is_enabled()) return new Tensor[]{shape(x, q), shape(x, k), shape(x, v)};
        long b = x.size(0);
        Tensor qkv = widened(qkvProduct.apply(x)).view(b, -1, 3, heads, dKv); // [B, T, 3, h, d_kv]
        return new Tensor[]{qkv.select(2, 0).transpose(1, 2), qkv.select(2, 1).transpose(1, 2),
                qkv.select(2, 2).transpose(1, 2)};
    }

    /**
     * Key and value of {@code x} [B, S, d] split into heads ([B, h, S, d_kv] each): the cross-attention keys/values of
     * the encoder output, without gradients through one product with k and v stacked (as {@link #projectQkv}).
     */
    Tensor[] projectKv(Tensor x) {
        if (hooks != null || GradMode.is_enabled()) return new Tensor[]{shape(x, k), shape(x, v)};
        long b = x.size(0);
        Tensor kv = widened(kvProduct.apply(x)).view(b, -1, 2, heads, dKv); // [B, S, 2, h, d_kv]
        return new Tensor[]{kv.select(2, 0).transpose(1, 2), kv.select(2, 1).transpose(1, 2)};
    }

    /** A product's output in fp32 where the weights are bf16 (one pass over contiguous values), else itself. */
    private Tensor widened(Tensor product) {
        return widen ? product.to(ScalarType.Float) : product;
    }

    /** Drops the inference products' weight copies (weights changed, or the model is closing); rebuilt when used. */
    void freeInferenceCopies() {
        qkvProduct.free();
        qProduct.free();
        kvProduct.free();
        oProduct.free();
    }

    /** Whether any inference copy is held (tests). */
    boolean hasInferenceCopies() {
        return qkvProduct.hasCopies() || qProduct.hasCopies() || kvProduct.hasCopies() || oProduct.hasCopies();
    }

    private Tensor hookedLinear(Tensor x, InferenceLinear product, String name) {
        return HookedLinear.apply(hooks, prefix + "." + name + ".weight", x, product);
    }

    private Tensor linear(Tensor x, Tensor w) {
        if (hooks == null) return w == q ? qProduct.apply(x) : w == o ? oProduct.apply(x) : Linear.apply(x, w);
        String name = w == q ? "q" : w == k ? "k" : w == v ? "v" : "o";
        return HookedLinear.apply(hooks, prefix + "." + name + ".weight", x, w);
    }
}
