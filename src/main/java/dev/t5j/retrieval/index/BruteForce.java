package dev.t5j.retrieval.index;

/**
 * Exact inner-product top-k in plain Java loops over a row-major fp32 matrix: the reference the libtorch search is
 * checked against (tests) and compared with (t5j bench index). Same result order as {@link FlatIndex}.
 */
public final class BruteForce {
    private BruteForce() {}

    /**
     * Top-k rows per query, best first: {@code rows[q][i]} and {@code scores[q][i]}.
     *
     * @param matrix {@code n * dim} floats, row-major
     */
    public static Result search(float[] matrix, int n, int dim, float[][] queries, int k) {
        int kk = Math.min(k, n);
        int[][] rows = new int[queries.length][];
        float[][] scores = new float[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            float[] v = queries[q];
            TopK top = new TopK(kk);
            for (int r = 0; r < n; r++) {
                int base = r * dim;
                // four partial sums: independent chains let the JIT keep the FPU busy (no SIMD API needed)
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int j = 0;
                for (; j + 3 < dim; j += 4) {
                    s0 += v[j] * matrix[base + j];
                    s1 += v[j + 1] * matrix[base + j + 1];
                    s2 += v[j + 2] * matrix[base + j + 2];
                    s3 += v[j + 3] * matrix[base + j + 3];
                }
                for (; j < dim; j++) s0 += v[j] * matrix[base + j];
                float s = (s0 + s1) + (s2 + s3);
                if (s >= top.threshold()) top.offer(s, r);
            }
            long[] keys = top.sortedPairs();
            rows[q] = new int[keys.length];
            scores[q] = new float[keys.length];
            for (int i = 0; i < keys.length; i++) {
                rows[q][i] = TopK.rowOf(keys[i]);
                scores[q][i] = TopK.scoreOf(keys[i]);
            }
        }
        return new Result(rows, scores);
    }

    public record Result(int[][] rows, float[][] scores) {}
}
