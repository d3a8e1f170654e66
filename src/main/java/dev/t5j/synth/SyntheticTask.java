package dev.t5j.synth;

import java.util.random.RandomGenerator;

/**
 * One synthetic pretraining task (Wu, Li, Liang 2022): a generator of (inputs, targets) id sequences.
 *
 * <p>Contract: {@link #generate} is a pure function of the generator's state, so a seeded generator gives the same
 * examples on every run. Returned ids carry no EOS (output features append it).
 */
public interface SyntheticTask {
    String name();

    SyntheticExample generate(RandomGenerator rng);

    /** One generated example: input ids and target ids, without EOS. */
    record SyntheticExample(int[] inputs, int[] targets) {}
}
