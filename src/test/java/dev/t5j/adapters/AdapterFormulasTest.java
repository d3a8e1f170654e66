package dev.t5j.adapters;

import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.model.ModelHooks;
import dev.t5j.model.ModelHooks.Site;
import dev.t5j.model.ModelHooks.SubLayer;
import dev.t5j.model.NaiveT5;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adapters, meta-adapters, HyperFormer and HyperFormer++ against {@link AdapterReference} (the formulas in double
 * loops): each adapter position alone (< 1e-5) and inside the whole model, where {@link NaiveT5} applies the reference
 * adapter after each self-attention and feed-forward sub-layer, before the residual (< 1e-4, the float32 parity bound).
 */
class AdapterFormulasTest {
    static final int[] INPUT = {5, 17, 3, 29, 42, 7, 1};
    static final int[] DEC = {0, 12, 9, 30, 4};

    static T5Config tiny(String proj) {
        return new T5Config(64, 16, 4, 32, 2, 3, 4, 32, 128, 0.0, 1e-6, 1.0, proj, !proj.startsWith("gated"), 0, 1, 0);
    }

    static AdapterConfig cfg(String method, List<String> tasks, boolean pre, boolean post, boolean condLn,
            boolean trainEmb) {
        AdapterConfig d = AdapterConfig.defaults();
        return new AdapterConfig(method, tasks, 4, "gelu_new", pre, post, true, 0.3, condLn, 8, 12, trainEmb ? 8 : 6,
                trainEmb, true, null, d.r(), d.loraAlpha(), d.loraDropout(), d.targetModules(), false, false);
    }

