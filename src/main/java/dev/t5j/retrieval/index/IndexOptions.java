package dev.t5j.retrieval.index;

import dev.t5j.retrieval.Embedder;

/**
 * How {@link IndexBuilder} builds a flat index.
 *
 * @param shards    contiguous row ranges searched one after another and merged exactly (Atlas: one per GPU)
 * @param dtype     storage of the embeddings (fp16 halves the memory; scores are computed in fp32 either way)
 * @param batchSize passages per {@link Embedder#embed} call
 */
public record IndexOptions(int shards, IndexDtype dtype, int batchSize) {
    public IndexOptions {
        if (shards < 1) throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (dtype == null) dtype = IndexDtype.FP16;
    }

    /** One shard, fp16 (as Atlas stores), batches of 64. */
    public static IndexOptions defaults() {
        return new IndexOptions(1, IndexDtype.FP16, 64);
    }
}
