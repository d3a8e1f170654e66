package dev.t5j.retrieval.index;

/**
 * How an index is loaded.
 *
 * @param shards              shards to split a flat index into (0: as many as it was saved with); any count works,
 *                            the rows are re-split contiguously
 * @param expectedFingerprint the fingerprint of the encoder the caller will embed queries with; null skips the check
 * @param force               load even when the fingerprint differs (a stale index: its passage vectors no longer
 *                            match the query encoder)
 * @param verify              check the shard checksums and the passages file hash (one extra pass over the data)
 */
public record IndexLoadOptions(int shards, String expectedFingerprint, boolean force, boolean verify) {
    public IndexLoadOptions {
        if (shards < 0) throw new IllegalArgumentException("shards must be >= 0, got " + shards);
    }

    /** As saved, no fingerprint check, verified. */
    public static IndexLoadOptions defaults() {
        return new IndexLoadOptions(0, null, false, true);
    }

    public static IndexLoadOptions expecting(String fingerprint) {
        return new IndexLoadOptions(0, fingerprint, false, true);
    }

    public IndexLoadOptions withShards(int n) {
        return new IndexLoadOptions(n, expectedFingerprint, force, verify);
    }

    public IndexLoadOptions withForce(boolean f) {
        return new IndexLoadOptions(shards, expectedFingerprint, f, verify);
    }
}
