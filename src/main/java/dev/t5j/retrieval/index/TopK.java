package dev.t5j.retrieval.index;

import java.util.Arrays;

/**
 * The k best (score, row) pairs seen so far, in a bounded min-heap whose root is the worst kept pair. The order is
 * total and deterministic: higher score first, and among equal scores the lower row first. Per-shard results merged
 * with the same order therefore equal an unsharded search (Atlas's two-level topk, with ties made reproducible).
 * NaN scores are never kept.
 */
final class TopK {
    final int k;
    private final float[] scores;
    private final int[] rows;
    private int size;

    TopK(int k) {
        this.k = k;
        this.scores = new float[k];
        this.rows = new int[k];
    }

    int size() {
        return size;
    }

    /** Scores strictly below this cannot enter (fast path of the scan loop). */
    float threshold() {
        return size < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /** true when (a, ra) ranks after (b, rb). */
    private static boolean worse(float a, int ra, float b, int rb) {
        return a < b || (a == b && ra > rb);
    }

    void offer(float s, int row) {
        if (k == 0 || Float.isNaN(s)) return;
        if (s == 0f) s = 0f; // -0.0 and 0.0 tie, as in the comparisons below
        if (size < k) {
            int i = size++;
            // sift up: parent must be worse than or equal to the child
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!worse(s, row, scores[p], rows[p])) break;
                scores[i] = scores[p];
                rows[i] = rows[p];
                i = p;
            }
            scores[i] = s;
            rows[i] = row;
            return;
        }
        if (!worse(scores[0], rows[0], s, row)) return; // not better than the worst kept
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) break;
            int c = l;
            int r = l + 1;
            if (r < size && worse(scores[r], rows[r], scores[l], rows[l])) c = r;
            if (!worse(scores[c], rows[c], s, row)) break;
            scores[i] = scores[c];
            rows[i] = rows[c];
            i = c;
        }
        scores[i] = s;
        rows[i] = row;
    }

    /** Adds everything another heap kept. */
    void merge(TopK other) {
        for (int i = 0; i < other.size; i++) offer(other.scores[i], other.rows[i]);
    }

    /** Rows best first (parallel to {@link #sortedScores}); the heap is left unchanged. */
    long[] sortedPairs() {
        // pack (score order, row) into sortable longs: no boxing, no comparator
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) keys[i] = ((long) descendingKey(scores[i]) << 32) | (rows[i] & 0xffffffffL);
        Arrays.sort(keys);
        return keys;
    }

    static int rowOf(long key) {
        return (int) key;
    }

    static float scoreOf(long key) {
        return fromDescendingKey((int) (key >> 32));
    }

    /** An int that sorts ascending in the order of descending float (for non-NaN floats; -0.0 and 0.0 kept apart). */
    private static int descendingKey(float f) {
        int bits = Float.floatToIntBits(f);
        int asc = bits >= 0 ? bits : bits ^ 0x7fffffff; // ascending signed-int order of floats
        return ~asc;
    }

    private static float fromDescendingKey(int key) {
        int asc = ~key;
        int bits = asc >= 0 ? asc : asc ^ 0x7fffffff;
        return Float.intBitsToFloat(bits);
    }
}
