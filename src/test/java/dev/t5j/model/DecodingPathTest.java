package dev.t5j.model;

import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The incremental-decoding fast paths against the plain ones they replace: gemv rows, stacked q/k/v, cache buffers. */
class DecodingPathTest {
    private static double maxDiff(Tensor a, Tensor b) {
        assertEquals(Arrays.toString(Tensors.shape(a)), Arrays.toString(Tensors.shape(b)));
        float[] x = Tensors.toFloats(a);
        float[] y = Tensors.toFloats(b);
        double d = 0;
        for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
        return d;
    }

    @Test
    void singleRowLinearEqualsMatrixProduct() {
        try (var s = new PointerScope(); var ng = new NoGradGuard()) {
            torch.manual_seed(3);
            Tensor w = torch.randn(96, 40);
            for (long[] shape : new long[][]{{1, 1, 40}, {1, 40}, {40}, {3, 1, 40}}) {
                Tensor x = torch.randn(shape);
                assertTrue(maxDiff(Linear.apply(x, w), torch.linear(x, w)) < 1e-5, Arrays.toString(shape));
            }
        }
    }

    @Test
    void stackedQkvEqualsSeparateProjectionsAndFollowsWeightUpdates() {
        T5Config c = T5ForConditionalGenerationTest.small("tiny", 2);
        try (var m = T5ForConditionalGeneration.init(c, 7); var s = new PointerScope(); var ng = new NoGradGuard()) {
            T5Attention a = m.decoder.block[1].selfAttention.selfAttention;
            for (long rows : new long[]{1, 3}) {
                Tensor x = torch.randn(rows, 1, c.dModel());
                Tensor[] fused = a.projectQkv(x);
                assertTrue(maxDiff(fused[0], a.shape(x, a.q)) < 1e-6);
                assertTrue(maxDiff(fused[1], a.shape(x, a.k)) < 1e-6);
                assertTrue(maxDiff(fused[2], a.shape(x, a.v)) < 1e-6);
            }
            // an in-place update (an optimizer step between two decodes) must reach the stacked copy
            a.k.mul_(Tensors.scalar(2.0));
            Tensor x = torch.randn(1, 1, c.dModel());
            assertTrue(maxDiff(a.projectQkv(x)[1], a.shape(x, a.k)) < 1e-6);

            // a write that bypasses the version counter (the fused AdamW kernel, data_ptr writes): after the
            // trainer's weightsChanged() the next decoding starts from the current weights
            float[] v = Tensors.toFloats(a.v);
            for (int i = 0; i < v.length; i++) v[i] = -v[i] + 0.5f;
            a.v.data_ptr_float().put(v);
            m.weightsChanged();
            assertTrue(maxDiff(a.projectQkv(x)[2], a.shape(x, a.v)) < 1e-6, "stale stacked q/k/v after an update");
        }
    }

    @Test
    void cacheBuffersEqualConcatenationAcrossGrowthReorderAndDrop() {
        try (var s = new PointerScope(); var ng = new NoGradGuard(); var cache = new DecoderCache(1, 2)) {
            DecoderCache.Layer l = cache.layers[0];
            torch.manual_seed(11);
            Tensor wantK = null;
            Tensor wantV = null;
            for (int step = 0; step < 7; step++) { // capacity 2: grows twice
                Tensor k = torch.randn(3, 2, 1, 4);
                Tensor v = torch.randn(3, 2, 1, 4);
                l.appendSelf(k, v);
                wantK = wantK == null ? k : torch.cat(new TensorVector(wantK, k), 2);
                wantV = wantV == null ? v : torch.cat(new TensorVector(wantV, v), 2);
                assertEquals(0.0, maxDiff(l.selfK, wantK));
                assertEquals(0.0, maxDiff(l.selfV, wantV));
            }
            cache.advance(7);
            Tensor idx = Tensors.longs(new long[]{2, 0, 0}, 3);
            cache.reorder(idx);
            wantK = wantK.index_select(0, idx);
            assertEquals(0.0, maxDiff(l.selfK, wantK));
            cache.dropFront(3);
            wantK = wantK.narrow(2, 3, 4);
            assertEquals(0.0, maxDiff(l.selfK, wantK));
            Tensor k = torch.randn(3, 2, 1, 4);
            l.appendSelf(k, torch.randn(3, 2, 1, 4));
            assertEquals(0.0, maxDiff(l.selfK, torch.cat(new TensorVector(wantK, k), 2)));
            cache.padRows(2);
            assertEquals(5, l.selfK.size(0));
            assertEquals(0.0, maxDiff(l.selfK.narrow(0, 0, 3), torch.cat(new TensorVector(wantK, k), 2)));
            assertEquals(0.0, l.selfK.narrow(0, 3, 2).abs().max().item_float());
        }
    }

