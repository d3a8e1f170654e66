package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/** The inner feed-forward of a {@link T5LayerFF}: {@link T5DenseActDense} or {@link T5DenseGatedActDense}. */
interface FeedForward {
    /** Products through {@link InferenceLinear}: the parameters with gradients on, copies without. */
    Tensor forward(Tensor x, boolean train);

    /** Drops the inference products' weight copies ({@link InferenceLinear#free}). */
    void freeInferenceCopies();

    /** Whether any inference weight copy is held (tests). */
    boolean hasInferenceCopies();

    /** Installs (or, with null, removes) the linear hooks. */
    void setHooks(ModelHooks h);
}
