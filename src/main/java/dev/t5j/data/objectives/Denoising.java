package dev.t5j.data.objectives;

import java.util.Map;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Feature;
import dev.t5j.data.PreprocessContext;
import dev.t5j.data.Preprocessor;
import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * T5's unsupervised objectives as preprocessors over tokenized {@code targets} (no EOS yet; add
 * {@code append_eos_after_trim} after them): span corruption, i.i.d. denoising and prefix LM, built from the same
 * token-level steps as {@code t5/data/preprocessors.py} (select_random_chunk → reduce_concat_tokens → split_tokens →
 * denoise).
 */
public final class Denoising {
    private Denoising() {}

    /** The input mask function of {@link #denoise}. */
    @FunctionalInterface
    public interface MaskFn {
        boolean[] mask(int length, RandomGenerator rng);
    }

    /** How noise/non-noise tokens become inputs or targets. */
    @FunctionalInterface
    public interface TokensFn {
        int[] apply(int[] tokens, boolean[] mask, int vocabSize);
    }

    public static final TokensFn NOISE_SPAN_TO_UNIQUE_SENTINEL = NoiseMasks::noiseSpanToUniqueSentinel;
    public static final TokensFn NONNOISE_SPAN_TO_UNIQUE_SENTINEL = NoiseMasks::nonnoiseSpanToUniqueSentinel;
    public static final TokensFn DROP_NOISE = (t, m, v) -> NoiseMasks.dropNoiseTokens(t, m);
    public static final TokensFn DROP_NONNOISE = (t, m, v) -> NoiseMasks.dropNonnoiseTokens(t, m);

    /** Several steps presented as one (the composite objectives). */
    public record Chain(String name, List<Preprocessor> steps) implements Preprocessor {
        @Override
        public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
            ExampleIterator it = in;
            // sub-steps get distinct step numbers so their random streams are independent
            for (int i = 0; i < steps.size(); i++) it = steps.get(i).apply(it, ctx.withStep(ctx.step() * 64 + i + 1));
            return it;
        }

