package dev.t5j.retrieval.index;

import java.util.Arrays;
import dev.t5j.retrieval.Embedder;
import dev.t5j.engine.Tensors;
import dev.t5j.retrieval.Passage;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A searchable passage corpus: inner-product top-k over passage embeddings. {@link FlatIndex} is exact (Atlas's
 * default); {@link HnswIndex} is approximate (Lucene HNSW) for corpora too large to scan per query.
 *
 * <p>Indexes hold native memory or open files: close them when done.
 */
public interface PassageIndex extends AutoCloseable {
    /** Number of passages. */
    int size();

    /** Embedding size. */
    int dim();

    /** {@link Embedder#fingerprint()} of the encoder that embedded the passages. */
    String encoderFingerprint();

    /** The passages, row order. */
    List<Passage> passages();

    default Passage passage(int row) {
        return passages().get(row);
    }

    /**
     * For each query row the {@code min(k, size())} passages of highest inner product, best first (ties: lower row
     * first).
     */
    List<List<Hit>> search(float[][] queries, int k);

    /** {@link #search(float[][], int)} for a [batch, dim] tensor of any float dtype and device. */
    default List<List<Hit>> search(Tensor queries, int k) {
        if (queries.dim() != 2 || queries.size(1) != dim())
            throw new IllegalArgumentException("queries must be [batch, " + dim() + "], got "
                    + Arrays.toString(Tensors.shape(queries)));
        int b = (int) queries.size(0);
        float[] flat = Tensors.toFloats(queries);
        float[][] q = new float[b][];
        for (int i = 0; i < b; i++) q[i] = Arrays.copyOfRange(flat, i * dim(), (i + 1) * dim());
        return search(q, k);
    }

    /**
     * Writes the index to {@code dir} atomically (an existing index there is replaced only when the new one is
     * complete).
     */
    void save(Path dir) throws IOException;

    /** The manifest this index was loaded from or would be saved with. */
    IndexManifest manifest();

    @Override
    void close();

    /** Loads a flat or HNSW index, whichever {@code dir} holds; see {@link IndexLoadOptions} for the checks. */
    static PassageIndex load(Path dir, IndexLoadOptions options) {
        IndexManifest m = IndexManifest.read(dir);
        return switch (m.type()) {
            case IndexManifest.TYPE_FLAT -> FlatIndex.load(dir, m, options);
            case IndexManifest.TYPE_HNSW -> HnswIndex.load(dir, m, options);
            default -> throw new IllegalStateException(m.type()); // IndexManifest.read refuses unknown types
        };
    }
}
