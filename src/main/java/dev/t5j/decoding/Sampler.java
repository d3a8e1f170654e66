package dev.t5j.decoding;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws the next token from one row of logits with HF's warper order: temperature, then top-k, then top-p
 * (keeping at least one token). Runs in Java on a copy of the row so results depend only on the seed.
 */
final class Sampler {
    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom rng;

    Sampler(double temperature, int topK, double topP, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.rng = new SplittableRandom(seed);
    }

    int sample(float[] logits) {
        int v = logits.length;
        double[] x = new double[v];
        for (int i = 0; i < v; i++) x[i] = logits[i] / temperature;
        if (topK > 0 && topK < v) {
            double[] sorted = x.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - topK];
            for (int i = 0; i < v; i++) if (x[i] < kth) x[i] = Double.NEGATIVE_INFINITY;
        }
        if (topP < 1.0) {
            // HF TopPLogitsWarper: sort ascending, drop tokens whose cumulative probability is <= 1 - top_p.
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) order[i] = i;
            double[] probs = softmax(x);
            Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
            double cum = 0;
            for (int r = 0; r < v - 1; r++) { // the most likely token is always kept
                cum += probs[order[r]];
                if (cum <= 1 - topP) x[order[r]] = Double.NEGATIVE_INFINITY;
            }
        }
        double[] p = softmax(x);
        double u = rng.nextDouble();
        double acc = 0;
        int last = -1;
        for (int i = 0; i < v; i++) {
            if (p[i] <= 0) continue;
            last = i;
            acc += p[i];
            if (u < acc) return i;
        }
        return last;
    }

    static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double d : x) max = Math.max(max, d);
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = x[i] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(x[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) p[i] /= sum;
        return p;
    }
}
