package dev.t5j.retrieval.index;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import dev.t5j.retrieval.Passages;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.retrieval.Passage;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Approximate inner-product index: Lucene 9 HNSW graphs ({@code MAXIMUM_INNER_PRODUCT}) over the passage embeddings,
 * one graph per contiguous partition (built in parallel; searched one after another, merged like flat shards).
 * Why HNSW rather than IVF-PQ: docs/retrieval.md ("Approximate index").
 *
 * <p>Scores are Lucene's MIP scores mapped back to inner products (exact up to float rounding). Lucene keeps the
 * vectors in fp32 whatever the flat index's dtype. Built in memory; saved as one Lucene directory per partition.
 */
public final class HnswIndex implements PassageIndex {
    static final String FIELD = "v";
    static final String ROW = "row";

    private final List<Passage> passages;
    private final int dim;
    private final String fingerprint;
    private final HnswOptions options;
    private final List<Partition> parts;
    private IndexManifest manifest;
    private boolean closed;

    /** Rows {@code [first, first + rows)} in one Lucene directory. */
    private record Partition(int first, int rows, Directory dir, DirectoryReader reader, IndexSearcher searcher) {}

    private HnswIndex(List<Passage> passages, int dim, String fingerprint, HnswOptions options, List<Partition> parts) {
        this.passages = passages;
        this.dim = dim;
        this.fingerprint = fingerprint;
        this.options = options;
        this.parts = parts;
    }

    static {
        // Lucene 9 on Java 17 notes once that it runs without SIMD; the figures in BENCHMARKS.md, "Passage index"
        // already say so.
        Logger.getLogger("org.apache.lucene.internal.vectorization")
                .setLevel(Level.SEVERE);
    }

