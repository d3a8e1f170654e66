package dev.t5j.retrieval.index;

import java.util.Arrays;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.retrieval.Embedder;
import dev.t5j.retrieval.Passage;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A flat index split across the ranks of a data-parallel job, as Atlas's {@code DistributedIndex} (reference A.6):
 * the rows are cut into {@link #globalShards} contiguous shards, rank r embeds and holds the shards
 * {@code [r·S/W, (r+1)·S/W)}, and every rank keeps the passage list with global row numbers. A search is a
 * collective: the queries of all ranks are all-gathered, each rank scans its shards for all of them, the per-query
 * candidates (score, global row) are all-gathered and each rank merges those of its own queries with the one-process
 * order (score, then lower row). The shards are the same tensors a one-process index with S shards scans, searched
 * with the same query matrix, so the results equal that index's, scores bit for bit.
 *
 * <p>Differences from Atlas: the candidates go to every rank (an all-gather, not a gather to the owner), and every
 * rank keeps all passage texts (the collectives move tensors only); only the embeddings are sharded.
 *
 * <p>The tensors exchanged are CPU tensors whatever the device: the index lives in CPU memory.
 *
 * <p>Every method that talks to the group ({@link #search}, {@link #build}, {@link #load}, {@link #save}) must be
 * called by every rank, in the same order, with the same {@code k}.
 */
public final class ShardedIndex implements PassageIndex {
    /** Manifest {@code params} key: how many ranks wrote a sharded index. */
    public static final String WORLD_SIZE = "world_size";

    /** The collectives a sharded index needs (a data-parallel run's replicas provide them). */
    public interface Group {
        int rank();

        int world();

        /** Every rank's {@code t} (same shape and dtype on every rank), in rank order. */
        List<Tensor> allGather(Tensor t);

        void barrier();
    }

    private final Group group;
    private final FlatIndex local;
    private final int globalShards;
    private boolean sharedQueries;
    private IndexManifest manifest;

    private ShardedIndex(Group group, FlatIndex local, int globalShards) {
        this.group = group;
        this.local = local;
        this.globalShards = globalShards;
    }

    /** {@code requested} rounded up to a multiple of {@code world}: every rank holds as many shards. */
    public static int globalShards(int requested, int world) {
        int per = Math.max(1, (requested + world - 1) / world);
        return per * world;
    }

    /** Rows rank {@code rank} of {@code world} holds when {@code n} rows are split for {@code requestedShards}. */
    public static int heldRows(int n, int requestedShards, int rank, int world) {
        int s = globalShards(requestedShards, world);
        int per = s / world;
        int[] b = FlatIndex.split(n, s);
        int from = Math.min(rank * per, b.length - 1), to = Math.min((rank + 1) * per, b.length - 1);
        return b[to] - b[from];
    }

    /** Embeds this rank's shards (all ranks in parallel: index build and refresh). */
    public static ShardedIndex build(Group group, List<Passage> passages, Function<Passage, String> text,
            Embedder embedder, IndexOptions options, Progress progress) {
        int s = globalShards(options.shards(), group.world());
        int per = s / group.world();
        IndexOptions o = new IndexOptions(s, options.dtype(), options.batchSize());
        FlatIndex local = IndexBuilder.build(passages, text, embedder, o, group.rank() * per,
                (group.rank() + 1) * per, progress);
        return new ShardedIndex(group, local, s);
    }

    /**
     * Loads this rank's rows of a saved flat index (written by {@link #save} with any world size, or by one process):
     * the rows are re-split into {@code globalShards(options.shards() or the saved count, world)} shards.
     */
    public static ShardedIndex load(Group group, Path dir, IndexLoadOptions options) {
        IndexManifest m = IndexManifest.read(dir);
        if (!m.type().equals(IndexManifest.TYPE_FLAT))
            throw UserError.at(dir.resolve(IndexManifest.FILE), 0, "type", "a sharded index is flat, got '"
                    + m.type() + "'");
        m.checkFingerprint(dir, options);
        int s = globalShards(options.shards() == 0 ? m.shards().size() : options.shards(), group.world());
        int per = s / group.world();
        FlatIndex local = FlatIndexFiles.load(dir, m, options, s, group.rank() * per, (group.rank() + 1) * per);
        ShardedIndex idx = new ShardedIndex(group, local, s);
        idx.manifest = m;
        return idx;
    }

    /**
     * Whether every rank searches the same queries (evaluation, where every rank reads the whole evaluation set):
     * then they are not gathered, and each rank's shards are scanned with exactly the one-process query batch.
     */
    public void setSharedQueries(boolean shared) {
        this.sharedQueries = shared;
    }

    public boolean sharedQueries() {
        return sharedQueries;
    }

    /** This rank's part (global row numbers; only its shards have embeddings). */
    public FlatIndex local() {
        return local;
    }

    public int globalShards() {
        return globalShards;
    }

    public int rank() {
        return group.rank();
    }

    public int world() {
        return group.world();
    }

    @Override
    public List<List<Hit>> search(float[][] queries, int k) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        int kk = Math.min(k, size());
        int w = group.world();
        try (PointerScope scope = new PointerScope()) {
            // every rank's query count, so that batches of different sizes (a last partial batch) can be gathered
            List<Tensor> counts = group.allGather(Tensors.cpuLongs(new long[] {queries.length}, 1));
            int[] n = new int[w];
            int total = 0, mine = 0, maxN = 0;
            for (int r = 0; r < w; r++) {
                n[r] = (int) Tensors.toLongs(counts.get(r))[0];
                if (r < group.rank()) mine += n[r];
                total += n[r];
                maxN = Math.max(maxN, n[r]);
            }
            float[][] all;
            if (sharedQueries) {
                for (int r = 0; r < w; r++)
                    if (n[r] != queries.length) throw new IllegalStateException("shared queries: rank " + r
                            + " searches " + n[r] + " queries, rank " + group.rank() + " " + queries.length);
                all = queries;
                mine = 0;
            } else {
                all = maxN == 0 ? new float[0][] : gatherQueries(queries, n, maxN, total);
            }
            List<List<Hit>> out = new ArrayList<>(queries.length);
            if (all.length == 0 || kk == 0) {
                for (int i = 0; i < queries.length; i++) out.add(List.of());
                return out;
            }
            List<List<Hit>> localHits = local.search(all, kk);
            // candidates as [queries, kk] tensors, padded with row -1 where this rank holds fewer than kk rows
            float[] scores = new float[all.length * kk];
            long[] rows = new long[all.length * kk];
            Arrays.fill(rows, -1);
            for (int q = 0; q < all.length; q++) {
                List<Hit> h = localHits.get(q);
                for (int j = 0; j < h.size(); j++) {
                    scores[q * kk + j] = h.get(j).score();
                    rows[q * kk + j] = h.get(j).index();
                }
            }
            List<Tensor> gs = group.allGather(Tensors.cpuFloats(scores, all.length, kk));
            List<Tensor> gr = group.allGather(Tensors.cpuLongs(rows, all.length, kk));
            float[][] rs = new float[w][];
            long[][] rr = new long[w][];
            for (int r = 0; r < w; r++) {
                rs[r] = Tensors.toFloats(gs.get(r));
                rr[r] = Tensors.toLongs(gr.get(r));
            }
            for (int i = 0; i < queries.length; i++) {
                int q = mine + i;
                TopK top = new TopK(kk); // Atlas's second topk over the W·k candidates, ties as one process
                for (int r = 0; r < w; r++)
                    for (int j = 0; j < kk; j++) {
                        long row = rr[r][q * kk + j];
                        if (row >= 0) top.offer(rs[r][q * kk + j], (int) row);
                    }
                long[] keys = top.sortedPairs();
                List<Hit> hits = new ArrayList<>(keys.length);
                for (int j = 0; j < keys.length; j++) {
                    int row = TopK.rowOf(keys[j]);
                    hits.add(new Hit(passage(row), row, TopK.scoreOf(keys[j]), j + 1));
                }
                out.add(hits);
            }
            return out;
        }
    }

    /** All ranks' queries in rank order (each rank pads its batch to the largest one for the all-gather). */
    private float[][] gatherQueries(float[][] queries, int[] n, int maxN, int total) {
        int d = dim();
        float[] flat = new float[maxN * d];
        for (int i = 0; i < queries.length; i++) {
            if (queries[i].length != d) throw new IllegalArgumentException("query " + i + " has "
                    + queries[i].length + " values, the index dim is " + d);
            System.arraycopy(queries[i], 0, flat, i * d, d);
        }
        List<Tensor> g = group.allGather(Tensors.cpuFloats(flat, maxN, d));
        float[][] all = new float[total][];
        int at = 0;
        for (int r = 0; r < n.length; r++) {
            float[] v = Tensors.toFloats(g.get(r));
            for (int i = 0; i < n[r]; i++) all[at++] = Arrays.copyOfRange(v, i * d, (i + 1) * d);
        }
        return all;
    }

    /**
     * Writes the index as one flat index directory (docs/retrieval.md, "Index format"), each rank writing the
     * embeddings files of its own shards and rank 0 the passages and the manifest (whose {@code params.world_size}
     * says how many ranks wrote it). The files are written into a staging sibling and the directory is renamed into
     * place by rank 0 once complete. Needs {@code dir} on a file system every rank sees (as Atlas's save_index).
     * Any world size loads it back ({@link #load} re-splits the rows); so does {@link FlatIndex#load}.
     */
    @Override
    public void save(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".sharded-partial");
        if (group.rank() == 0) {
            AtomicFiles.deleteRecursively(staging); // a save killed half-way
            Files.createDirectories(staging);
        }
        group.barrier();
        int per = globalShards / group.world();
        long[] mine = FlatIndexFiles.writeHeldShards(local, staging, group.rank() * per);
        long[] padded = Arrays.copyOf(mine, per); // a rank may hold fewer shards than rows allow
        long[][] crcs = new long[group.world()][];
        try (PointerScope scope = new PointerScope()) {
            List<Tensor> g = group.allGather(Tensors.cpuLongs(padded, per));
            for (int r = 0; r < crcs.length; r++) crcs[r] = Tensors.toLongs(g.get(r));
        }
        if (group.rank() == 0) {
            long[] all = new long[FlatIndex.split(size(), globalShards).length - 1];
            for (int i = 0; i < all.length; i++) all[i] = crcs[i / per][i % per];
            AtomicFiles.writeDirectory(abs, tmp -> {
                try (Stream<Path> s = Files.list(staging)) {
                    for (Path f : s.toList()) Files.move(f, tmp.resolve(f.getFileName()));
                }
                FlatIndexFiles.writeShardedManifest(local, tmp, all, group.world());
            });
            AtomicFiles.deleteRecursively(staging);
        }
        group.barrier();
        manifest = IndexManifest.read(abs);
    }

    @Override
    public IndexManifest manifest() {
        if (manifest == null) throw new IllegalStateException("a sharded index has a manifest once saved or loaded");
        return manifest;
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public int dim() {
        return local.dim();
    }

    @Override
    public String encoderFingerprint() {
        return local.encoderFingerprint();
    }

    @Override
    public List<Passage> passages() {
        return local.passages();
    }

    @Override
    public void close() {
        local.close();
    }
}