        @Override
        public boolean stochastic() {
            return steps.stream().anyMatch(Preprocessor::stochastic);
        }
    }

    /**
     * {@code select_random_chunk(max_length)}: a document longer than {@code maxLength} tokens is cut to one of its
     * {@code ceil(n/maxLength)} aligned chunks, picked uniformly. Keeps only {@code targets}.
     */
    public static Preprocessor selectRandomChunk(int maxLength) {
        return new Preprocessor.PerExample() {
            public String name() { return "select_random_chunk"; }
            public boolean stochastic() { return true; }

            public Example map(Example e, PreprocessContext ctx, RandomGenerator rng) {
                int[] t = e.tokens("targets");
                if (t.length == 0) return null;
                if (t.length > maxLength) {
                    int numSegments = (t.length + maxLength - 1) / maxLength;
                    int start = maxLength * rng.nextInt(numSegments);
                    t = Arrays.copyOfRange(t, start, Math.min(t.length, start + maxLength));
                }
                return Example.of(Map.of("targets", t), e.origin());
            }
        };
    }

    /** {@code reduce_concat_tokens(batch_size)}: concatenates the targets of each run of {@code batchSize} examples. */
    public static Preprocessor reduceConcatTokens(int batchSize) {
        return new Preprocessor() {
            public String name() { return "reduce_concat_tokens"; }

            public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
                return ExampleIterator.wrap(new ExampleIterator.Lazy() {
                    protected Example compute() {
                        if (!in.hasNext()) return null;
                        int[] buf = new int[1024];
                        int n = 0, k = 0;
                        Example.Origin origin = null;
                        while (k < batchSize && in.hasNext()) {
                            Example e = in.next();
                            if (origin == null) origin = e.origin();
                            int[] t = e.tokens("targets");
                            if (n + t.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n
                                    + t.length));
                            System.arraycopy(t, 0, buf, n, t.length);
                            n += t.length;
                            k++;
                        }
                        return Example.of(Map.of("targets", Arrays.copyOf(buf, n)), origin);
                    }
                }, in);
            }
        };
    }

    /**
     * {@code split_tokens(max_tokens_per_segment)}: consecutive pieces of {@code maxTokens} (the last may be shorter).
     */
    public static Preprocessor splitTokens(int maxTokens) {
        if (maxTokens < 1) throw new UserError("split_tokens: segment length must be positive, got " + maxTokens);
        return new Preprocessor.FlatMap() {
            public String name() { return "split_tokens"; }

            public List<Example> flatMap(Example e, PreprocessContext ctx, RandomGenerator rng) {
                int[] t = e.tokens("targets");
                List<Example> out = new ArrayList<>((t.length + maxTokens - 1) / maxTokens);
                for (int s = 0; s < t.length; s += maxTokens)
                    out.add(Example.of(Map.of("targets", Arrays.copyOfRange(t, s, Math.min(t.length, s
                            + maxTokens))), e.origin()));
                return out;
            }
        };
    }

    /** {@code split_tokens_to_inputs_length}: pieces of inputs length (−1 when inputs get EOS). */
    public static Preprocessor splitTokensToInputsLength() {
        return new Preprocessor() {
            public String name() { return "split_tokens_to_inputs_length"; }

            public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
                int len = ctx.sequenceLength("inputs", name());
                Feature f = ctx.outputFeatures().get("inputs");
                if (f != null && f.addEos()) len -= 1;
                return splitTokens(len).apply(in, ctx);
            }
        };
    }

    /**
     * {@code denoise}: mask the {@code targets} tokens and build {@code inputs}/{@code targets} with the given
     * functions; the sentinel base is the targets vocabulary size ({@code <extra_id_0>} = size−1).
     */
    public static Preprocessor denoise(MaskFn maskFn, TokensFn inputsFn, TokensFn targetsFn) {
        return new Preprocessor.PerExample() {
            public String name() { return "denoise"; }
            public boolean stochastic() { return true; }

            public Example map(Example e, PreprocessContext ctx, RandomGenerator rng) {
                int[] tokens = e.tokens("targets");
                int vocabSize = ctx.feature("targets").vocabulary().vocabSize();
                Feature inF = ctx.outputFeatures().get("inputs");
                if (inF != null && inF.vocabulary().vocabSize() != vocabSize)
                    throw new UserError("denoise in task '" + ctx.taskName()
                            + "': inputs and targets must share a vocabulary");
                boolean[] mask = maskFn.mask(tokens.length, rng);
                int[] inputs = inputsFn.apply(tokens, mask, vocabSize);
                int[] targets = targetsFn == null ? tokens : targetsFn.apply(tokens, mask, vocabSize);
                return Example.of(Map.of("inputs", inputs, "targets", targets), e.origin());
            }
        };
    }

    /**
     * T5 {@code span_corruption}: chunk, concatenate 128 documents, split into {@code random_spans_helper} raw lengths
     * (568 for inputs 512), corrupt spans (density 0.15, mean span 3) with unique sentinels counting down. Fails if
     * the configured targets length is shorter than the computed one (114 for 512).
     */
    public static Preprocessor spanCorruption(double noiseDensity, double meanNoiseSpanLength, boolean mergeExamples) {
        return new Preprocessor() {
            public String name() { return "span_corruption"; }
            public boolean stochastic() { return true; }

            public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
                int inputsLength = ctx.sequenceLength("inputs", name());
                NoiseMasks.SpanLengths sl = NoiseMasks.randomSpansHelper(inputsLength, noiseDensity,
                        meanNoiseSpanLength, 1, 1);
                Integer tl = ctx.sequenceLengths().get("targets");
                if (tl != null && tl < sl.targetsLength())
                    throw new UserError("span_corruption in task '" + ctx.taskName() + "': targets length " + tl
                            + " is shorter than the "
                            + sl.targetsLength() + " tokens that inputs length " + inputsLength
                                    + " needs (random_spans_helper)");
                List<Preprocessor> steps = new ArrayList<>();
                steps.add(selectRandomChunk(65536));
                if (mergeExamples) steps.add(reduceConcatTokens(128));
                steps.add(splitTokens(sl.tokensLength()));
                steps.add(denoise((n, rng) -> NoiseMasks.randomSpansNoiseMask(n, noiseDensity, meanNoiseSpanLength,
                        rng),
                        NOISE_SPAN_TO_UNIQUE_SENTINEL, NONNOISE_SPAN_TO_UNIQUE_SENTINEL));
                return new Chain(name(), steps).apply(in, ctx);
            }
        };
    }

    /** T5 {@code iid_denoising}: like span corruption but each token is noise independently (density 0.15). */
    public static Preprocessor iidDenoising(double noiseDensity) {
        return new Preprocessor() {
            public String name() { return "iid_denoising"; }
            public boolean stochastic() { return true; }

            public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
                return new Chain(name(), List.of(selectRandomChunk(65536), reduceConcatTokens(128),
                        splitTokensToInputsLength(),
                        denoise((n, rng) -> NoiseMasks.iidNoiseMask(n, noiseDensity, rng),
                                NOISE_SPAN_TO_UNIQUE_SENTINEL, NONNOISE_SPAN_TO_UNIQUE_SENTINEL))).apply(in, ctx);
            }
        };
    }

    /** T5 {@code prefix_lm}: a random prefix becomes the inputs, the rest the targets; no sentinels. */
    public static Preprocessor prefixLm(double noiseDensity) {
        return new Preprocessor() {
            public String name() { return "prefix_lm"; }
            public boolean stochastic() { return true; }

            public ExampleIterator apply(ExampleIterator in, PreprocessContext ctx) {
                return new Chain(name(), List.of(selectRandomChunk(65536), splitTokensToInputsLength(),
                        denoise((n, rng) -> NoiseMasks.randomPrefixNoiseMask(n, noiseDensity, rng), DROP_NONNOISE,
                                DROP_NOISE))).apply(in, ctx);
            }
        };
    }
}
