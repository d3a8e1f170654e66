package dev.t5j.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorVector;
import dev.t5j.engine.Profiler;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Map;

/**
 * The encoder-decoder T5 with a language-model head, with HF {@code T5ForConditionalGeneration} semantics and
 * parameter names. Encoder and decoder can be called separately (fusion-in-decoder concatenates several encoder
 * outputs before decoding).
 *
 * <p>Tensors returned by the forward methods belong to the caller's {@link org.bytedeco.javacpp.PointerScope};
 * parameters belong to this object until {@link #close()}.
 */
public final class T5ForConditionalGeneration implements AutoCloseable {
    /** The label value ignored by the loss, as HF's {@code CrossEntropyLoss(ignore_index=-100)}. */
    public static final int IGNORE_INDEX = -100;

    private final T5Config config;
    private final Params params;
    final Tensor shared;
    final T5Stack encoder;
    final T5Stack decoder;
    final Tensor lmHead; // same tensor as shared when tied
    /** The lm head's products without gradients (decoding steps, scoring): its copies laid out for them. */
    private final InferenceLinear headProduct;
    private boolean training;
    private ModelHooks hooks;

    /**
     * A freshly initialised model (HF "Mesh TensorFlow" init scheme), drawn from libtorch's generator seeded with
     * {@code seed}.
     */
    public static T5ForConditionalGeneration init(T5Config config, long seed) {
        return init(config, seed, torch.ScalarType.Float);
    }

    /** As {@link #init(T5Config, long)} with the parameters held in {@code dtype} (BFloat16: inference). */
    public static T5ForConditionalGeneration init(T5Config config, long seed, torch.ScalarType dtype) {
        Torch.seed(seed);
        return new T5ForConditionalGeneration(config, dtype);
    }

    public T5ForConditionalGeneration(T5Config config) {
        this(config, torch.ScalarType.Float);
    }

    /**
     * A model whose parameters are held in {@code dtype} (Float for training; BFloat16 halves memory for inference).
     */
    public T5ForConditionalGeneration(T5Config config, torch.ScalarType dtype) {
        Torch.init();
        InferenceLinear.checkBudget();
        this.config = config;
        this.params = new Params(dtype);
        double f = config.initializerFactor();
        shared = params.normal("shared.weight", f * 1.0, config.vocabSize(), config.dModel());
        encoder = new T5Stack(params, "encoder", config, shared, false);
        decoder = new T5Stack(params, "decoder", config, shared, true);
        lmHead = config.tieWordEmbeddings() ? shared : params.normal("lm_head.weight", f * 1.0, config.vocabSize(),
                config.dModel());
        headProduct = new InferenceLinear(lmHead);
    }

    public T5Config config() {
        return config;
    }

