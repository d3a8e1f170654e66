package dev.t5j.atlas;

import dev.t5j.engine.Tensors;
import dev.t5j.model.FusionInDecoder;
import dev.t5j.model.NaiveT5;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fusion-in-decoder and every Atlas teacher checked against the independent double-precision {@link NaiveT5}: FiD is
 * recomputed as "encode each passage's real tokens alone, concatenate, decode", and each teacher from its formula.
 */
class GoldScoresTest {
    static final int B = 2, K = 3, L = 6, T = 4;
    /** Passage rows with trailing padding (0) of different lengths. */
    static final int[][][] IDS = {
            {{5, 9, 13, 1, 0, 0}, {7, 7, 21, 30, 2, 1}, {40, 1, 0, 0, 0, 0}},
            {{11, 3, 1, 0, 0, 0}, {8, 19, 23, 1, 0, 0}, {6, 14, 15, 16, 17, 1}}};
    static final int[][] LABELS = {{12, 9, 44, 1}, {31, 1, -100, -100}};

    static T5ForConditionalGeneration model;
    static NaiveT5 naive;

    @BeforeAll
    static void init() {
        T5Config b = T5Config.preset("tiny");
        T5Config cfg = new T5Config(64, 32, 8, 64, 2, 2, 4, 32, 128, 0.0, 1e-6, 1.0, "relu", true, 0, 1, 0);
        model = T5ForConditionalGeneration.init(cfg, 7);
        naive = new NaiveT5(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static int len(int[] row) {
        int n = 0;
        for (int v : row) if (v != 0) n++;
        return n;
    }

    static Tensor ids() {
        long[] flat = new long[B * K * L];
        for (int b = 0; b < B; b++) for (int k = 0; k < K; k++) for (int l = 0; l < L; l++) flat[(b * K + k) * L + l] =
                IDS[b][k][l];
        return Tensors.longs(flat, B, K, L);
    }

    static Tensor mask() {
        long[] flat = new long[B * K * L];
        for (int b = 0; b < B; b++) for (int k = 0; k < K; k++) for (int l = 0; l < len(IDS[b][k]); l++) flat[(b * K
                + k) * L + l] = 1;
        return Tensors.longs(flat, B, K, L);
    }

    static Tensor labels() {
        long[] flat = new long[B * T];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) flat[b * T + t] = LABELS[b][t];
        return Tensors.longs(flat, B, T);
    }

    static int[] decoderInput(int b) {
        int[] d = new int[T];
        d[0] = 0;
        for (int t = 1; t < T; t++) d[t] = Math.max(LABELS[b][t - 1], 0);
        return d;
    }

    /** Naive FiD: concatenation of the separately encoded real tokens of the passages in {@code use}. */
    static double[][] naiveEnc(int b, boolean[] use) {
        List<double[]> rows = new ArrayList<>();
        for (int k = 0; k < K; k++) {
            if (!use[k]) continue;
            rows.addAll(Arrays.asList(naive.encode(Arrays.copyOf(IDS[b][k], len(IDS[b][k])))));
        }
        return rows.toArray(new double[0][]);
    }

    static boolean[] only(int k) {
        boolean[] u = new boolean[K];
        u[k] = true;
        return u;
    }

    static boolean[] allBut(int k) {
        boolean[] u = new boolean[K];
        Arrays.fill(u, true);
        u[k] = false;
        return u;
    }

    /** Mean log-probability of the labels (÷ temperature inside the softmax when given) and the per-token values. */
    static double[] tokenLogProbs(double[][] logits, int b, double temperature) {
        double[] out = new double[T];
        for (int t = 0; t < T; t++) {
            if (LABELS[b][t] < 0) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[t]) max = Math.max(max, v / temperature);
            double sum = 0;
            for (double v : logits[t]) sum += Math.exp(v / temperature - max);
            out[t] = logits[t][LABELS[b][t]] / temperature - max - Math.log(sum);
        }
        return out;
    }

    static int targets(int b) {
        int n = 0;
        for (int v : LABELS[b]) if (v >= 0) n++;
        return n;
    }

    static double mean(double[] lp, int b) {
        return Arrays.stream(lp).sum() / targets(b);
    }

    static void assertClose(double[][] want, float[] got) {
        for (int b = 0; b < B; b++)
            for (int k = 0; k < K; k++)
                assertEquals(want[b][k], got[b * K + k], 1e-4 + 1e-4 * Math.abs(want[b][k]), "b=" + b + " k=" + k);
    }

