package dev.t5j.decoding;

import dev.t5j.engine.Tensors;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GeneratorTest {
    static T5ForConditionalGeneration model;
    static T5ForConditionalGeneration smallVocab;
    static final int[][] INPUTS = {{5, 17, 3, 99, 42, 7, 1}, {8, 9, 1}, {300, 301, 302, 1}};

    @BeforeAll
    static void setUp() {
        model = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 21);
        T5Config t = T5Config.preset("tiny");
        // Vocab 6 keeps exhaustive search over all sequences cheap.
        smallVocab = T5ForConditionalGeneration.init(new T5Config(6, 32, 8, 64, 1, 1, 4, 32, 128, 0.0, 1e-6, 1.0,
                "relu", true, 0, 1, 0), 5);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        smallVocab.close();
    }

    @Test
    void greedyStopsAtEosAndRespectsMaxNewTokens() {
        var r = new Generator(model).generate(INPUTS, GenerationConfig.greedy(12));
        for (int[] s : r.sequences()) {
            assertTrue(s.length >= 1 && s.length <= 12);
            for (int i = 0; i < s.length - 1; i++) assertNotEquals(1, s[i], "EOS only at the end");
        }
    }

    @Test
    void batchedGenerationEqualsOneByOne() {
        for (GenerationConfig cfg : List.of(GenerationConfig.greedy(10), GenerationConfig.beam(10, 3))) {
            var batch = new Generator(model).generate(INPUTS, cfg);
            for (int i = 0; i < INPUTS.length; i++) {
                var single = new Generator(model).generate(new int[][]{INPUTS[i]}, cfg);
                assertArrayEquals(single.sequences()[0], batch.sequences()[i], "input " + i + " beams "
                        + cfg.numBeams());
            }
        }
    }

    @Test
    void greedyScoreIsSumOfTokenLogProbs() {
        var r = new Generator(model).generate(INPUTS, GenerationConfig.greedy(8));
        var scores = new Scorer(model).score(INPUTS, r.sequences(), false);
        for (int i = 0; i < INPUTS.length; i++) assertEquals(scores[i].sum(), r.scores()[i], 1e-3);
    }

    @Test
    void beamOfOneWithoutLengthPenaltyIsGreedy() {
        GenerationConfig beam1 = GenerationConfig.beam(10, 1).withLengthPenalty(0.0, GenerationConfig.LengthPenalty.HF);
        var g = new Generator(model).generate(INPUTS, GenerationConfig.greedy(10));
        try (var scope = new org.bytedeco.javacpp.PointerScope(); var ng = new org.bytedeco.pytorch.NoGradGuard()) {
            var ids = Tensors.longs(INPUTS, 0);
            var mask = Tensors.lengthMask(INPUTS);
            model.train(false);
            var b = new BeamSearch(model, beam1).run(model.encode(ids, mask), mask, INPUTS.length);
            for (int i = 0; i < INPUTS.length; i++) assertArrayEquals(g.sequences()[i], b.sequences()[i]);
        }
    }

    @Test
    void beamScoreIsLengthNormalisedLogProb() {
        for (var form : GenerationConfig.LengthPenalty.values()) {
            GenerationConfig cfg = GenerationConfig.beam(9, 4).withLengthPenalty(0.6, form);
            var r = new Generator(model).generate(INPUTS, cfg);
            var s = new Scorer(model).score(INPUTS, r.sequences(), false);
            for (int i = 0; i < INPUTS.length; i++) {
                int[] seq = r.sequences()[i];
                boolean eos = seq[seq.length - 1] == 1;
                // The EOS token's log-prob counts; length is the number of generated tokens.
                double want = s[i].sum() / form.divisor(seq.length, 0.6);
                assertEquals(want, r.scores()[i], 1e-3, form + " input " + i + " eos=" + eos);
            }
        }
    }

    /** With as many beams as there are sequences, beam search must return the exhaustive optimum. */
    @Test
    void wideBeamFindsExhaustiveOptimum() {
        int maxNew = 3;
        int[][] in = {{2, 3, 4, 5}};
        GenerationConfig cfg = GenerationConfig.beam(maxNew, 64).withLengthPenalty(1.0,
                GenerationConfig.LengthPenalty.HF);
        var r = new Generator(smallVocab).generate(in, cfg);
        List<int[]> all = new ArrayList<>();
        enumerate(new int[0], maxNew, all);
        double best = Double.NEGATIVE_INFINITY;
        int[] bestSeq = null;
        Scorer scorer = new Scorer(smallVocab);
        for (int[] seq : all) {
            double s = scorer.score(in, new int[][]{seq}, false)[0].sum() / seq.length;
            if (s > best) {
                best = s;
                bestSeq = seq;
            }
        }
        assertArrayEquals(bestSeq, r.sequences()[0], "best " + Arrays.toString(bestSeq) + " score " + best
                + " got score " + r.scores()[0]);
        assertEquals(best, r.scores()[0], 1e-4);
    }

    /**
     * All sequences of length 1..max that end in EOS, plus all of length max without EOS (pad is an ordinary token
     * here, as in HF).
     */
    private static void enumerate(int[] prefix, int max, List<int[]> out) {
        for (int tok = 0; tok < 6; tok++) {
            int[] s = Arrays.copyOf(prefix, prefix.length + 1);
            s[prefix.length] = tok;
            if (tok == 1 || s.length == max) out.add(s);
            else enumerate(s, max, out);
        }
    }

    @Test
    void minNewTokensDelaysEos() {
        var r = new Generator(model).generate(INPUTS, GenerationConfig.greedy(10).withMinNewTokens(6));
        for (int[] s : r.sequences()) {
            assertTrue(s.length >= 6);
            for (int i = 0; i < 5; i++) assertNotEquals(1, s[i]);
        }
    }

    @Test
    void samplingIsSeededAndTopKOneIsGreedy() {
        var a = new Generator(model).generate(INPUTS, GenerationConfig.sample(10, 1.0, 0, 1.0, 42));
        var b = new Generator(model).generate(INPUTS, GenerationConfig.sample(10, 1.0, 0, 1.0, 42));
        for (int i = 0; i < INPUTS.length; i++) assertArrayEquals(a.sequences()[i], b.sequences()[i]);
        var k1 = new Generator(model).generate(INPUTS, GenerationConfig.sample(10, 0.7, 1, 1.0, 7));
        var g = new Generator(model).generate(INPUTS, GenerationConfig.greedy(10));
        for (int i = 0; i < INPUTS.length; i++) assertArrayEquals(g.sequences()[i], k1.sequences()[i]);
        var tiny = new Generator(model).generate(INPUTS, GenerationConfig.sample(10, 1.0, 0, 1e-6, 3));
        for (int i = 0; i < INPUTS.length; i++) assertArrayEquals(g.sequences()[i], tiny.sequences()[i],
                "top-p→0 keeps only the argmax");
    }

    @Test
    void samplerTopKAndTopPKeepTheRightTokens() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)}; // probs 0.1 0.2 0.3 0.4
        int[] seen = new int[4];
        Sampler k2 = new Sampler(1.0, 2, 1.0, 1);
        for (int i = 0; i < 2000; i++) seen[k2.sample(logits)]++;
        assertEquals(0, seen[0]);
        assertEquals(0, seen[1]);
        assertTrue(seen[3] > seen[2]);
        int[] seenP = new int[4];
        Sampler p = new Sampler(1.0, 0, 0.65, 1); // keeps {0.4, 0.3}: cumulative ascending 0.1, 0.3 <= 0.35 dropped
        for (int i = 0; i < 2000; i++) seenP[p.sample(logits)]++;
        assertEquals(0, seenP[0]);
        assertEquals(0, seenP[1]);
        assertTrue(seenP[2] > 0 && seenP[3] > 0);
    }
}
