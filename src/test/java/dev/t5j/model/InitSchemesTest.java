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
            assertFalse(java.util.Arrays.equals(Tensors.toFloats(src.parameters().get(q)), Tensors.toFloats(fresh.parameters().get(q))), "values are drawn, not copied");
            assertArrayEquals(embBefore, Tensors.toFloats(fresh.parameters().get("shared.weight")), "token embedding keeps its fresh init");
        }
    }

    @Test
    void wholeModelScaleSharesOneStdAndSetsNormsToTheirMean() {
        try (var src = pretrained(); var fresh = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 2)) {
            InitSchemes.apply(fresh, src, "across_ALL_layer_AND_per_layer_grouping___init_scale", 7);
            for (float f : Tensors.toFloats(fresh.parameters().get("decoder.block.1.layer.2.layer_norm.weight"))) assertEquals(0.5f, f, 1e-6);
            for (float f : Tensors.toFloats(fresh.parameters().get("encoder.final_layer_norm.weight"))) assertEquals(0.5f, f, 1e-6);
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
            for (String n : List.of("encoder.block.1.layer.0.layer_norm.weight", "decoder.block.0.layer.0.layer_norm.weight", "decoder.block.0.layer.1.layer_norm.weight"))
                for (float f : Tensors.toFloats(fresh.parameters().get(n))) assertEquals(0.5f, f, 1e-6, n);
            for (String n : List.of("encoder.block.1.layer.1.layer_norm.weight", "decoder.block.0.layer.2.layer_norm.weight", "decoder.final_layer_norm.weight"))
                for (float f : Tensors.toFloats(fresh.parameters().get(n))) assertEquals(1f, f, n + " (pre-MLP/final norms untouched)");
            InitSchemes.setPreAttentionNorms(fresh, 0.4);
            for (float f : Tensors.toFloats(fresh.parameters().get("decoder.block.1.layer.1.layer_norm.weight"))) assertEquals(0.4f, f, 1e-6);
            for (float f : Tensors.toFloats(fresh.parameters().get("encoder.block.1.layer.1.layer_norm.weight"))) assertEquals(1f, f);
            assertThrows(UserError.class, () -> InitSchemes.apply(fresh, src, "per_layer_grouping___init_scale", 1));
            assertThrows(UserError.class, () -> InitSchemes.apply(fresh, src, "per_param_grouping___init_xavier", 1));
        }
    }
}
