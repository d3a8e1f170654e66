package dev.t5j.model;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class InitSchemesTest {
    /** A "pretrained" model whose groups have distinctive statistics: weights scaled by 3 and shifted, norms 0.5. */
    static T5ForConditionalGeneration pretrained() {
        T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 1);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (var e : m.parameters().entrySet()) {
                if (e.getKey().contains("layer_norm")) e.getValue().fill_(Tensors.scalar(0.5));
                else e.getValue().mul_(Tensors.scalar(3.0)).add_(Tensors.scalar(0.25));
            }
        }
        return m;
    }

    static double[] stats(Tensor t) {
        float[] v = Tensors.toFloats(t);
        double s = 0, q = 0;
        for (float f : v) { s += f; q += f * f; }
        double mean = s / v.length;
        return new double[]{mean, Math.sqrt(q / v.length - mean * mean)};
    }

    @Test
    void perParamMeanStdCopiesEachParametersStatisticsButNotItsValues() {
        try (var src = pretrained(); var fresh = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 2)) {
            float[] embBefore = Tensors.toFloats(fresh.parameters().get("shared.weight"));
            InitSchemes.apply(fresh, src, "per_param_grouping___init_mean_std", 7);
            String q = "encoder.block.0.layer.0.SelfAttention.q.weight";
            double[] want = stats(src.parameters().get(q)), got = stats(fresh.parameters().get(q));
            assertEquals(want[0], got[0], 0.05 * want[1]);
            assertEquals(want[1], got[1], 0.05 * want[1]);
            assertFalse(java.util.Arrays.equals(Tensors.toFloats(src.parameters().get(q)),
                    Tensors.toFloats(fresh.parameters().get(q))), "values are drawn, not copied");
            assertArrayEquals(embBefore, Tensors.toFloats(fresh.parameters().get("shared.weight")),
                    "token embedding keeps its fresh init");
        }
    }

    @Test
    void wholeModelScaleSharesOneStdAndSetsNormsToTheirMean() {
        try (var src = pretrained(); var fresh = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 2)) {
            InitSchemes.apply(fresh, src, "across_ALL_layer_AND_per_layer_grouping___init_scale", 7);
            for (float f : Tensors.toFloats(fresh.parameters()
                    .get("decoder.block.1.layer.2.layer_norm.weight"))) assertEquals(0.5f, f, 1e-6);
            for (float f : Tensors.toFloats(fresh.parameters()
                    .get("encoder.final_layer_norm.weight"))) assertEquals(0.5f, f, 1e-6);
            double[] a = stats(fresh.parameters().get("encoder.block.0.layer.0.SelfAttention.q.weight"));
            double[] b = stats(fresh.parameters().get("decoder.block.1.layer.2.DenseReluDense.wo.weight"));
            assertEquals(0.0, a[0], 0.05 * a[1], "init_scale draws N(0, std)");
            assertEquals(a[1], b[1], 0.06 * a[1], "one std for every dense weight");
        }
    }

    @Test
    void preAttentionNormsOnly() {
        try (var src = pretrained(); var fresh = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 2)) {
            InitSchemes.apply(fresh, src, "preattnln_per_param_grouping___init_scale", 7);
            for (String n : List.of("encoder.block.1.layer.0.layer_norm.weight",
                    "decoder.block.0.layer.0.layer_norm.weight", "decoder.block.0.layer.1.layer_norm.weight"))
                for (float f : Tensors.toFloats(fresh.parameters().get(n))) assertEquals(0.5f, f, 1e-6, n);
            for (String n : List.of("encoder.block.1.layer.1.layer_norm.weight",
                    "decoder.block.0.layer.2.layer_norm.weight", "decoder.final_layer_norm.weight"))
                for (float f : Tensors.toFloats(fresh.parameters().get(n))) assertEquals(1f, f, n
                        + " (pre-MLP/final norms untouched)");
            InitSchemes.setPreAttentionNorms(fresh, 0.4);
            for (float f : Tensors.toFloats(fresh.parameters()
                    .get("decoder.block.1.layer.1.layer_norm.weight"))) assertEquals(0.4f, f, 1e-6);
            for (float f : Tensors.toFloats(fresh.parameters()
                    .get("encoder.block.1.layer.1.layer_norm.weight"))) assertEquals(1f, f);
            var unknown = assertThrows(UserError.class, () -> InitSchemes.apply(fresh, src,
                    "per_block_grouping___init_scale", 1));
            assertTrue(unknown.getMessage().contains("qkvo_per_param_grouping"), unknown.getMessage());
            assertThrows(UserError.class, () -> InitSchemes.apply(fresh, src, "per_param_grouping___init_xavier", 1));
        }
    }

    static final List<String> NAMES;

    static {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 1)) {
            NAMES = List.copyOf(m.parameters().keySet());
        }
    }

    static List<String> flat(List<List<String>> groups) {
        return groups.stream().flatMap(List::stream).toList();
    }

    static long count(String regex) {
        return NAMES.stream().filter(n -> n.matches(regex)).count();
    }

    /** Appendix groupings (modified_t5x/t5x/_final_init_exps.py), on HF names. */
    @Test
    void appendixPerParamGroupingsSelectTheirParameters() {
        String attn = ".*(SelfAttention|EncDecAttention)\\.[qkvo]\\.weight";
        var qkvo = InitSchemes.groups("qkvo_per_param_grouping", NAMES);
        assertTrue(qkvo.stream().allMatch(g -> g.size() == 1 && g.get(0).matches(attn)), qkvo.toString());
        assertEquals(count(attn), qkvo.size());
        var mlp = InitSchemes.groups("mlp_per_param_grouping", NAMES);
        assertTrue(mlp.stream().allMatch(g -> g.size() == 1 && g.get(0).contains("DenseReluDense")), mlp.toString());
        assertEquals(count(".*DenseReluDense.*"), mlp.size());
        var preMlp = flat(InitSchemes.groups("premlpln_per_param_grouping", NAMES));
        assertEquals(List.of("encoder.block.0.layer.1.layer_norm.weight", "encoder.block.1.layer.1.layer_norm.weight",
                "decoder.block.0.layer.2.layer_norm.weight", "decoder.block.1.layer.2.layer_norm.weight"), preMlp);
    }

    @Test
    void acrossAllLayerGroupingPoolsEachKindOverLayers() {
        var g = InitSchemes.groups("across_ALL_layer_grouping", NAMES);
        assertEquals(9, g.size(), g.toString()); // q, k, v, o, mlp, pre-MLP LN, attention LN, final norms, relpos
        assertTrue(g.get(0).stream().allMatch(n -> n.endsWith(".q.weight")));
        assertEquals(count(".*\\.q\\.weight"), g.get(0).size());
        assertEquals(List.of("encoder.final_layer_norm.weight", "decoder.final_layer_norm.weight"), g.get(7));
        assertTrue(g.get(8).stream().allMatch(n -> n.contains("relative_attention_bias")) && g.get(8).size() == 2);
        List<String> all = flat(g);
        assertEquals(all.size(), new java.util.HashSet<>(all).size(), "no parameter in two groups");
        assertFalse(all.contains("shared.weight"), "the token embedding keeps its fresh init");
    }

    @Test
    void perLayerGroupingHasTwoGroupsPerLayerAndNonLayerParamsAlone() {
        var g = InitSchemes.groups("per_layer_grouping", NAMES);
        assertTrue(g.contains(List.of("encoder.final_layer_norm.weight")));
        List<String> enc0 = g.stream().filter(x -> x.contains("encoder.block.0.layer.0.SelfAttention.q.weight"))
                .findFirst().orElseThrow();
        assertTrue(enc0.stream().allMatch(n -> n.startsWith("encoder.block.0.") && !n.contains("norm")
                && !n.contains("relative_attention_bias")), enc0.toString());
        assertTrue(enc0.contains("encoder.block.0.layer.1.DenseReluDense.wo.weight"));
        List<String> all = flat(g);
        assertEquals(all.size(), new java.util.HashSet<>(all).size(), "no parameter in two groups");
        assertEquals(NAMES.size() - 1, all.size(), "everything but the token embedding");
        try (var src = pretrained(); var fresh = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 2)) {
            InitSchemes.apply(fresh, src, "per_layer_grouping___init_scale", 7);
            for (float f : Tensors.toFloats(fresh.parameters().get("decoder.block.1.layer.1.layer_norm.weight")))
                assertEquals(0.5f, f, 1e-6);
        }
    }
}