    @Test
    void batchOneIncrementalDecodingWithGrowingCacheMatchesFullPass() {
        int[] input = T5ForConditionalGenerationTest.INPUT;
        int[] dec = T5ForConditionalGenerationTest.DEC;
        for (String preset : new String[]{"tiny", "tiny-v1_1"}) {
            T5Config c = T5ForConditionalGenerationTest.small(preset, 2);
            try (var m = T5ForConditionalGeneration.init(c, 5); var s = new PointerScope();
                 var ng = new NoGradGuard(); DecoderCache cache = m.newCache(1)) {
                Tensor ids = Tensors.longs(new int[][]{input}, 0);
                Tensor decIds = Tensors.longs(new int[][]{dec}, 0);
                float[] full = Tensors.toFloats(m.forward(ids, null, decIds));
                Tensor enc = m.encode(ids, null);
                int v = c.vocabSize();
                for (int t = 0; t < dec.length; t++) {
                    float[] step = Tensors.toFloats(m.logits(m.decode(decIds.narrow(1, t, 1), enc, null, null, cache)));
                    for (int i = 0; i < v; i++)
                        assertEquals(full[t * v + i], step[i], 2e-5 * Math.max(1, Math.abs(step[i])),
                                preset + " t=" + t);
                }
            }
        }
    }

    @Test
    void smallBatchLinearTakesTheTransposedProductWithoutGradientsAndLibtorchsLinearWithThem() {
        try (var s = new PointerScope()) {
            torch.manual_seed(4);
            Tensor w = torch.randn(1024, 512); // 2^19 entries: the transposed product's smallest weights
            try (var ng = new NoGradGuard()) {
                for (long[] shape : new long[][]{{2, 512}, {4, 1, 512}, {32, 1, 512}, {33, 1, 512}}) {
                    Tensor x = torch.randn(shape);
                    Tensor y = Linear.apply(x, w);
                    assertTrue(y.is_contiguous(), Arrays.toString(shape));
                    assertTrue(maxDiff(y, torch.linear(x, w)) < 1e-4, Arrays.toString(shape));
                }
            }
            Tensor wg = w.detach().requires_grad_(true);
            Tensor x = torch.randn(4, 1, 512);
            Tensor y = Linear.apply(x, wg);
            assertTrue(y.requires_grad(), "with gradients on, the product must stay differentiable");
            y.sum().backward();
            assertTrue(maxDiff(wg.grad(), x.reshape(4, 512).sum(new long[]{0}, true,
                    new ScalarTypeOptional()).expand(1024, 512)) < 1e-4);
        }
    }

    /**
     * Batched incremental decoding (the fused attention kernel over the cache, the transposed products of 2-32 rows,
     * rms_norm) against the full pass, at a width where the transposed product applies (d_model 512, d_ff 1024).
     */
    @Test
    void batchFourIncrementalDecodingMatchesFullPassAtT5SmallWidth() {
        T5Config b = T5Config.preset("t5-small");
        T5Config c = new T5Config(200, b.dModel(), b.dKv(), 1024, 1, 2, b.numHeads(), 32, 128, 0.0, 1e-6, 1.0,
                b.feedForwardProj(), b.tieWordEmbeddings(), 0, 1, 0);
        int[][] input = {{5, 9, 13, 7, 1}, {4, 4, 8, 1, 0}, {11, 1, 0, 0, 0}, {6, 19, 3, 2, 1}};
        int[][] dec = {{0, 17, 3, 9}, {0, 5, 5, 2}, {0, 12, 8, 7}, {0, 1, 14, 6}};
        try (var m = T5ForConditionalGeneration.init(c, 9); var s = new PointerScope();
             var ng = new NoGradGuard(); DecoderCache cache = m.newCache(2)) {
            Tensor ids = Tensors.longs(input, 0);
            Tensor mask = Tensors.lengthMask(new int[][]{{1, 2, 3, 4, 5}, {1, 2, 3, 4}, {1, 2}, {1, 2, 3, 4, 5}});
            Tensor decIds = Tensors.longs(dec, 0);
            Tensor full = m.forward(ids, mask, decIds); // [4, T, V]
            Tensor enc = m.encode(ids, mask);
            for (int t = 0; t < dec[0].length; t++) {
                Tensor step = m.logits(m.decode(decIds.narrow(1, t, 1), enc, mask, null, cache));
                Tensor want = full.narrow(1, t, 1);
                double scale = Math.max(1, Tensors.toFloats(want.abs().max())[0]);
                assertTrue(maxDiff(step, want) < 2e-5 * scale, "t=" + t + ": " + maxDiff(step, want));
            }
        }
    }

