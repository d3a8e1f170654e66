package dev.t5j.decoding;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.DecoderCache;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;

/**
 * Autoregressive decoding of a {@link T5ForConditionalGeneration}: greedy, sampling, or beam search
 * ({@link BeamSearch}), all with the incremental key/value cache. Inputs of different lengths are batched with padding.
 *
 * <p>Each step runs in its own {@link PointerScope}, so native memory stays flat however long the output.
 */
public final class Generator {
    private final T5ForConditionalGeneration model;

    public Generator(T5ForConditionalGeneration model) {
        this.model = model;
    }

    /** One output per input: generated ids without the decoder start token, EOS included when produced. */
    public record Result(int[][] sequences, double[] scores) {}

    public Result generate(int[][] inputIds, GenerationConfig cfg) {
        if (inputIds.length == 0) return new Result(new int[0][], new double[0]);
        for (int[] row : inputIds)
            if (row.length == 0) throw new UserError("an input has no tokens; every input needs at least one id");
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (PointerScope outer = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.longs(inputIds, model.config().padTokenId());
            Tensor mask = Tensors.lengthMask(inputIds);
            Tensor enc = model.encode(ids, mask);
            return decodeFrom(enc, mask, cfg);
        } finally {
            model.train(wasTraining);
        }
    }

    /**
     * Decodes from encoder states computed by the caller (fusion-in-decoder concatenates several passages' states).
     * {@code enc} [B, S, d] and {@code mask} [B, S] must stay alive for the call; the model should be in eval mode and
     * gradients off, as in {@link #generate}.
     */
    public Result generateFromEncoded(Tensor enc, Tensor mask, GenerationConfig cfg) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (PointerScope outer = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            return decodeFrom(enc, mask, cfg);
        } finally {
            model.train(wasTraining);
        }
    }

    private Result decodeFrom(Tensor enc, Tensor mask, GenerationConfig cfg) {
        int batch = (int) enc.size(0);
        DecodingLimits.check(model.config(), (long) batch * cfg.numBeams(), cfg.maxNewTokens());
        if (cfg.numBeams() > 1) return new BeamSearch(model, cfg).run(enc, mask, batch);
        return greedyOrSample(enc, mask, batch, cfg);
    }

    private Result greedyOrSample(Tensor enc, Tensor mask, int batch, GenerationConfig cfg) {
        int eos = model.config().eosTokenId();
        int pad = model.config().padTokenId();
        // grown as tokens come: the limit is an upper bound, not an allocation (max_new_tokens=1e9 must not cost 4 GB)
        int[][] out = new int[batch][Math.min(cfg.maxNewTokens(), 32)];
        int[] len = new int[batch];
        double[] scores = new double[batch];
        boolean[] done = new boolean[batch];
        Sampler sampler = cfg.doSample() ? new Sampler(cfg.temperature(), cfg.topK(), cfg.topP(), cfg.seed()) : null;
        long[] next = new long[batch];
        Arrays.fill(next, model.config().decoderStartTokenId());
        boolean[] allRows = new boolean[batch];
        Arrays.fill(allRows, true);
        try (DecoderCache cache = model.newCache(Math.min(cfg.maxNewTokens(), 512))) {
            for (int step = 0; step < cfg.maxNewTokens(); step++) {
                float[] logp = null; // sampling: raw logits [B, V]
                float[] tokLogProb = null; // greedy: log-probability of the argmax token [B]
                long[] argmax = null;
                int vocab;
                try (PointerScope s = new PointerScope()) {
                    Tensor cur = Tensors.longs(next, batch, 1);
                    Tensor logits = model.logits(model.decode(cur, enc, mask, null, cache)).select(1, 0); // [B, V]
                    vocab = (int) logits.size(1);
                    if (sampler != null) {
                        logp = Tensors.toFloats(logits);
                    } else {
                        GreedyPick.Picks picks = GreedyPick.pick(logits, step < cfg.minNewTokens() ? allRows : null,
                                eos);
                        tokLogProb = picks.logProbs();
                        argmax = picks.ids();
                    }
                }
                int remaining = 0;
                for (int b = 0; b < batch; b++) {
                    if (done[b]) {
                        next[b] = pad;
                        continue;
                    }
                    int tok;
                    if (sampler != null) {
                        float[] row = Arrays.copyOfRange(logp, b * vocab, (b + 1) * vocab);
                        if (step < cfg.minNewTokens()) row[eos] = Float.NEGATIVE_INFINITY;
                        tok = sampler.sample(row);
                        scores[b] += row[tok] - logSumExp(row);
                    } else {
                        tok = (int) argmax[b];
                        scores[b] += tokLogProb[b];
                    }
                    if (len[b] == out[b].length)
                        out[b] = Arrays.copyOf(out[b], (int) Math.min(cfg.maxNewTokens(), 2L * len[b]));
                    out[b][len[b]++] = tok;
                    next[b] = tok;
                    if (tok == eos) done[b] = true;
                    else remaining++;
                }
                if (remaining == 0) break;
            }
        }
        int[][] seqs = new int[batch][];
        for (int b = 0; b < batch; b++) seqs[b] = Arrays.copyOf(out[b], len[b]);
        return new Result(seqs, scores);
    }

    static double logSumExp(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : row) max = Math.max(max, f);
        double sum = 0;
        for (float f : row) sum += Math.exp(f - max);
        return max + Math.log(sum);
    }
}
