package dev.t5j.retrieval;

import java.util.List;

/**
 * Turns texts into fixed-size vectors for inner-product search. The passage index is built with one and refuses to be
 * searched with another: {@link #fingerprint()} identifies the weights (and tokenization) that produced the vectors.
 */
public interface Embedder {
    /** Vector size. */
    int dim();

    /** One row of {@link #dim()} floats per text, in order. Deterministic (no dropout). */
    float[][] embed(List<String> texts);

    /** A stable hash of everything that determines the vectors (weights, pooling, max length, tokenizer). */
    String fingerprint();
}
