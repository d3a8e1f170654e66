package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;

/** The inner feed-forward of a {@link T5LayerFF}: {@link T5DenseActDense} or {@link T5DenseGatedActDense}. */
interface FeedForward {
    Tensor forward(Tensor x, boolean train);

    /** Installs (or, with null, removes) the linear hooks. */
    void setHooks(ModelHooks h);
}
