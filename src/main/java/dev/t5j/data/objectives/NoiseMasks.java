package dev.t5j.data.objectives;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * T5's noise masks and noise→token functions ({@code t5/data/preprocessors.py}), on int arrays. The arithmetic
 * follows the TF code exactly: float32 products, round-half-to-even ({@code tf.round}), the same clamps, and the same
 * segmentation (a uniformly random composition); only the random bits differ (Java generators instead of TF
 * stateless ops).
 */
public final class NoiseMasks {
    private NoiseMasks() {}

    /** {@code tf.round(float32(x))}: round half to even. */
    static int roundHalfEven(float x) {
        return (int) Math.rint(x);
    }

    /**
     * {@code random_spans_noise_mask(length, noise_density, seeds, mean_noise_span_length, random_roll=False)}:
     * alternating non-noise / noise spans, always starting with non-noise, {@code num_noise_spans} of each.
     */
    public static boolean[] randomSpansNoiseMask(int length, double noiseDensity, double meanNoiseSpanLength,
            RandomGenerator rng) {
        if (noiseDensity == 0.0) return new boolean[length];
        int origLength = length;
        length = Math.max(length, 2);
        int numNoiseTokens = roundHalfEven((float) length * (float) noiseDensity);
        numNoiseTokens = Math.min(Math.max(numNoiseTokens, 1), length - 1);
        int numNoiseSpans = roundHalfEven((float) numNoiseTokens / (float) meanNoiseSpanLength);
        numNoiseSpans = Math.max(numNoiseSpans, 1);
        int numNonnoiseTokens = length - numNoiseTokens;
        int[] noiseSpanLengths = randomSegmentation(numNoiseTokens, numNoiseSpans, rng);
        int[] nonnoiseSpanLengths = randomSegmentation(numNonnoiseTokens, numNoiseSpans, rng);
        boolean[] mask = new boolean[length];
        int pos = 0;
        for (int s = 0; s < numNoiseSpans; s++) {
            pos += nonnoiseSpanLengths[s];
            int end = pos + noiseSpanLengths[s];
            Arrays.fill(mask, pos, end, true);
            pos = end;
        }
        return origLength == length ? mask : Arrays.copyOf(mask, origLength);
    }