    /** Builds the graphs from a flat index's vectors (fp16 rows are widened). */
    public static HnswIndex build(FlatIndex flat, HnswOptions options, Progress progress) {
        int[] bounds = FlatIndex.split(flat.size(), options.partitions());
        int n = bounds.length - 1;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), n));
        List<Partition> parts = new ArrayList<>();
        try {
            List<Future<Partition>> futures = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                int first = bounds[p];
                int rows = bounds[p + 1] - first;
                futures.add(pool.submit(() -> buildPartition(flat, first, rows, options, progress)));
            }
            for (Future<Partition> f : futures) parts.add(f.get());
        } catch (Exception e) {
            for (Partition p : parts) closeQuietly(p);
            Throwable c = e instanceof ExecutionException ? e.getCause() : e;
            if (c instanceof RuntimeException r) throw r;
            throw new IllegalStateException("HNSW build failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
        return new HnswIndex(flat.passages(), flat.dim(), flat.encoderFingerprint(), options, parts);
    }

    private static Partition buildPartition(FlatIndex flat, int first, int rows, HnswOptions o,
            Progress progress) throws IOException {
        Directory dir = new ByteBuffersDirectory();
        IndexWriterConfig cfg = new IndexWriterConfig()
                .setCodec(codec(o))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setMergePolicy(NoMergePolicy.INSTANCE)
                .setRAMBufferSizeMB(1024)
                .setUseCompoundFile(false);
        // One writer thread per partition and no merges: documents keep their row order, the build is reproducible.
        try (IndexWriter w = new IndexWriter(dir, cfg)) {
            float[] v = new float[flat.dim()];
            for (int i = 0; i < rows; i++) {
                flat.copyRows(first + i, 1, v);
                Document d = new Document();
                d.add(new KnnFloatVectorField(FIELD, v.clone(), VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
                d.add(new NumericDocValuesField(ROW, first + i));
                w.addDocument(d);
                if (progress != null && (i & 255) == 255) progress.step(256);
            }
            if (progress != null) progress.step(rows & 255);
            w.commit();
        }
        return open(first, rows, dir);
    }

    private static Lucene912Codec codec(HnswOptions o) {
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return new Lucene99HnswVectorsFormat(o.m(), o.beamWidth());
            }
        };
    }

    private static Partition open(int first, int rows, Directory dir) throws IOException {
        DirectoryReader r = DirectoryReader.open(dir);
        IndexSearcher s = new IndexSearcher(r);
        s.setQueryCache(null);
        return new Partition(first, rows, dir, r, s);
    }

    @Override
    public List<List<Hit>> search(float[][] queries, int k) {
        if (closed) throw new IllegalStateException("index is closed");
        int kk = Math.min(k, passages.size());
        List<List<Hit>> out = new ArrayList<>(queries.length);
        for (float[] q : queries) {
            if (q.length != dim) throw new IllegalArgumentException("query has " + q.length
                    + " values, the index dim is " + dim);
            TopK top = new TopK(kk);
            if (kk > 0) {
                for (Partition p : parts) {
                    TopK local = new TopK(kk);
                    searchPartition(p, q, kk, local);
                    top.merge(local);
                }
            }
            long[] keys = top.sortedPairs();
            List<Hit> hits = new ArrayList<>(keys.length);
            for (int r = 0; r < keys.length; r++) {
                int row = TopK.rowOf(keys[r]);
                hits.add(new Hit(passages.get(row), row, TopK.scoreOf(keys[r]), r + 1));
            }
            out.add(hits);
        }
        return out;
    }

    private void searchPartition(Partition p, float[] q, int k, TopK into) {
        int candidates = Math.max(k, options.efSearch());
        try {
            TopDocs td = p.searcher.search(new KnnFloatVectorQuery(FIELD, q, candidates), candidates);
            List<LeafReaderContext> leaves = p.reader.leaves();
            for (ScoreDoc sd : td.scoreDocs) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                NumericDocValues rows = leaf.reader().getNumericDocValues(ROW);
                int local = sd.doc - leaf.docBase;
                if (rows == null
                        || !rows.advanceExact(local)) throw new IllegalStateException("document without a row number");
                into.offer(innerProduct(sd.score), (int) rows.longValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inverse of Lucene's {@code VectorUtil.scaleMaxInnerProductScore}: {@code ip < 0 ? 1/(1-ip) : ip+1}. */
    static float innerProduct(float luceneScore) {
        return luceneScore >= 1f ? luceneScore - 1f : 1f - 1f / luceneScore;
    }

    @Override
    public int size() {
        return passages.size();
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String encoderFingerprint() {
        return fingerprint;
    }

    @Override
    public List<Passage> passages() {
        return passages;
    }

    public HnswOptions options() {
        return options;
    }

    /** The same index searched with another efSearch (shares the graphs; do not close both). */
    public HnswIndex withEfSearch(int ef) {
        return new HnswIndex(passages, dim, fingerprint, options.withEfSearch(ef), parts);
    }

    static String partDir(int i) {
        return String.format(Locale.ROOT, "hnsw.%05d", i);
    }

    private IndexManifest describe(String passagesSha) {
        List<IndexManifest.Part> ps = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) ps.add(new IndexManifest.Part(partDir(i), parts.get(i).first,
                parts.get(i).rows, null));
        return new IndexManifest(IndexManifest.FORMAT_VERSION, IndexManifest.TYPE_HNSW, passages.size(), dim,
                IndexDtype.FP32,
                IndexFiles.PASSAGES, passagesSha, Passages.checksum(passages), fingerprint, IndexFiles.now(),
                IndexManifest.currentT5jVersion(), ps, Map.of("m", options.m(), "beam_width", options.beamWidth(),
                        "ef_search", options.efSearch()));
    }

    @Override
    public synchronized IndexManifest manifest() {
        if (manifest == null) manifest = describe(null);
        return manifest;
    }

    @Override
    public void save(Path dir) throws IOException {
        IndexManifest[] m = new IndexManifest[1];
        AtomicFiles.writeDirectory(dir, tmp -> {
            String sha = IndexFiles.writePassages(tmp, passages);
            for (int i = 0; i < parts.size(); i++) {
                Path sub = tmp.resolve(partDir(i));
                Files.createDirectories(sub);
                try (FSDirectory dst = FSDirectory.open(sub)) {
                    Directory src = parts.get(i).dir;
                    for (String f : src.listAll()) if (!f.equals("write.lock")) dst.copyFrom(src, f, f,
                            IOContext.DEFAULT);
                    dst.sync(Arrays.asList(dst.listAll()));
                }
            }
            m[0] = describe(sha);
            IndexFiles.writeManifest(tmp, m[0]);
        });
        synchronized (this) {
            manifest = m[0];
        }
    }

    /** Loads an HNSW index (partitions are fixed: {@link IndexLoadOptions#shards()} does not apply). */
    static HnswIndex load(Path dir, IndexManifest m, IndexLoadOptions options) {
        m.checkFingerprint(dir, options);
        List<Passage> passages = IndexFiles.readPassages(dir, m, options.verify());
        List<Partition> parts = new ArrayList<>();
        try {
            for (IndexManifest.Part p : m.shards()) {
                Path sub = dir.resolve(p.file());
                if (!Files.isDirectory(sub)) throw UserError.at(dir.resolve(IndexManifest.FILE), 0, "shards", "'"
                        + p.file() + "' is missing from the index");
                Partition part;
                try {
                    part = open(p.first(), p.rows(), FSDirectory.open(sub));
                    if (options.verify()) for (LeafReaderContext l : part.reader.leaves()) l.reader().checkIntegrity();
                } catch (IOException e) {
                    throw new UserError(sub + ": corrupted or unreadable Lucene index (" + e.getMessage()
                            + "); rebuild the index", e);
                }
                parts.add(part);
                if (part.reader.maxDoc() != p.rows())
                    throw new UserError(sub + ": holds " + part.reader.maxDoc() + " vectors but the manifest says "
                            + p.rows() + "; rebuild the index");
            }
        } catch (RuntimeException e) {
            for (Partition p : parts) closeQuietly(p);
            throw e;
        }
        Map<String, Object> ps = m.params();
        HnswOptions o = new HnswOptions(intParam(ps, "m", 16), intParam(ps, "beam_width", 100), intParam(ps,
                "ef_search", 100), parts.size(), 1);
        HnswIndex idx = new HnswIndex(passages, m.dim(), m.encoderFingerprint(), o, parts);
        idx.manifest = m;
        return idx;
    }

    private static int intParam(Map<String, Object> ps, String key, int dflt) {
        Object v = ps.get(key);
        return v instanceof Number n ? n.intValue() : dflt;
    }

    private static void closeQuietly(Partition p) {
        try {
            p.reader.close();
            p.dir.close();
        } catch (IOException ignored) {
            // closing after a failure: the first error is the one to report
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Partition p : parts) closeQuietly(p);
    }
}
