package dev.t5j.decoding;

import dev.t5j.common.UserError;

/**
 * How to decode. Defaults follow HF's {@code generate} for T5 (greedy, length penalty 1.0 in HF form, no early stop).
 *
 * @param maxNewTokens   tokens generated at most (EOS included), not counting the decoder start token
 * @param minNewTokens   EOS is forbidden until this many tokens were generated (HF {@code MinLengthLogitsProcessor})
 * @param numBeams       1 = greedy or sampling; >1 = beam search
 * @param lengthPenalty  alpha: HF form {@code score / len^alpha}, or T5X form {@code score / ((5+len)/6)^alpha}
 * @param penaltyForm    which of the two length-penalty forms beam search uses
 * @param earlyStopping  beam search stops a batch item as soon as it has numBeams finished hypotheses
 * @param doSample       sample instead of argmax (numBeams must be 1)
 * @param temperature    logits are divided by this before top-k/top-p (sampling only)
 * @param topK           keep the k most likely tokens (0 = off)
 * @param topP           nucleus: keep the smallest set with cumulative probability ≥ topP (1.0 = off)
 * @param seed           sampling seed
 */
public record GenerationConfig(int maxNewTokens, int minNewTokens, int numBeams, double lengthPenalty,
                               LengthPenalty penaltyForm, boolean earlyStopping, boolean doSample, double temperature,
                               int topK, double topP, long seed) {

    public enum LengthPenalty {
        /** HF: {@code sum_logprobs / len^alpha}. */
        HF,
        /** T5X / mesh-tf brevity penalty: {@code sum_logprobs / ((5+len)/6)^alpha}. */
        T5X;

        public double divisor(int len, double alpha) {
            return this == HF ? Math.pow(len, alpha) : Math.pow((5.0 + len) / 6.0, alpha);
        }
    }

    public GenerationConfig {
        if (maxNewTokens < 1) throw new UserError("max new tokens must be >= 1, got " + maxNewTokens);
        if (minNewTokens < 0 || minNewTokens > maxNewTokens)
            throw new UserError("min new tokens must be in [0, max new tokens], got " + minNewTokens);
        if (numBeams < 1) throw new UserError("num beams must be >= 1, got " + numBeams);
        if (doSample && numBeams > 1)
            throw new UserError("sampling with beam search is not supported; use num beams 1 with sampling");
        if (doSample && !(temperature > 0))
            throw new UserError("temperature must be > 0 when sampling, got " + temperature);
        if (topK < 0) throw new UserError("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new UserError("top-p must be in (0, 1], got " + topP);
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return builder(maxNewTokens).build();
    }

    /** Beam search with {@code numBeams} beams (1: greedy), HF length penalty 1.0. */
    public static GenerationConfig beam(int maxNewTokens, int numBeams) {
        return builder(maxNewTokens).numBeams(numBeams).build();
    }

    public static GenerationConfig sample(int maxNewTokens, double temperature, int topK, double topP, long seed) {
        return builder(maxNewTokens).doSample(true).temperature(temperature).topK(topK).topP(topP).seed(seed).build();
    }

    /** Every setting at its default (greedy) but {@code maxNewTokens}; set the others by name. */
    public static Builder builder(int maxNewTokens) {
        return new Builder(maxNewTokens);
    }

    public Builder toBuilder() {
        Builder b = builder(maxNewTokens).minNewTokens(minNewTokens).numBeams(numBeams)
                .lengthPenalty(lengthPenalty, penaltyForm).earlyStopping(earlyStopping);
        return b.doSample(doSample).temperature(temperature).topK(topK).topP(topP).seed(seed);
    }

    public GenerationConfig withLengthPenalty(double alpha, LengthPenalty form) {
        return toBuilder().lengthPenalty(alpha, form).build();
    }

    public GenerationConfig withMinNewTokens(int n) {
        return toBuilder().minNewTokens(n).build();
    }

    /** Named settings for a {@link GenerationConfig}; {@link #build} checks them together. */
    public static final class Builder {
        private final int maxNewTokens;
        private int minNewTokens;
        private int numBeams = 1;
        private double lengthPenalty = 1.0;
        private LengthPenalty penaltyForm = LengthPenalty.HF;
        private boolean earlyStopping;
        private boolean doSample;
        private double temperature = 1.0;
        private int topK;
        private double topP = 1.0;
        private long seed;

        private Builder(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
        }

        public Builder minNewTokens(int n) {
            minNewTokens = n;
            return this;
        }

        public Builder numBeams(int n) {
            numBeams = n;
            return this;
        }

        public Builder lengthPenalty(double alpha, LengthPenalty form) {
            lengthPenalty = alpha;
            penaltyForm = form;
            return this;
        }

        public Builder earlyStopping(boolean on) {
            earlyStopping = on;
            return this;
        }

        /** Sample instead of argmax (then {@link #temperature}, {@link #topK}, {@link #topP}, {@link #seed} apply). */
        public Builder doSample(boolean on) {
            doSample = on;
            return this;
        }

        public Builder temperature(double t) {
            temperature = t;
            return this;
        }

        /** 0 = off. */
        public Builder topK(int k) {
            topK = k;
            return this;
        }

        /** 1.0 = off. */
        public Builder topP(double p) {
            topP = p;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public GenerationConfig build() {
            return new GenerationConfig(maxNewTokens, minNewTokens, numBeams, lengthPenalty, penaltyForm, earlyStopping,
                    doSample, temperature, topK, topP, seed);
        }
    }
}