    /**
     * {@code _random_segmentation(num_items, num_segments)}: shuffle {@code [i < num_segments-1 for i in
     * range(num_items-1)]}, left-pad with 0, cumsum → segment ids, segment_sum of ones → lengths. Every composition of
     * {@code numItems} into {@code numSegments} positive parts is equally likely. When there are fewer items than
     * segments (degenerate, as in TF) the trailing segments are empty.
     */
    public static int[] randomSegmentation(int numItems, int numSegments, RandomGenerator rng) {
        int n = Math.max(numItems - 1, 0);
        boolean[] first = new boolean[n];
        for (int i = 0; i < n; i++) first[i] = i < numSegments - 1;
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = rng.nextInt(i + 1);
            boolean t = first[i];
            first[i] = first[j];
            first[j] = t;
        }
        int[] lengths = new int[numSegments];
        int seg = 0;
        if (numItems > 0) lengths[0] = 1;
        for (int i = 0; i < n; i++) {
            if (first[i]) seg++;
            lengths[seg]++;
        }
        return lengths;
    }

    /** {@code iid_noise_mask}: each token is noise with probability {@code noiseDensity}. */
    public static boolean[] iidNoiseMask(int length, double noiseDensity, RandomGenerator rng) {
        boolean[] m = new boolean[length];
        for (int i = 0; i < length; i++) m[i] = rng.nextFloat() < noiseDensity;
        return m;
    }

    /**
     * {@code random_prefix_noise_mask}: the first {@code k} tokens are noise (they become the inputs), with
     * {@code k ~ Uniform{min_in, …, length−1}} and
     * {@code min_in = min(length−1, max(1, round((1−2·density)(length−1))))}.
     */
    public static boolean[] randomPrefixNoiseMask(int length, double noiseDensity, RandomGenerator rng) {
        int maxInput = length - 1;
        int minInput = Math.min(maxInput, Math.max(1, roundHalfEven((float) ((1 - 2 * noiseDensity) * maxInput))));
        int k = maxInput <= minInput ? Math.max(minInput, 0) : minInput + rng.nextInt(maxInput - minInput + 1);
        boolean[] m = new boolean[length];
        Arrays.fill(m, 0, Math.min(Math.max(k, 0), length), true);
        return m;
    }

    /**
     * {@code noise_span_to_unique_sentinel}: the first token of the k-th noise span (k = 1, 2, …) becomes
     * {@code vocabSize − k} (= {@code <extra_id_{k-1}>}); the other noise tokens are dropped.
     */
    public static int[] noiseSpanToUniqueSentinel(int[] tokens, boolean[] noiseMask, int vocabSize) {
        int[] out = new int[tokens.length];
        int n = 0, spans = 0;
        boolean prevNoise = false;
        for (int i = 0; i < tokens.length; i++) {
            boolean noise = noiseMask[i];
            if (noise && !prevNoise) out[n++] = vocabSize - 1 - spans++;
            else if (!noise) out[n++] = tokens[i];
            prevNoise = noise;
        }
        return Arrays.copyOf(out, n);
    }

    /** {@code nonnoise_span_to_unique_sentinel}: the same on the inverted mask (used for targets). */
    public static int[] nonnoiseSpanToUniqueSentinel(int[] tokens, boolean[] noiseMask, int vocabSize) {
        boolean[] inv = new boolean[noiseMask.length];
        for (int i = 0; i < inv.length; i++) inv[i] = !noiseMask[i];
        return noiseSpanToUniqueSentinel(tokens, inv, vocabSize);
    }

    /** {@code drop_noise_tokens}: keeps the non-noise tokens. */
    public static int[] dropNoiseTokens(int[] tokens, boolean[] noiseMask) {
        return keep(tokens, noiseMask, false);
    }

    /** {@code drop_nonnoise_tokens}: keeps the noise tokens. */
    public static int[] dropNonnoiseTokens(int[] tokens, boolean[] noiseMask) {
        return keep(tokens, noiseMask, true);
    }

    private static int[] keep(int[] tokens, boolean[] mask, boolean which) {
        int[] out = new int[tokens.length];
        int n = 0;
        for (int i = 0; i < tokens.length; i++) if (mask[i] == which) out[n++] = tokens[i];
        return Arrays.copyOf(out, n);
    }

    /** Result of {@link #randomSpansHelper}: raw tokens per example and the resulting targets length. */
    public record SpanLengths(int tokensLength, int inputsLength, int targetsLength) {}

    /**
     * {@code random_spans_helper}: the largest raw length whose span-corrupted inputs (non-noise + one sentinel per
     * span + EOS) fit {@code inputsLength}, and the targets length it implies. Python rounding (half to even, doubles).
     * For 512: 568 raw tokens, targets 114. With density 0.5, targets are shortened by one if longer than inputs.
     */
    public static SpanLengths randomSpansHelper(int inputsLength, double noiseDensity, double meanNoiseSpanLength,
                                                int extraTokensPerSpanInputs, int extraTokensPerSpanTargets) {
        int tokensLength = inputsLength - 1;
        while (lengthsFor(tokensLength + 1, noiseDensity, meanNoiseSpanLength, extraTokensPerSpanInputs,
                extraTokensPerSpanTargets)[0] <= inputsLength)
            tokensLength++;
        int[] it = lengthsFor(tokensLength, noiseDensity, meanNoiseSpanLength, extraTokensPerSpanInputs,
                extraTokensPerSpanTargets);
        int targets = it[1];
        if (noiseDensity == 0.5 && targets > it[0]) {
            tokensLength--;
            targets--;
        }
        return new SpanLengths(tokensLength, it[0], targets);
    }

    private static int[] lengthsFor(int tokensLength, double density, double meanSpan, int exIn, int exTg) {
        int numNoise = (int) Math.rint(tokensLength * density);
        int numNonnoise = tokensLength - numNoise;
        int numSpans = (int) Math.rint(numNoise / meanSpan);
        return new int[] {numNonnoise + numSpans * exIn + 1, numNoise + numSpans * exTg + 1};
    }
}
