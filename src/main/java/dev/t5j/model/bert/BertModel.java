package dev.t5j.model.bert;

import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.model.Params;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Map;

/**
 * The BERT encoder with HF {@code BertModel} semantics ({@code add_pooling_layer=False}, as Contriever builds it):
 * embeddings, then post-LayerNorm transformer layers; dropout only in training; padded keys masked with an additive
 * {@code finfo(float32).min}. Parameter names are HF's checkpoint keys ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.0.attention.self.query.weight}, ...).
 *
 * <p>Tensors returned by {@link #forward} belong to the caller's {@link PointerScope}; parameters belong to this
 * object until {@link #close()}.
 */
public final class BertModel implements AutoCloseable {
    /** {@code torch.finfo(float32).min}, HF's additive mask value. */
    static final double MASK_MIN = -3.4028234663852886e38;

    private final BertConfig config;
    private final Params params;
    final BertEmbeddings embeddings;
    final BertLayer[] layers;
    private boolean training;

    /**
     * A freshly initialised model (HF {@code BertPreTrainedModel._init_weights}) drawn from libtorch's generator seeded
     * with {@code seed}.
     */
    public static BertModel init(BertConfig config, long seed) {
        Torch.seed(seed);
        return new BertModel(config);
    }

    public BertModel(BertConfig config) {
        Torch.init();
        this.config = config;
        this.params = new Params(ScalarType.Float);
        try {
            embeddings = new BertEmbeddings(params, config);
            layers = new BertLayer[config.numHiddenLayers()];
            for (int i = 0; i < layers.length; i++) layers[i] = new BertLayer(params, "encoder.layer." + i, config);
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    public BertConfig config() {
        return config;
    }

    /** Parameters by HF checkpoint name, in HF's module order; the live tensors. */
    public Map<String, Tensor> parameters() {
        return params.all();
    }

    public Params params() {
        return params;
    }

    public long parameterCount() {
        return params.count();
    }

    /** Training mode turns dropout on. */
    public void train(boolean on) {
        training = on;
    }

    public boolean isTraining() {
        return training;
    }

    /** Turns gradient recording for every parameter on or off (a frozen encoder records none). */
    public void requiresGrad(boolean on) {
        for (Tensor t : params.all().values()) t.set_requires_grad(on);
    }

    /**
     * An independent model with the same config and equal parameter values (a true copy: later updates of one leave the
     * other unchanged).
     */
    public BertModel copy() {
        BertModel m = new BertModel(config);
        try {
            for (Map.Entry<String, Tensor> e : params.all().entrySet()) m.params.copyInto(e.getKey(), e.getValue());
        } catch (RuntimeException ex) {
            m.close();
            throw ex;
        }
        m.training = training;
        return m;
    }

    /**
     * Last hidden states [B, T, d].
     *
     * @param inputIds      [B, T] int64
     * @param attentionMask [B, T] 1/0 (1 = real token), or null for no padding
     * @param tokenTypeIds  [B, T] int64, or null for all zeros
     */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor x = embeddings.forward(inputIds, tokenTypeIds, training);
        Tensor bias = attentionMask == null ? null : extendedMask(attentionMask, x.scalar_type());
        for (BertLayer layer : layers) x = layer.forward(x, bias, training);
        return x;
    }

    /**
     * HF {@code get_extended_attention_mask}: [B, T] 1/0 → [B, 1, 1, T] additive, 0 where attended, finfo.min where
     * padded.
     */
    static Tensor extendedMask(Tensor mask, ScalarType dtype) {
        Tensor m = mask.to(dtype).unsqueeze(1).unsqueeze(1);
        return m.neg().add(Tensors.scalar(1.0)).mul(Tensors.scalar(MASK_MIN));
    }

    @Override
    public void close() {
        params.close();
    }
}
