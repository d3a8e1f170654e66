package dev.t5j.retrieval.index;

/**
 * Settings of the approximate index (Lucene HNSW).
 *
 * @param m          graph neighbours per node (Lucene's maxConn; 16 is Lucene's default)
 * @param beamWidth  candidates kept while inserting (Lucene's beamWidth; 100 default): higher = better graph, slower
 * build
 * @param efSearch   candidates kept while searching (at least k): higher = better recall, slower search
 * @param partitions independent graphs over contiguous row ranges, built in parallel and searched one after another
 *                   with their top-k merged exactly like the flat index's shards
 * @param threads    build threads (one partition per thread at a time)
 */
public record HnswOptions(int m, int beamWidth, int efSearch, int partitions, int threads) {
    public HnswOptions {
        if (m < 2 || m > 512) throw new IllegalArgumentException("m must be in [2, 512], got " + m);
        if (beamWidth < 1
                || beamWidth > 3200) throw new IllegalArgumentException("beam width must be in [1, 3200], got "
                + beamWidth);
        if (efSearch < 1) throw new IllegalArgumentException("efSearch must be >= 1, got " + efSearch);
        if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    /** m 16, beam width 100, efSearch 100, one partition per core. */
    public static HnswOptions defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new HnswOptions(16, 100, 100, cores, cores);
    }

    public HnswOptions withEfSearch(int ef) {
        return new HnswOptions(m, beamWidth, ef, partitions, threads);
    }
}
