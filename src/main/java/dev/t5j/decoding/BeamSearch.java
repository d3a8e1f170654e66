package dev.t5j.decoding;

import dev.t5j.engine.Tensors;
import dev.t5j.model.DecoderCache;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beam search with the semantics of HF's {@code BeamSearchScorer}: 2·beams candidates per step, EOS candidates
 * ranked within the first {@code beams} become finished hypotheses scored {@code sum_logprobs / penalty(len)},
 * a batch item is done when it holds {@code beams} hypotheses and none of its live beams can beat the worst, and
 * unfinished beams are added at the end. The length penalty is HF's {@code len^alpha} or T5X's
 * {@code ((5+len)/6)^alpha}.
 */
final class BeamSearch {
    private final T5ForConditionalGeneration model;
    private final GenerationConfig cfg;
    private final int beams;

    BeamSearch(T5ForConditionalGeneration model, GenerationConfig cfg) {
        this.model = model;
        this.cfg = cfg;
        this.beams = cfg.numBeams();
    }

    /** Finished hypotheses of one batch item: at most {@code beams}, tracking the worst score kept. */
    final class Hypotheses {
        final List<double[]> scores = new ArrayList<>(); // {score}
        final List<int[]> tokens = new ArrayList<>();
        double worst = 1e9;

        void add(int[] hyp, double sumLogProbs, int generatedLen) {
            double score = sumLogProbs / cfg.penaltyForm().divisor(generatedLen, cfg.lengthPenalty());
            if (tokens.size() < beams || score > worst) {
                scores.add(new double[]{score});
                tokens.add(hyp);
                if (tokens.size() > beams) {
                    int worstIdx = 0;
                    double second = Double.POSITIVE_INFINITY;
                    for (int i = 1; i < scores.size(); i++) if (scores.get(i)[0] < scores.get(worstIdx)[0]) worstIdx =
                            i;
                    scores.remove(worstIdx);
                    tokens.remove(worstIdx);
                    for (double[] s : scores) second = Math.min(second, s[0]);
                    worst = second;
                } else {
                    worst = Math.min(score, worst);
                }
            }
        }

        boolean isDone(double bestSumLogProbs, int curLen) {
            if (tokens.size() < beams) return false;
            if (cfg.earlyStopping()) return true;
            double highest = bestSumLogProbs / cfg.penaltyForm().divisor(curLen, cfg.lengthPenalty());
            return worst >= highest;
        }

        int best() {
            int b = 0;
            // ties: the last added, as HF's stable sort + pop()
            for (int i = 1; i < scores.size(); i++) if (scores.get(i)[0] >= scores.get(b)[0]) b = i;
            return b;
        }
    }

    Generator.Result run(Tensor enc, Tensor mask, int batch) {
        int eos = model.config().eosTokenId();
        int pad = model.config().padTokenId();
        int rows = batch * beams;
        long[] expand = new long[rows];
        for (int r = 0; r < rows; r++) expand[r] = r / beams;
        Tensor expandIdx = Tensors.longs(expand, rows);
        Tensor encB = enc.index_select(0, expandIdx);
        Tensor maskB = mask.index_select(0, expandIdx);

        double[] beamScores = new double[rows];
        for (int r = 0; r < rows; r++) beamScores[r] = r % beams == 0 ? 0.0 : -1e9;
        int[][] seqs = new int[rows][0];
        Hypotheses[] hyps = new Hypotheses[batch];
        for (int b = 0; b < batch; b++) hyps[b] = new Hypotheses();
        boolean[] done = new boolean[batch];
        long[] next = new long[rows];
        Arrays.fill(next, model.config().decoderStartTokenId());
        int k = 2 * beams;

        try (DecoderCache cache = model.newCache(Math.min(cfg.maxNewTokens(), 512))) {
            for (int step = 0; step < cfg.maxNewTokens(); step++) {
                int generatedLen = step + 1; // HF: cur_len - decoder_prompt_len
                float[] topVals;
                long[] topIdx;
                int vocab;
                try (PointerScope s = new PointerScope()) {
                    Tensor cur = Tensors.longs(next, rows, 1);
                    Tensor logits = model.logits(model.decode(cur, encB, maskB, null, cache)).select(1, 0);
                    vocab = (int) logits.size(1);
                    Tensor lp = torch.log_softmax(logits.to(torch.ScalarType.Float), -1, new ScalarTypeOptional());
                    if (step < cfg.minNewTokens()) lp.select(1, eos).fill_(Tensors.scalar(Double.NEGATIVE_INFINITY));
                    float[] bs = new float[rows];
                    for (int r = 0; r < rows; r++) bs[r] = (float) beamScores[r];
                    Tensor scores = lp.add(Tensors.floats(bs, rows, 1)).view(batch, (long) beams * vocab);
                    T_TensorTensor_T top = scores.topk(k, 1, true, true);
                    topVals = Tensors.toFloats(top.get0());
                    topIdx = Tensors.toLongs(top.get1());
                }
                long[] beamSource = new long[rows];
                int[] beamToken = new int[rows];
                double[] nextScores = new double[rows];
                for (int b = 0; b < batch; b++) {
                    if (done[b]) {
                        for (int j = 0; j < beams; j++) {
                            beamSource[b * beams + j] = b * beams + j;
                            beamToken[b * beams + j] = pad;
                            nextScores[b * beams + j] = 0;
                        }
                        continue;
                    }
                    int filled = 0;
                    for (int rank = 0; rank < k && filled < beams; rank++) {
                        long flat = topIdx[b * k + rank];
                        int token = (int) (flat % vocab);
                        int src = b * beams + (int) (flat / vocab);
                        double score = topVals[b * k + rank];
                        if (token == eos) {
                            if (rank >= beams) continue;
                            hyps[b].add(seqs[src].clone(), score, generatedLen);
                        } else {
                            int r = b * beams + filled++;
                            beamSource[r] = src;
                            beamToken[r] = token;
                            nextScores[r] = score;
                        }
                    }
                    done[b] = hyps[b].isDone(topVals[b * k], generatedLen);
                }
                int[][] newSeqs = new int[rows][];
                for (int r = 0; r < rows; r++) {
                    int[] src = seqs[(int) beamSource[r]];
                    newSeqs[r] = Arrays.copyOf(src, src.length + 1);
                    newSeqs[r][src.length] = beamToken[r];
                    next[r] = beamToken[r];
                }
                seqs = newSeqs;
                beamScores = nextScores;
                boolean allDone = true;
                for (boolean d : done) allDone &= d;
                if (allDone) break;
                try (PointerScope s = new PointerScope()) {
                    cache.reorder(Tensors.longs(beamSource, rows));
                }
            }
        }
        int[][] out = new int[batch][];
        double[] outScores = new double[batch];
        for (int b = 0; b < batch; b++) {
            if (!done[b]) {
                for (int j = 0; j < beams; j++) {
                    int r = b * beams + j;
                    hyps[b].add(seqs[r], beamScores[r], seqs[r].length);
                }
            }
            int best = hyps[b].best();
            int[] tokens = hyps[b].tokens.get(best);
            outScores[b] = hyps[b].scores.get(best)[0];
            // Hypotheses are stored without their EOS; HF appends EOS to every output shorter than max length, which is
            // exactly the set of hypotheses finished by EOS (unfinished ones are only added once max length is
            // reached).
            if (tokens.length < cfg.maxNewTokens()) {
                tokens = Arrays.copyOf(tokens, tokens.length + 1);
                tokens[tokens.length - 1] = eos;
            }
            out[b] = tokens;
        }
        return new Generator.Result(out, outScores);
    }
}
