package dev.t5j.synth;

import java.util.random.RandomGenerator;

/**
 * The nested-dependency artificial language ("Nesting Parentheses", Papadimitriou &amp; Jurafsky 2020), pre-trained
 * with
 * span corruption in the reference (atlas-ruse-t0-synthetic.md §D.6). The reference loads token-id streams from GCS;
 * its generator is not in the repository, so this follows Papadimitriou &amp; Jurafsky's public generator
 * ({@code hierarchical_parens.py}): at each position, with probability {@code openProbability} (0.5 there) or when
 * nothing is open, a fresh token is drawn uniformly from the pool and opened (pushed); otherwise the most recently
 * opened token is closed, i.e. emitted again and popped. Every example starts with nothing open and has length
 * U[minLength, maxLength].
 *
 * <p>The example has empty {@code inputs} and the stream as {@code targets}: as in the reference, the task pipeline
 * turns it into a span-corruption example ({@code preprocessors.span_corruption}).
 */
public final class NestingLanguageTask implements SyntheticTask {
    private final TokenSpace space;
    private final int minLength;
    private final int maxLength;
    private final double openProbability;

    public NestingLanguageTask(TokenSpace space, int minLength, int maxLength, double openProbability) {
        if (minLength < 1 || maxLength < minLength) throw new IllegalArgumentException("bad length range [" + minLength
                + ", " + maxLength + "]");
        if (!(openProbability > 0 && openProbability <=
                1)) throw new IllegalArgumentException("open probability must be in (0, 1]");
        this.space = space;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.openProbability = openProbability;
    }

    @Override
    public String name() {
        return "nesting_language";
    }

    @Override
    public SyntheticExample generate(RandomGenerator r) {
        int n = Rand.randint(r, minLength, maxLength);
        int[] pool = space.pool();
        int[] out = new int[n];
        int[] stack = new int[n];
        int depth = 0;
        for (int i = 0; i < n; i++) {
            if (depth == 0 || r.nextDouble() < openProbability) {
                int t = pool[r.nextInt(pool.length)];
                stack[depth++] = t;
                out[i] = t;
            } else {
                out[i] = stack[--depth];
            }
        }
        return new SyntheticExample(new int[0], out);
    }
}
