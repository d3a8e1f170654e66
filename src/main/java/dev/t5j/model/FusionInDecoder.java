package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Fusion-in-decoder (Izacard &amp; Grave; Atlas's {@code FiD}) over a {@link T5ForConditionalGeneration}: each of the n
 * (query, passage) inputs of an example is encoded separately, the n encoder outputs are concatenated along time, and
 * the decoder cross-attends over all n·L positions with the flattened padding mask. With n = 1 it is plain T5, so the
 * same weights serve closed-book and retrieval-augmented use.
 *
 * <p>Tensors returned belong to the caller's {@link org.bytedeco.javacpp.PointerScope}.
 */
public final class FusionInDecoder {
    private final T5ForConditionalGeneration t5;

    public FusionInDecoder(T5ForConditionalGeneration t5) {
        this.t5 = t5;
    }

    public T5ForConditionalGeneration t5() {
        return t5;
    }

    /** Concatenated encoder states {@code hidden} [B, n·L, d] and their mask [B, n·L]. */
    public record Encoded(Tensor hidden, Tensor mask) {}

    /**
     * Encodes {@code ids} [B, n, L] (int64) with padding {@code mask} [B, n, L]: the [B·n, L] rows run through the
     * encoder independently, as Atlas's {@code FiDStack} reshape.
     */
    public Encoded encode(Tensor ids, Tensor mask) {
        long b = ids.size(0), n = ids.size(1), l = ids.size(2);
        Tensor hidden = t5.encode(ids.reshape(b * n, l), mask.reshape(b * n, l));
        long d = hidden.size(2);
        return new Encoded(hidden.reshape(b, n * l, d), mask.reshape(b, n * l));
    }

    /** Teacher-forced logits [B, T, V] given the fused encoder states. */
    public Tensor logits(Encoded enc, Tensor decoderInputIds) {
        return t5.logits(t5.decode(decoderInputIds, enc.hidden(), enc.mask(), null, null));
    }

    /** Logits [B, T, V] for labels [B, T] (-100 = ignored): decoder input is {@code shiftRight(labels)}. */
    public Tensor forward(Tensor ids, Tensor mask, Tensor labels) {
        return logits(encode(ids, mask), t5.shiftRight(labels));
    }

    /** HF's mean token cross-entropy of {@code labels} given the n passages. */
    public Tensor loss(Tensor ids, Tensor mask, Tensor labels) {
        return T5ForConditionalGeneration.loss(forward(ids, mask, labels), labels);
    }
}
