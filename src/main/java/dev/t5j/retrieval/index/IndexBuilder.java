package dev.t5j.retrieval.index;

import dev.t5j.common.UserError;
import dev.t5j.common.Progress;
import dev.t5j.retrieval.Embedder;
import dev.t5j.retrieval.Passage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Embeds a corpus into a {@link FlatIndex}, as Atlas's {@code build_index}: passages go to the embedder in batches as
 * {@code "{title} {text}"} ({@link Passage#retrieverText()}), rows are stored in the requested dtype as they arrive,
 * so peak heap is one batch of vectors.
 */
public final class IndexBuilder {
    private IndexBuilder() {}

    /**
     * Embeds every passage with {@code embedder} and returns the index (not yet saved).
     *
     * @param progress counts passages (null: silent); the caller creates and closes it
     */
    public static FlatIndex build(List<Passage> passages, Embedder embedder, IndexOptions options, Progress progress) {
        return build(passages, Passage::retrieverText, embedder, options, progress);
    }

    /**
     * As above, embedding {@code text.apply(passage)} (e.g. Atlas's {@code --retriever_format}) instead of
     * {@code "{title} {text}"}.
     */
    public static FlatIndex build(List<Passage> passages, Function<Passage, String> text, Embedder embedder,
            IndexOptions options, Progress progress) {
        return build(passages, text, embedder, options, 0, options.shards(), progress);
    }

    /**
     * Embeds only shards {@code [fromShard, toShard)} of the {@code options.shards()} contiguous shards: one rank's
     * part of a {@link ShardedIndex}. Batches start at each shard's first row (never straddle two shards), so every
     * passage is embedded in the same batch whichever ranks share the work: a sharded build equals a one-process one.
     */
    static FlatIndex build(List<Passage> passages, Function<Passage, String> text, Embedder embedder,
            IndexOptions options, int fromShard, int toShard, Progress progress) {
        if (passages.isEmpty()) throw new UserError("cannot build an index from an empty passage list");
        int dim = embedder.dim();
        FlatIndex idx = FlatIndex.allocate(passages, dim, options.dtype(), options.shards(), fromShard, toShard,
                embedder.fingerprint());
        try {
            for (FlatIndex.Shard sh : idx.shards()) {
                int shardEnd = sh.first() + sh.rows();
                for (int start = sh.first(); start < shardEnd; start += options.batchSize()) {
                    int end = Math.min(shardEnd, start + options.batchSize());
                    List<String> texts = new ArrayList<>(end - start);
                    for (int i = start; i < end; i++) texts.add(text.apply(passages.get(i)));
                    float[][] vectors = embedder.embed(texts);
                    check(vectors, end - start, dim, start);
                    idx.setRows(start, vectors);
                    if (progress != null) progress.step(end - start);
                }
            }
        } catch (RuntimeException e) {
            idx.close();
            throw e;
        }
        return idx;
    }

    /** An embedder that breaks its contract is a bug, not a user error: fail loudly with where it happened. */
    private static void check(float[][] vectors, int expected, int dim, int start) {
        if (vectors == null || vectors.length != expected)
            throw new IllegalStateException("embedder returned " + (vectors == null ? "null" : vectors.length
                    + " vectors") + " for "
                    + expected + " passages (batch at row " + start + ")");
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim)
                throw new IllegalStateException("embedder returned a vector of " + vectors[i].length
                        + " values for row " + (start + i) + ", dim() is " + dim);
            for (float v : vectors[i])
                if (!Float.isFinite(v)) throw new IllegalStateException("embedder returned a non-finite value for row "
                        + (start + i));
        }
    }
}
