package dev.t5j.decoding;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@link GreedyPick} against libtorch's argmax and log-softmax, ties and block edges included. */
class GreedyPickTest {
    /** The reference: {@code argmax} and {@code log_softmax} at it, after EOS was forbidden in the given rows. */
    private static void assertPicksAsArgmax(Tensor logits, boolean[] eosBlocked, int eos, String what) {
        Tensor ref = logits.to(torch.ScalarType.Float).clone();
        if (eosBlocked != null)
            for (int b = 0; b < eosBlocked.length; b++)
                if (eosBlocked[b]) ref.select(0, b).select(0, eos).fill_(Tensors.scalar(Double.NEGATIVE_INFINITY));
        long[] want = Tensors.toLongs(ref.argmax(new LongOptional(1), false));
        Tensor lp = torch.log_softmax(ref, 1, new ScalarTypeOptional());
        GreedyPick.Picks got = GreedyPick.pick(logits.clone(), eosBlocked, eos);
        assertArrayEquals(want, got.ids(), what);
        for (int b = 0; b < want.length; b++) {
            float lpRef = Tensors.toFloats(lp.select(0, b).select(0, want[b]))[0];
            assertEquals(lpRef, got.logProbs()[b], 1e-5 * Math.max(1, Math.abs(lpRef)), what + " row " + b);
        }
    }

    @Test
    void picksTheFirstMaximumLikeArgmaxAtAnyVocabularySize() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(31);
            for (int vocab : new int[]{1, 7, 127, 128, 129, 300, 512, 32128, 32100}) {
                for (int batch : new int[]{1, 5}) {
                    Tensor logits = torch.randn(batch, vocab).mul(Tensors.scalar(3.0));
                    assertPicksAsArgmax(logits, null, 0, "random, vocab " + vocab + ", batch " + batch);
                }
            }
        }
    }

    @Test
    void tiesResolveToTheFirstIndexAcrossAndWithinBlocks() {
        try (PointerScope s = new PointerScope()) {
            int n = GreedyPick.BLOCK;
            int vocab = 2 * n + 44; // two full blocks and a padded one
            // per row: where the equal maxima are (same block, at a block edge, across blocks, in the padded block)
            int[][] ties = {{3, 9}, {n - 1, n}, {40, 2 * n + 3}, {2 * n, vocab - 1}, {0, vocab - 1}};
            float[] data = new float[ties.length * vocab];
            for (int r = 0; r < ties.length; r++) {
                for (int j = 0; j < vocab; j++) data[r * vocab + j] = (float) Math.sin(r * 131 + j * 7);
                for (int j : ties[r]) data[r * vocab + j] = 5f;
            }
            Tensor logits = Tensors.floats(data, ties.length, vocab);
            GreedyPick.Picks got = GreedyPick.pick(logits.clone(), null, 1);
            for (int r = 0; r < ties.length; r++) assertEquals(ties[r][0], got.ids()[r], "row " + r);
            assertPicksAsArgmax(logits, null, 1, "ties");
            assertPicksAsArgmax(torch.zeros(3, vocab), null, 1, "all equal");
        }
    }

    @Test
    void forbiddenEosIsExcludedFromTheChoiceAndTheNormalizer() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(32);
            int eos = 1;
            Tensor logits = torch.randn(4, 300);
            logits.select(1, eos).fill_(Tensors.scalar(50.0)); // EOS would win everywhere
            boolean[] some = {true, false, true, false};
            assertPicksAsArgmax(logits, some, eos, "some rows");
            assertPicksAsArgmax(logits, new boolean[]{true, true, true, true}, eos, "all rows");
            GreedyPick.Picks none = GreedyPick.pick(logits.clone(), new boolean[4], eos);
            assertArrayEquals(new long[]{eos, eos, eos, eos}, none.ids());
            GreedyPick.Picks picks = GreedyPick.pick(logits.clone(), some, eos);
            assertEquals(eos, picks.ids()[1]);
            for (int b : new int[]{0, 2}) assertNotEquals(eos, picks.ids()[b], "row " + b);
        }
    }

    @Test
    void bf16LogitsAreChosenInFp32() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(33);
            Tensor logits = torch.randn(3, 1000).to(torch.ScalarType.BFloat16);
            assertPicksAsArgmax(logits, null, 1, "bf16");
        }
    }
}
