package dev.t5j.model;

import org.bytedeco.pytorch.Scalar;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The encoder or decoder stack (HF {@code T5Stack}): embedding (shared, unscaled) → dropout → blocks →
 * {@code final_layer_norm} → dropout. The relative position bias is computed once, by block 0, and reused by all
 * blocks.
 */
final class T5Stack {
    /** Additive mask value, {@code torch.finfo(float32).min}, as HF uses. */
    static final double MASK_MIN = -3.4028234663852886e38;

    final T5Block[] block;
    final T5LayerNorm finalLayerNorm;
    private final Tensor embedTokens;
    private final boolean isDecoder;
    private final double dropout;

    T5Stack(Params p, String prefix, T5Config c, Tensor sharedEmbedding, boolean isDecoder) {
        this.embedTokens = sharedEmbedding;
        this.isDecoder = isDecoder;
        int n = isDecoder ? c.numDecoderLayers() : c.numLayers();
        block = new T5Block[n];
        for (int i = 0; i < n; i++) block[i] = new T5Block(p, prefix + ".block." + i, c, isDecoder, i == 0);
        finalLayerNorm = new T5LayerNorm(p, prefix + ".final_layer_norm", c);
        dropout = c.dropoutRate();
    }

    /**
     * @param inputIds      [B, T] int64
     * @param attentionMask [B, K] (1 = attend) for the encoder's own tokens or the decoder's keys, or [B, T, K] per
     *                      query (packed rows); null = all ones
     * @param encoderHidden decoder only: [B, S, d]
     * @param encoderMask   decoder only: [B, S] (1 = real token), or [B, T, S] per decoder position; null = all ones
     * @param cache         decoder only: incremental decoding cache, or null for a full (teacher-forced) pass
     */
    Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor encoderHidden, Tensor encoderMask, DecoderCache cache,
            boolean train) {
        long t0 = Profiler.start();
        Tensor x = Activations.dropout(torch.embedding(embedTokens, inputIds), dropout, train);
        Profiler.stop(Profiler.Kind.EMBEDDING, t0);
        t0 = Profiler.start(); // position bias and masks: counted with self-attention
        int t = (int) inputIds.size(1);
        int past = cache == null ? 0 : cache.length();
        int kLen = past + t;
        Tensor selfBias = block[0].selfAttention.selfAttention.computeBias(t, kLen, past);
        if (isDecoder && t > 1) selfBias = selfBias.add(causalMask(t, kLen, past));
        if (attentionMask != null) {
            selfBias = selfBias.add(extendedMask(attentionMask));
            // Two masks can both hit a key: keep the sum finite so a fully masked (padding) row never turns into NaN.
            if (isDecoder && t > 1) selfBias = selfBias.clamp_min(new Scalar(MASK_MIN));
        }
        Tensor crossBias = encoderMask == null ? null : extendedMask(encoderMask);
        Profiler.stop(Profiler.Kind.SELF_ATTENTION, t0);
        for (int i = 0; i < block.length; i++) {
            x = block[i].forward(x, selfBias, encoderHidden, crossBias, train, cache == null ? null : cache.layers[i]);
        }
        if (cache != null) cache.advance(t);
        return Activations.dropout(finalLayerNorm.forward(x), dropout, train);
    }

    /**
     * 1/0 mask → additive mask: 0 where attended, finfo.min where masked. [B, K] (padding) becomes [B, 1, 1, K];
     * [B, Q, K] (packing: segment-aware, see {@link AttentionMasks}) becomes [B, 1, Q, K].
     */
    static Tensor extendedMask(Tensor mask) {
        Tensor m = mask.dim() == 3 ? mask.to(ScalarType.Float).unsqueeze(1) : mask.to(ScalarType.Float).unsqueeze(1)
                .unsqueeze(1);
        return m.neg().add(Tensors.scalar(1.0)).mul(Tensors.scalar(MASK_MIN));
    }

    /** Additive causal mask [1, 1, T, K] for queries at positions past..past+T-1. */
    static Tensor causalMask(int t, int kLen, int past) {
        float[] m = new float[t * kLen];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < kLen; j++)
                if (j > past + i) m[i * kLen + j] = (float) MASK_MIN;
        return Tensors.floats(m, 1, 1, t, kLen);
    }
}