    /** Parameters by HF checkpoint name (tied models hold {@code shared.weight} only). */
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
        this.training = on;
    }

    public boolean isTraining() {
        return training;
    }

    /** Encoder hidden states [B, S, d] for {@code inputIds} [B, S] with padding mask [B, S] (null = no padding). */
    public Tensor encode(Tensor inputIds, Tensor attentionMask) {
        return encoder.forward(inputIds, attentionMask, null, null, null, training);
    }

    /**
     * Decoder hidden states [B, T, d].
     *
     * @param decoderMask [B, K] mask over decoder keys (null = causal only, as HF when no decoder_attention_mask is
     * given)
     * @param cache       null for a full teacher-forced pass; otherwise positions are appended to the cache
     */
    public Tensor decode(Tensor decoderInputIds, Tensor encoderHidden, Tensor encoderMask, Tensor decoderMask,
            DecoderCache cache) {
        return decoder.forward(decoderInputIds, decoderMask, encoderHidden, encoderMask, cache, training);
    }

    /** LM head: v1.0 models rescale by d_model^-0.5 ({@code scale_decoder_outputs}) before projecting. */
    public Tensor logits(Tensor decoderHidden) {
        long t0 = Profiler.start();
        Tensor h = config.scaleDecoderOutputs()
                ? decoderHidden.mul(Tensors.scalar(Math.pow(config.dModel(), -0.5))) : decoderHidden;
        // without gradients (decoding steps, scoring): the head's copies (InferenceLinear), packed for several rows
        // (16.8 → 9.0 ms at 32 rows), transposed for one; with gradients libtorch's linear
        Tensor logits = headProduct.apply(h);
        Profiler.stop(Profiler.Kind.LM_HEAD_LOSS, t0);
        return logits;
    }

    /** Full teacher-forced forward: logits [B, T, V]. */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor decoderInputIds) {
        Tensor enc = encode(inputIds, attentionMask);
        return logits(decode(decoderInputIds, enc, attentionMask, null, null));
    }

    /**
     * While {@code sink} is non-null, every decoder pass appends per decoder layer (in order) the cross-attention
     * probability times the value norm, averaged over heads: [B, T, K] fp32. Atlas's attention-distillation teacher
     * (ADist) is built from it. Pass null to stop recording.
     */
    public void recordCrossAttention(List<Tensor> sink) {
        for (T5Block b : decoder.block) b.crossAttention.probe = sink;
    }

    /**
     * Installs forward hooks (adapters, LoRA) on every block of both stacks; null restores the plain model. A hook
     * changes what the forward computes, so decoder caches made before the change must not be reused.
     */
    public void setHooks(ModelHooks h) {
        for (int i = 0; i < encoder.block.length; i++) encoder.block[i].setHooks(h, false, i);
        for (int i = 0; i < decoder.block.length; i++) decoder.block[i].setHooks(h, true, i);
        hooks = h;
    }

    /** The installed hooks, or null. */
    public ModelHooks hooks() {
        return hooks;
    }

    public DecoderCache newCache() {
        return new DecoderCache(config.numDecoderLayers());
    }

    /** A cache whose buffers first hold {@code positions} decoder positions (grown beyond that as needed). */
    public DecoderCache newCache(int positions) {
        return new DecoderCache(config.numDecoderLayers(), positions);
    }

    /**
     * Says that training changed the weights: the inference products' weight copies ({@link InferenceLinear}: stacked
     * q/k/v, packed and transposed layouts, the lm head's) are freed and rebuilt from the current weights at the
     * next pass without gradients. Version counters miss updates that bypass autograd's in-place tracking (the fused
     * AdamW kernel), so the trainers call this at every step. Not for use while another thread decodes with this
     * model.
     */
    public void weightsChanged() {
        for (T5Block b : blocks()) {
            b.selfAttention.selfAttention.freeInferenceCopies();
            if (b.crossAttention != null) b.crossAttention.encDecAttention.freeInferenceCopies();
            b.ff.denseReluDense.freeInferenceCopies();
        }
        for (T5LayerNorm n : layerNorms()) n.freeInferenceCopies();
        headProduct.free();
    }

    /** Whether any inference weight copy is held (tests of {@link #weightsChanged}). */
    boolean hasInferenceCopies() {
        boolean any = headProduct.hasCopies();
        for (T5Block b : blocks())
            any |= b.selfAttention.selfAttention.hasInferenceCopies() || b.ff.denseReluDense.hasInferenceCopies()
                    || b.crossAttention != null && b.crossAttention.encDecAttention.hasInferenceCopies();
        for (T5LayerNorm n : layerNorms()) any |= n.hasInferenceCopies();
        return any;
    }

    /** The encoder's blocks, then the decoder's. */
    private List<T5Block> blocks() {
        List<T5Block> all = new ArrayList<>(List.of(encoder.block));
        all.addAll(List.of(decoder.block));
        return all;
    }

    /** Every layer norm of both stacks, the final ones included. */
    private List<T5LayerNorm> layerNorms() {
        List<T5LayerNorm> all = new ArrayList<>(List.of(encoder.finalLayerNorm, decoder.finalLayerNorm));
        for (T5Block b : blocks()) {
            all.add(b.selfAttention.layerNorm);
            if (b.crossAttention != null) all.add(b.crossAttention.layerNorm);
            all.add(b.ff.layerNorm);
        }
        return all;
    }

    /** HF {@code _shift_right}: prepend the decoder start token, drop the last label, replace -100 by pad. */
    public Tensor shiftRight(Tensor labels) {
        long b = labels.size(0);
        long t = labels.size(1);
        Tensor start = torch.full(new long[]{b, 1}, Tensors.scalar(config.decoderStartTokenId()),
                Tensors.options(torch.ScalarType.Long));
        Tensor body = labels.narrow(1, 0, t - 1);
        Tensor shifted = torch.cat(new TensorVector(start, body), 1);
        return shifted.masked_fill(shifted.eq(Tensors.scalar(IGNORE_INDEX)), Tensors.scalar(config.padTokenId()));
    }

    /** Mean token cross-entropy over labels != -100 (HF's loss). */
    public static Tensor loss(Tensor logits, Tensor labels) {
        long t0 = Profiler.start();
        long v = logits.size(-1);
        Tensor lp = torch.log_softmax(logits.reshape(-1, v).to(torch.ScalarType.Float), -1, new ScalarTypeOptional());
        Tensor loss = torch.nll_loss(lp, labels.reshape(-1), new TensorOptional(), 1 /* mean */, IGNORE_INDEX);
        Profiler.stop(Profiler.Kind.LM_HEAD_LOSS, t0);
        return loss;
    }

    /** Per-token log-probabilities [B, T] of {@code targets} under {@code logits} [B, T, V] (fp32). */
    public static Tensor tokenLogProbs(Tensor logits, Tensor targets) {
        Tensor lp = torch.log_softmax(logits.to(torch.ScalarType.Float), -1, new ScalarTypeOptional());
        Tensor safe = targets.clamp_min(new Scalar(0L)); // a long scalar keeps the index dtype
        return torch.gather(lp, 2, safe.unsqueeze(2)).squeeze(2);
    }

    @Override
    public void close() {
        weightsChanged();
        params.close();
    }
}
