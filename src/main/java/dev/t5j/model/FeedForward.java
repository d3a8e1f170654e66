package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/** The inner feed-forward of a {@link T5LayerFF}: {@link T5DenseActDense} or {@link T5DenseGatedActDense}. */
interface FeedForward {
    /** @param step whether this is an incremental decoding step (products through {@link DecodeLinear}) */
    Tensor forward(Tensor x, boolean train, boolean step);

    /** Drops the decoding steps' weight copies ({@link DecodeLinear#free}). */
    void freeDecodeCopies();

    /** Whether any decoding-step weight copy is held (tests). */
    boolean hasDecodeCopies();

    /** Installs (or, with null, removes) the linear hooks. */
    void setHooks(ModelHooks h);
}
