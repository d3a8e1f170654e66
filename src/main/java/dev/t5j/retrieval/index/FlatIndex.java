package dev.t5j.retrieval.index;

import java.util.Arrays;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.model.io.HalfFloats;
import dev.t5j.retrieval.Passage;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact inner-product index, Atlas's {@code DistributedIndex}: passage embeddings in row-major [rows, dim] libtorch
 * tensors (fp32 or fp16), split into contiguous shards. A search scores a block of rows per BLAS matrix product
 * ({@code block @ queries^T}, fp32 accumulation; fp16 rows are widened block by block, or for up to
 * {@value #HALF_GEMV_MAX_BATCH} queries scored by fp16 gemv and re-scored exactly), keeps each shard's top-k with a
 * deterministic order (score, then row) and merges the shard candidates into the final top-k exactly as Atlas's second
 * {@code topk} does. Why libtorch rather than Java loops: BENCHMARKS.md, "Passage index" (BLAS is several times faster
 * per batch).
 *
 * <p>Embeddings live in native memory, not on the Java heap; {@link #close()} frees them. Searches are thread-safe.
 */
public final class FlatIndex implements PassageIndex {
    /** Upper bound on the scores block (floats) one matrix product produces: 16 MB, so blocks stay cache-friendly. */
    private static final int BLOCK_FLOATS = 1 << 22;
    /** Size (floats) of the buffer fp16 rows are widened into per product: 16 MB, within the L3 cache of this VM. */
    static final int WIDEN_FLOATS = Integer.getInteger("t5j.index.widenFloats", 1 << 22);

    /** Rows {@code [first, first + rows)} in {@code emb} ([rows, dim], dtype of the index, CPU, contiguous). */
    record Shard(int first, int rows, Tensor emb) {}

    private final List<Passage> passages;
    private final int dim;
    private final IndexDtype dtype;
    private final String fingerprint;
    private final List<Shard> shards;
    private IndexManifest manifest;
    private boolean closed;
    /** Per shard, the largest row norm (fp16 single-query search); null until first needed. */
    private double[] maxNorms;
    /** Batches up to this size on an fp16 index go through {@link #searchHalfOne} query by query. */
    static final int HALF_GEMV_MAX_BATCH = 8;

    private FlatIndex(List<Passage> passages, int dim, IndexDtype dtype, String fingerprint, List<Shard> shards) {
        this.passages = passages;
        this.dim = dim;
        this.dtype = dtype;
        this.fingerprint = fingerprint;
        this.shards = shards;
    }

    /** An index with uninitialised rows, to be filled with {@link #setRows}. */
    static FlatIndex allocate(List<Passage> passages, int dim, IndexDtype dtype, int shardCount, String fingerprint) {
        return allocate(passages, dim, dtype, shardCount, 0, shardCount, fingerprint);
    }

    /**
     * An index holding only shards {@code [fromShard, toShard)} of {@code passages} split into {@code shardCount}
     * (one rank's part of a {@link ShardedIndex}): rows keep their global numbers, the other rows have no embeddings.
     */
    static FlatIndex allocate(List<Passage> passages, int dim, IndexDtype dtype, int shardCount, int fromShard,
            int toShard, String fingerprint) {
        if (passages.isEmpty()) throw new IllegalArgumentException("an index needs at least one passage");
        if (dim < 1) throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        Torch.init();
        int[] bounds = split(passages.size(), shardCount);
        List<Shard> shards = new ArrayList<>();
        for (int s = Math.min(fromShard, bounds.length - 1); s + 1 < bounds.length && s < toShard; s++) {
            int rows = bounds[s + 1] - bounds[s];
            Tensor t = Tensors.keep(torch.empty(new long[] {rows, dim}, new TensorOptions(scalarType(dtype)),
                    new MemoryFormatOptional()));
            shards.add(new Shard(bounds[s], rows, t));
        }
        return new FlatIndex(List.copyOf(passages), dim, dtype, fingerprint, shards);
    }

    /** An index over given vectors (one row per passage), e.g. re-embedded passages or tests. */
    public static FlatIndex of(List<Passage> passages, float[][] vectors, IndexDtype dtype, int shardCount,
            String fingerprint) {
        if (vectors.length != passages.size())
            throw new IllegalArgumentException(vectors.length + " vectors for " + passages.size() + " passages");
        FlatIndex idx = allocate(passages, vectors.length == 0 ? 1 : vectors[0].length, dtype, shardCount, fingerprint);
        idx.setRows(0, vectors);
        return idx;
    }

    /** Boundaries of {@code n} rows split into {@code min(s, n)} contiguous near-equal shards: {@code [0, ..., n]}. */
    static int[] split(int n, int s) {
        int parts = Math.max(1, Math.min(s, n));
        int[] b = new int[parts + 1];
        for (int i = 0; i <= parts; i++) b[i] = (int) ((long) n * i / parts);
        return b;
    }

    static ScalarType scalarType(IndexDtype d) {
        return d == IndexDtype.FP16 ? ScalarType.Half : ScalarType.Float;
    }

    /** Stores {@code rows.length} embeddings from row {@code first} on (fp16: rounded to nearest even). */
    void setRows(int first, float[][] rows) {
        checkOpen();
        synchronized (this) {
            maxNorms = null;
        }
        short[] half = dtype == IndexDtype.FP16 ? new short[dim] : null;
        for (int i = 0; i < rows.length; i++) {
            float[] v = rows[i];
            if (v.length != dim) throw new IllegalArgumentException("row " + (first + i) + " has " + v.length
                    + " values, the index dim is " + dim);
            int r = first + i;
            Shard sh = shardOf(r);
            long off = (long) (r - sh.first) * dim;
            if (half == null) {
                new FloatPointer(sh.emb.data_ptr()).position(off).put(v, 0, dim);
            } else {
                for (int j = 0; j < dim; j++) half[j] = HalfFloats.floatToF16(v[j]);
                new ShortPointer(sh.emb.data_ptr()).position(off).put(half, 0, dim);
            }
        }
    }

    /** Copies rows {@code [first, first + n)} as fp32 into {@code dst} (row-major, from offset 0). */
    public void copyRows(int first, int n, float[] dst) {
        checkOpen();
        short[] half = dtype == IndexDtype.FP16 ? new short[dim] : null;
        for (int i = 0; i < n; i++) {
            int r = first + i;
            Shard sh = shardOf(r);
            long off = (long) (r - sh.first) * dim;
            if (half == null) {
                new FloatPointer(sh.emb.data_ptr()).position(off).get(dst, i * dim, dim);
            } else {
                new ShortPointer(sh.emb.data_ptr()).position(off).get(half, 0, dim);
                for (int j = 0; j < dim; j++) dst[i * dim + j] = HalfFloats.f16ToFloat(half[j]);
            }
        }
    }

    /** One row as fp32. */
    public float[] row(int r) {
        float[] v = new float[dim];
        copyRows(r, 1, v);
        return v;
    }

    private Shard shardOf(int row) {
        if (row < firstRow() || row >= firstRow() + heldRows()) throw new IndexOutOfBoundsException("row " + row
                + " is not held by this index (rows " + firstRow() + ".." + (firstRow() + heldRows()) + " of "
                + passages.size() + ")");
        int lo = 0;
        int hi = shards.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (shards.get(mid).first <= row) lo = mid;
            else hi = mid - 1;
        }
        return shards.get(lo);
    }

    @Override
    public List<List<Hit>> search(float[][] queries, int k) {
        checkOpen();
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        int b = queries.length;
        int kk = Math.min(k, passages.size());
        List<List<Hit>> out = new ArrayList<>(b);
        if (b == 0) return out;
        float[] flat = new float[b * dim];
        for (int i = 0; i < b; i++) {
            if (queries[i].length != dim)
                throw new IllegalArgumentException("query " + i + " has " + queries[i].length
                        + " values, the index dim is " + dim);
            System.arraycopy(queries[i], 0, flat, i * dim, dim);
        }
        TopK[] merged = new TopK[b];
        for (int i = 0; i < b; i++) merged[i] = new TopK(kk);
        if (kk > 0 && dtype == IndexDtype.FP16 && b <= HALF_GEMV_MAX_BATCH) {
            for (int i = 0; i < b; i++) merged[i] = searchHalfOne(queries[i], kk);
        } else if (kk > 0) {
            int blockRows = Math.max(256, Math.min(65536, BLOCK_FLOATS / b));
            // fp16 rows are widened into a buffer small enough to stay in cache between the copy and the product
            if (dtype == IndexDtype.FP16) blockRows = Math.max(64, Math.min(blockRows, WIDEN_FLOATS / dim));
            float[] scratch = new float[b * Math.min(blockRows, maxShardRows())];
            try (PointerScope scope = new PointerScope()) {
                Tensor q = torch.empty(new long[] {b, dim}, new TensorOptions(ScalarType.Float),
                        new MemoryFormatOptional());
                new FloatPointer(q.data_ptr()).put(flat, 0, flat.length);
                Tensor widened = dtype == IndexDtype.FP16
                        ? torch.empty(new long[] {Math.min(blockRows, maxShardRows()), dim},
                                new TensorOptions(ScalarType.Float), new MemoryFormatOptional())
                        : null;
                for (Shard sh : shards) {
                    TopK[] local = new TopK[b];
                    for (int i = 0; i < b; i++) local[i] = new TopK(kk);
                    scan(sh, q, b, blockRows, scratch, widened, local);
                    for (int i = 0; i < b; i++) merged[i].merge(local[i]); // Atlas: topk over the shards' candidates
                }
            }
        }
        for (int i = 0; i < b; i++) out.add(hits(merged[i]));
        return out;
    }

    /**
     * One query on fp16 rows without widening them all: libtorch's fp16 gemv (fp32 accumulation, fp16 output, as
     * fast per row as fp32 gemv at half the bytes; widening every row first costs ~7x more) gives approximate scores
     * within a bound B of the fp32 ones; every row whose approximate score is within 2B of the k-th best is re-scored
     * exactly in fp32. The result equals the widened search (up to fp32 summation order). Falls back to widening when
     * the bound does not apply (scores near fp16 overflow) or would re-score too many rows.
     */
    private TopK searchHalfOne(float[] q, int k) {
        double qNorm = 0;
        for (float x : q) qNorm += (double) x * x;
        qNorm = Math.sqrt(qNorm);
        TopK merged = new TopK(k);
        for (int si = 0; si < shards.size(); si++) {
            Shard sh = shards.get(si);
            double eNorm = maxRowNorm(si);
            // |approx - exact| <= |e| (|q| (2^-11 query rounding + 2^-11 output rounding + 2 dim 2^-24 summation)
            //                          + sqrt(dim) 2^-25 query subnormals), with 10% to spare
            double bound = 1.1 * eNorm * (qNorm * (Math.scalb(1.0, -10) + 2.0 * dim * Math.scalb(1.0, -24))
                    + Math.sqrt(dim) * Math.scalb(1.0, -25));
            TopK local = null;
            if (eNorm * qNorm < 30000 && Double.isFinite(bound)) local = rescoreCandidates(sh, q, k, bound);
            if (local == null) {
                local = new TopK(k);
                widenedScan(sh, q, k, local);
            }
            merged.merge(local);
        }
        return merged;
    }

    private TopK rescoreCandidates(Shard sh, float[] q, int k, double bound) {
        float[] approx = new float[sh.rows];
        try (PointerScope s = new PointerScope()) {
            Tensor qf = torch.empty(new long[] {dim}, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
            new FloatPointer(qf.data_ptr()).put(q, 0, dim);
            torch.mv(sh.emb, qf.to(ScalarType.Half)).to(ScalarType.Float).data_ptr_float().get(approx, 0, sh.rows);
        }
        TopK best = new TopK(k);
        for (int j = 0; j < sh.rows; j++) if (approx[j] >= best.threshold()) best.offer(approx[j], j);
        double cut = best.size() < k ? Double.NEGATIVE_INFINITY : best.threshold() - 2 * bound;
        int[] cand = new int[Math.min(sh.rows, Math.max(64, sh.rows / 8))];
        int n = 0;
        for (int j = 0; j < sh.rows; j++) {
            if (approx[j] >= cut) {
                if (n == cand.length) return null; // too many near-ties for re-scoring to pay off
                cand[n++] = j;
            }
        }
        TopK top = new TopK(k);
        short[] row = new short[dim];
        ShortPointer data = new ShortPointer(sh.emb.data_ptr());
        for (int c = 0; c < n; c++) {
            int j = cand[c];
            data.position((long) j * dim).get(row, 0, dim);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int d = 0;
            for (; d + 3 < dim; d += 4) {
                s0 += q[d] * HALF[row[d] & 0xffff];
                s1 += q[d + 1] * HALF[row[d + 1] & 0xffff];
                s2 += q[d + 2] * HALF[row[d + 2] & 0xffff];
                s3 += q[d + 3] * HALF[row[d + 3] & 0xffff];
            }
            for (; d < dim; d++) s0 += q[d] * HALF[row[d] & 0xffff];
            top.offer((s0 + s1) + (s2 + s3), sh.first + j);
        }
        return top;
    }

    private void widenedScan(Shard sh, float[] q, int k, TopK into) {
        int blockRows = Math.max(64, Math.min(65536, WIDEN_FLOATS / dim));
        try (PointerScope scope = new PointerScope()) {
            Tensor qt = torch.empty(new long[] {1, dim}, new TensorOptions(ScalarType.Float),
                    new MemoryFormatOptional());
            new FloatPointer(qt.data_ptr()).put(q, 0, dim);
            Tensor widened = torch.empty(new long[] {Math.min(blockRows, sh.rows), dim},
                    new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
            scan(sh, qt, 1, blockRows, new float[Math.min(blockRows, sh.rows)], widened, new TopK[] {into});
        }
    }

    /** fp16 bits to float, all 65536 of them (exact). */
    private static final float[] HALF = new float[65536];

    static {
        for (int i = 0; i < HALF.length; i++) HALF[i] = HalfFloats.f16ToFloat((short) i);
    }

    /** Largest row L2 norm of a shard (fp16 indexes; computed on first use, cached). */
    private synchronized double maxRowNorm(int shard) {
        if (maxNorms == null) {
            maxNorms = new double[shards.size()];
            Arrays.fill(maxNorms, -1);
        }
        if (maxNorms[shard] < 0) {
            Shard sh = shards.get(shard);
            ShortPointer data = new ShortPointer(sh.emb.data_ptr());
            int chunkRows = Math.max(1, (1 << 20) / dim);
            short[] buf = new short[chunkRows * dim];
            double max = 0;
            for (int r = 0; r < sh.rows; r += chunkRows) {
                int n = Math.min(chunkRows, sh.rows - r);
                data.position((long) r * dim).get(buf, 0, n * dim);
                for (int i = 0; i < n; i++) {
                    double ss = 0;
                    for (int d = 0; d < dim; d++) {
                        float x = HALF[buf[i * dim + d] & 0xffff];
                        ss += (double) x * x;
                    }
                    max = Math.max(max, ss);
                }
            }
            maxNorms[shard] = Math.sqrt(max);
        }
        return maxNorms[shard];
    }

    private int maxShardRows() {
        int m = 0;
        for (Shard s : shards) m = Math.max(m, s.rows);
        return m;
    }

    private void scan(Shard sh, Tensor q, int b, int blockRows, float[] scratch, Tensor widened, TopK[] top) {
        float[] thr = new float[b];
        for (int i = 0; i < b; i++) thr[i] = top[i].threshold();
        for (int start = 0; start < sh.rows; start += blockRows) {
            int len = Math.min(blockRows, sh.rows - start);
            try (PointerScope s = new PointerScope()) {
                Tensor block = sh.emb.narrow(0, start, len);
                if (widened != null) {
                    Tensor w = widened.narrow(0, 0, len);
                    w.copy_(block);
                    block = w;
                }
                // rows @ queries^T ([len, b]): measured several times faster than queries @ rows^T for small dims,
                // and a single query goes through mv: libtorch's mm with one column is ~100x slower than gemv
                Tensor scores = b == 1 ? torch.mv(block, q.view(-1)) : block.mm(q.t());
                scores.data_ptr_float().get(scratch, 0, len * b);
            }
            int row0 = sh.first + start;
            for (int j = 0; j < len; j++) {
                int base = j * b;
                for (int i = 0; i < b; i++) {
                    float s = scratch[base + i];
                    if (s >= thr[i]) {
                        top[i].offer(s, row0 + j);
                        thr[i] = top[i].threshold();
                    }
                }
            }
        }
    }

    private List<Hit> hits(TopK t) {
        long[] keys = t.sortedPairs();
        List<Hit> hits = new ArrayList<>(keys.length);
        for (int r = 0; r < keys.length; r++) {
            int row = TopK.rowOf(keys[r]);
            hits.add(new Hit(passages.get(row), row, TopK.scoreOf(keys[r]), r + 1));
        }
        return hits;
    }

    @Override
    public int size() {
        return passages.size();
    }

    @Override
    public int dim() {
        return dim;
    }

    public IndexDtype dtype() {
        return dtype;
    }

    /** First row with an embedding here (0 unless this is one rank's part of a {@link ShardedIndex}). */
    public int firstRow() {
        return shards.isEmpty() ? 0 : shards.get(0).first;
    }

    /** Rows with an embedding here ({@link #size()} unless this is one rank's part of a {@link ShardedIndex}). */
    public int heldRows() {
        int n = 0;
        for (Shard s : shards) n += s.rows;
        return n;
    }

    public int shardCount() {
        return shards.size();
    }

    /** Rows per shard, in order. */
    public int[] shardSizes() {
        int[] s = new int[shards.size()];
        for (int i = 0; i < s.length; i++) s[i] = shards.get(i).rows;
        return s;
    }

    List<Shard> shards() {
        return shards;
    }

    @Override
    public String encoderFingerprint() {
        return fingerprint;
    }

    @Override
    public List<Passage> passages() {
        return passages;
    }

    @Override
    public synchronized IndexManifest manifest() {
        if (manifest == null) manifest = FlatIndexFiles.describe(this, null, null);
        return manifest;
    }

    synchronized void manifest(IndexManifest m) {
        this.manifest = m;
    }

    @Override
    public void save(Path dir) throws IOException {
        checkOpen();
        manifest(FlatIndexFiles.save(this, dir));
    }

    /** Loads a flat index; see {@link IndexLoadOptions} for re-sharding and the fingerprint check. */
    public static FlatIndex load(Path dir, IndexLoadOptions options) {
        IndexManifest m = IndexManifest.read(dir);
        if (!m.type().equals(IndexManifest.TYPE_FLAT))
            throw UserError.at(dir.resolve(IndexManifest.FILE), 0, "type", "expected a flat index, got '" + m.type()
                    + "'");
        return load(dir, m, options);
    }

    static FlatIndex load(Path dir, IndexManifest m, IndexLoadOptions options) {
        m.checkFingerprint(dir, options);
        return FlatIndexFiles.load(dir, m, options);
    }

    private synchronized void checkOpen() {
        if (closed) throw new IllegalStateException("index is closed");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Shard s : shards) Tensors.free(s.emb);
    }
}
