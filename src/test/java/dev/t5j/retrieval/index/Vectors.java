package dev.t5j.retrieval.index;

import dev.t5j.retrieval.Passage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test data: random and clustered vectors, synthetic passages. */
final class Vectors {
    private Vectors() {}

    static float[][] gaussian(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) for (int j = 0; j < dim; j++) row[j] = (float) r.nextGaussian();
        return v;
    }

    /** Small integers in [-2, 2]: every inner product is exact in fp32 and fp16, so ties are real ties. */
    static float[][] smallIntegers(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) for (int j = 0; j < dim; j++) row[j] = r.nextInt(5) - 2;
        return v;
    }

    /** {@code clusters} gaussian centres (scale 1) plus noise (scale {@code noise}). */
    static float[][] clustered(int n, int dim, int clusters, float noise, long seed) {
        Random r = new Random(seed);
        float[][] c = gaussian(clusters, dim, seed + 1);
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            float[] centre = c[r.nextInt(clusters)];
            for (int j = 0; j < dim; j++) row[j] = centre[j] + noise * (float) r.nextGaussian();
        }
        return v;
    }

    static List<Passage> passages(int n) {
        List<Passage> ps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ps.add(Passage.of("p" + i, "title " + i, "text " + i));
        return ps;
    }

    static float[] flatten(float[][] v) {
        int dim = v[0].length;
        float[] m = new float[v.length * dim];
        for (int i = 0; i < v.length; i++) System.arraycopy(v[i], 0, m, i * dim, dim);
        return m;
    }
}