    /**
     * A bf16 model at t5-small width: its cache holds fp32 keys/values (attention runs in fp32), incremental decoding
     * tracks its own full pass, and both track an fp32 model holding the same (bf16-rounded) weights. Tolerances:
     * 2 % of the largest logit between the bf16 paths (bf16 products round their outputs, at other row counts), 5 %
     * against fp32 (bf16 rounds every product's inputs and outputs to 8 bits).
     */
    @Test
    void bf16IncrementalDecodingTracksItsFullPassAndFp32() {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 products need the CPU's bf16 units");
        T5Config b = T5Config.preset("t5-small");
        T5Config c = new T5Config(256, b.dModel(), b.dKv(), 1024, 2, 2, b.numHeads(), 32, 128, 0.0, 1e-6, 1.0,
                b.feedForwardProj(), b.tieWordEmbeddings(), 0, 1, 0);
        int[][] input = {{5, 9, 13, 7, 1}, {4, 4, 8, 1, 0}, {11, 1, 0, 0, 0}, {6, 19, 3, 2, 1}};
        int[][] dec = {{0, 17, 3, 9, 40}, {0, 5, 5, 2, 2}, {0, 12, 8, 7, 90}, {0, 1, 14, 6, 33}};
        try (var bf = T5ForConditionalGeneration.init(c, 11, ScalarType.BFloat16);
             var fp = new T5ForConditionalGeneration(c); var s = new PointerScope(); var ng = new NoGradGuard();
             DecoderCache cache = bf.newCache(2)) {
            for (var e : bf.parameters().entrySet()) fp.parameters().get(e.getKey()).copy_(e.getValue());
            Tensor ids = Tensors.longs(input, 0);
            Tensor mask = Tensors.lengthMask(new int[][]{{1, 2, 3, 4, 5}, {1, 2, 3, 4}, {1, 2}, {1, 2, 3, 4, 5}});
            Tensor decIds = Tensors.longs(dec, 0);
            Tensor full = bf.forward(ids, mask, decIds); // [4, T, V]
            assertEquals(ScalarType.BFloat16, full.scalar_type().intern());
            Tensor fp32 = fp.forward(ids, mask, decIds);
            double scale = Math.max(1, Tensors.toFloats(fp32.abs().max())[0]);
            assertTrue(maxDiff(full, fp32) < 0.05 * scale, "full pass vs fp32: " + maxDiff(full, fp32) / scale);
            Tensor enc = bf.encode(ids, mask);
            for (int t = 0; t < dec[0].length; t++) {
                Tensor step = bf.logits(bf.decode(decIds.narrow(1, t, 1), enc, mask, null, cache));
                Tensor want = full.narrow(1, t, 1);
                assertTrue(maxDiff(step, want) < 0.02 * scale, "t=" + t + ": " + maxDiff(step, want) / scale);
                assertTrue(maxDiff(step, fp32.narrow(1, t, 1)) < 0.05 * scale, "t=" + t + " vs fp32");
            }
            for (DecoderCache.Layer l : cache.layers) {
                assertEquals(ScalarType.Float, l.selfK.scalar_type().intern());
                assertEquals(ScalarType.Float, l.crossV.scalar_type().intern());
            }
        }
    }

    /** The lm head's packed copy (decoding steps) follows the weights, including writes that bypass versions. */
    @Test
    void packedLmHeadEqualsTheProductAndFollowsWeightUpdates() {
        T5Config c = T5ForConditionalGenerationTest.small("tiny", 2);
        try (var m = T5ForConditionalGeneration.init(c, 8); var s = new PointerScope(); var ng = new NoGradGuard()) {
            Tensor h = torch.randn(3, 1, c.dModel());
            Tensor scaled = c.scaleDecoderOutputs() ? h.mul(Tensors.scalar(Math.pow(c.dModel(), -0.5))) : h;
            assertTrue(maxDiff(m.logits(h), torch.linear(scaled, m.lmHead)) < 1e-4);
            m.lmHead.mul_(Tensors.scalar(2.0)); // in place: the version counter moves
            assertTrue(maxDiff(m.logits(h), torch.linear(scaled, m.lmHead)) < 1e-4, "stale after an in-place update");
            float[] w = Tensors.toFloats(m.lmHead);
            for (int i = 0; i < w.length; i++) w[i] = -w[i] + 0.25f;
            m.lmHead.data_ptr_float().put(w); // bypasses the counter, as the fused AdamW kernel does
            m.weightsChanged();
            assertTrue(maxDiff(m.logits(h), torch.linear(scaled, m.lmHead)) < 1e-4, "stale after weightsChanged()");
        }
    }
}