    @Test
    void fusionInDecoderLogitsMatchSeparateEncodingThenConcatenation() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            float[] got = Tensors.toFloats(new FusionInDecoder(model).forward(ids(), mask(), labels()));
            int v = model.config().vocabSize();
            for (int b = 0; b < B; b++) {
                double[][] want = naive.decodeLogits(naiveEnc(b, new boolean[]{true, true, true}), null,
                        decoderInput(b));
                for (int t = 0; t < T; t++)
                    for (int i = 0; i < v; i++) assertEquals(want[t][i], got[(b * T + t) * v + i], 1e-4);
            }
        }
    }

    @Test
    void perplexityDistillationIsMeanTokenLogLikelihoodWithEachPassageAlone() {
        double[][] want = new double[B][K];
        for (int b = 0; b < B; b++)
            for (int k = 0; k < K; k++)
                want[b][k] = mean(tokenLogProbs(naive.decodeLogits(naiveEnc(b, only(k)), null, decoderInput(b)), b,
                        1.0), b);
        try (PointerScope s = new PointerScope()) {
            assertClose(want, Tensors.toFloats(GoldScores.perplexity(new FusionInDecoder(model), ids(), mask(),
                    labels())));
        }
    }

    @Test
    void leaveOneOutIsTheLossWithThePassageRemoved() {
        double[][] want = new double[B][K];
        for (int b = 0; b < B; b++)
            for (int k = 0; k < K; k++)
                want[b][k] = -mean(tokenLogProbs(naive.decodeLogits(naiveEnc(b, allBut(k)), null, decoderInput(b)), b,
                        1.0), b);
        try (PointerScope s = new PointerScope()) {
            assertClose(want, Tensors.toFloats(GoldScores.leaveOneOut(new FusionInDecoder(model), ids(), mask(),
                    labels())));
        }
    }

    @Test
    void attentionDistillationSumsProbabilityTimesValueNormOverLayersTargetsAndPassageTokens() {
        double[][] want = new double[B][K];
        int layers = model.config().numDecoderLayers();
        for (int b = 0; b < B; b++) {
            naive.crossProbe = new ArrayList<>();
            naive.decodeLogits(naiveEnc(b, new boolean[]{true, true, true}), null, decoderInput(b));
            assertEquals(layers, naive.crossProbe.size());
            for (double[][] layer : naive.crossProbe)
                for (int t = 0; t < T; t++) {
                    if (LABELS[b][t] < 0) continue;
                    int off = 0;
                    for (int k = 0; k < K; k++) {
                        for (int j = 0; j < len(IDS[b][k]); j++) want[b][k] += layer[t][off + j];
                        off += len(IDS[b][k]);
                    }
                }
            for (int k = 0; k < K; k++) want[b][k] /= 256.0 * layers * targets(b);
            naive.crossProbe = null;
        }
        try (PointerScope s = new PointerScope()) {
            float[] got = Tensors.toFloats(GoldScores.attention(new FusionInDecoder(model), ids(), mask(), labels()));
            assertClose(want, got);
            assertTrue(got[0] > 0, "probabilities times norms are positive");
        }
    }

    @Test
    void emdrMarginalisesPerTokenOverPassagesWeightedByTheRetriever() {
        double tg = 0.5, ts = 0.1;
        float[] score = {0.3f, -0.2f, 0.05f, 0.0f, 0.1f, -0.4f};
        double num = 0;
        int den = 0;
        double[][][] lp = new double[B][K][];
        for (int b = 0; b < B; b++) for (int k = 0; k < K; k++)
            lp[b][k] = tokenLogProbs(naive.decodeLogits(naiveEnc(b, only(k)), null, decoderInput(b)), b, tg);
        for (int b = 0; b < B; b++) {
            double[] logScore = logSoftmax(score, b, ts);
            for (int t = 0; t < T; t++) {
                if (LABELS[b][t] < 0) continue;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < K; k++) max = Math.max(max, lp[b][k][t] + logScore[k]);
                double s = 0;
                for (int k = 0; k < K; k++) s += Math.exp(lp[b][k][t] + logScore[k] - max);
                num += max + Math.log(s);
                den++;
            }
        }
        try (PointerScope s = new PointerScope()) {
            Tensor gold = GoldScores.emdrTokenLogProbs(new FusionInDecoder(model), ids(), mask(), labels(), tg);
            float got = RetrieverLoss.emdr(Tensors.floats(score, B, K), gold, labels(), ts).item_float();
            assertEquals(-num / den, got, 1e-4);
        }
    }

    static double[] logSoftmax(float[] x, int b, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) max = Math.max(max, x[b * K + k] / temperature);
        double s = 0;
        for (int k = 0; k < K; k++) s += Math.exp(x[b * K + k] / temperature - max);
        double[] out = new double[K];
        for (int k = 0; k < K; k++) out[k] = x[b * K + k] / temperature - max - Math.log(s);
        return out;
    }

    @Test
    void klUsesMeanReductionOverAllElementsAndSurvivesUnderflow() {
        float[] score = {1f, 2f, 0.5f, -1f, 0f, 3f};
        float[] gold = {-2f, -1f, -3f, 0.2f, 0.1f, -0.5f};
        double ts = 0.7, tg = 0.3, sum = 0;
        for (int b = 0; b < B; b++) {
            double[] in = logSoftmax(score, b, ts), lt = logSoftmax(gold, b, tg);
            for (int k = 0; k < K; k++) sum += Math.exp(lt[k]) * (lt[k] - in[k]);
        }
        try (PointerScope s = new PointerScope()) {
            assertEquals(sum / (B * K), RetrieverLoss.kl(Tensors.floats(score, B, K), Tensors.floats(gold, B, K), ts,
                    tg).item_float(), 1e-5);
            // temperature 0.01 makes most teacher probabilities exactly 0 in fp32: the loss must stay finite
            float atlas = RetrieverLoss.kl(Tensors.floats(score, B, K), Tensors.floats(gold, B, K), 0.01,
                    0.01).item_float();
            assertTrue(Float.isFinite(atlas) && atlas >= 0, "KL at temperature 0.01: " + atlas);
        }
    }

    @Test
    void scoresAreInnerProductsOverSqrtDim() {
        float[] q = {1, 2, 3, 4};
        float[] p = {1, 0, 0, 0, 0, 1, 1, 0};
        try (PointerScope s = new PointerScope()) {
            float[] got = Tensors.toFloats(RetrieverLoss.scores(Tensors.floats(q, 1, 4), Tensors.floats(p, 1, 2, 4)));
            assertEquals(1 / 2.0, got[0], 1e-6);
            assertEquals(5 / 2.0, got[1], 1e-6);
        }
    }
}