    /** Moves every adapter parameter away from its init (LN weights 1, biases 0, tiny hypernet outputs). */
    static void perturb(AdapterModule m, long seed) {
        Torch.seed(seed);
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (Tensor t : m.parameters().values()) t.add_(torch.randn_like(t).mul(Tensors.scalar(0.3)));
        }
    }

    /** The reference adapter for the sub-layer with HF prefix {@code prefix} ("decoder.block.1.layer.2"). */
    static double[] reference(AdapterReference r, AdapterMethod m, String prefix, String task, double[] x) {
        boolean dec = prefix.startsWith("decoder");
        int layer = Integer.parseInt(prefix.split("\\.")[2]);
        int type = prefix.endsWith("layer.0") ? 1 : 0;
        return switch (m) {
            case ADAPTER -> r.houlsby(prefix, task, x);
            case META_ADAPTER -> r.meta(prefix, task, x);
            case HYPERFORMER -> r.hyper(false, dec, layer, type, task, x);
            case HYPERFORMER_PP -> r.hyper(true, dec, layer, type, task, x);
            default -> throw new IllegalArgumentException(m.key);
        };
    }

    static void check(AdapterConfig c, T5Config base) {
        try (T5ForConditionalGeneration model = T5ForConditionalGeneration.init(base, 7);
             AdapterModule m = AdapterModule.create(c, base);
             PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            perturb(m, 11);
            AdapterReference r = new AdapterReference(m, base.dModel());
            Torch.seed(3);
            Tensor y = torch.randn(new long[]{2, 3, base.dModel()}, Tensors.options(ScalarType.Float));
            double[][] in = AdapterReference.rows(y);
            float[] prevLogits = null;
            for (String task : c.adapterNames()) {
                m.setTask(task);
                // Every adapter position alone.
                for (Site site : m.sites()) {
                    double[][] got = AdapterReference.rows(m.afterSubLayer(site, y));
                    for (int t = 0; t < in.length; t++) {
                        double[] want = reference(r, c.methodEnum(), AdapterModule.prefix(site), task, in[t]);
                        for (int i = 0; i < want.length; i++)
                            assertEquals(want[i], got[t][i], 1e-5, c.method() + " " + site + " task " + task);
                    }
                }
                // Inside the model: placement after the sub-layer, before the residual.
                model.setHooks(m);
                float[] logits = Tensors.toFloats(model.forward(Tensors.longs(new int[][]{INPUT}, 0), null,
                        Tensors.longs(new int[][]{DEC}, 0)));
                NaiveT5 naive = new NaiveT5(model);
                BiFunction<String, double[][], double[][]> hook = (prefix, rows) -> {
                    boolean covered = !prefix.startsWith("decoder") || c.addAdaptersInDecoder();
                    if (!covered || prefix.endsWith("layer.1") && prefix.startsWith("decoder")) return rows;
                    double[][] out = new double[rows.length][];
                    for (int t = 0; t < rows.length; t++) out[t] = reference(r, c.methodEnum(), prefix, task, rows[t]);
                    return out;
                };
                naive.subLayerHook = hook;
                double[][] want = naive.logits(INPUT, DEC);
                double maxDiff = 0;
                for (int t = 0; t < DEC.length; t++)
                    for (int v = 0; v < base.vocabSize(); v++) maxDiff = Math.max(maxDiff, Math.abs(
                            logits[t * base.vocabSize() + v] - want[t][v]));
                assertTrue(maxDiff < 1e-4, c.method() + " task " + task + ": max |model - reference| = " + maxDiff);
                if (prevLogits != null) assertFalse(Arrays.equals(prevLogits, logits), "tasks must differ");
                prevLogits = logits;
                model.setHooks(null);
            }
        }
    }

    @Test
    void houlsbyAdaptersPerTaskWithBothLayerNorms() {
        check(cfg("adapter", List.of("rte", "sst2"), true, true, false, false), tiny("relu"));
    }

    @Test
    void sharedHoulsbyAdapterOnGatedT5WithoutDecoderAdapters() {
        AdapterConfig c = cfg("adapter", List.of(), false, true, false, false);
        c = new AdapterConfig(c.method(), c.tasks(), 2, "swish", false, true, false, c.weightInitRange(), false,
                c.taskEmbeddingDim(), c.taskHiddenDim(), c.projectedTaskEmbeddingDim(), false, true, null, c.r(),
                        c.loraAlpha(),
                c.loraDropout(), c.targetModules(), false, false);
        check(c, tiny("gated-gelu"));
    }

    @Test
    void metaAdapterWithConditionalLayerNorms() {
        check(cfg("meta-adapter", List.of("rte", "cola"), true, true, true, false), tiny("relu"));
    }

    @Test
    void metaAdapterWithPlainLayerNormsAndProjectedTaskEmbeddings() {
        check(cfg("meta-adapter", List.of("rte", "cola"), false, true, false, true), tiny("relu"));
    }

    @Test
    void hyperformerOneHyperNetworkPerStack() {
        check(cfg("hyperformer", List.of("rte", "mrpc"), true, true, false, false), tiny("relu"));
    }

    @Test
    void hyperformerPlusPlusOneSharedHyperNetwork() {
        check(cfg("hyperformer++", List.of("rte", "mrpc", "cola"), false, true, false, false), tiny("gated-gelu"));
    }

    /**
     * Identity hooks change nothing but rounding: with hooks the q/k/v products run one by one instead of through the
     * stacked inference copy, so the sums run in another order. Removing the hooks restores the model bit for bit.
     */
    @Test
    void modelWithoutHooksIsBitIdentical() {
        T5Config base = tiny("relu");
        try (T5ForConditionalGeneration model = T5ForConditionalGeneration.init(base, 7);
             AdapterModule m = AdapterModule.create(cfg("adapter", List.of("a"), false, true, false, false), base);
             PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor enc = Tensors.longs(new int[][]{INPUT}, 0);
            Tensor dec = Tensors.longs(new int[][]{DEC}, 0);
            float[] before = Tensors.toFloats(model.forward(enc, null, dec));
            model.setHooks(new ModelHooks() {});
            float[] identity = Tensors.toFloats(model.forward(enc, null, dec));
            for (int i = 0; i < before.length; i++)
                assertEquals(before[i], identity[i], 1e-5 * Math.max(1, Math.abs(before[i])), "identity hooks, " + i);
            model.setHooks(m);
            assertFalse(Arrays.equals(before, Tensors.toFloats(model.forward(enc, null, dec))));
            model.setHooks(null);
            assertArrayEquals(before, Tensors.toFloats(model.forward(enc, null, dec)),
                    "removing the hooks restores the model");
        }
    }

    @Test
    void siteOfTheDecoderFeedForwardIsLayerTwo() {
        assertEquals("decoder.block.1.layer.2", AdapterModule.prefix(new Site(true, 1, SubLayer.FEED_FORWARD)));
        assertEquals("encoder.block.0.layer.1", AdapterModule.prefix(new Site(false, 0, SubLayer.FEED_FORWARD)));
    }
}
