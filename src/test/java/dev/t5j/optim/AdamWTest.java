package dev.t5j.optim;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AdamWTest {
    /** loss = 0.5 * sum(p): the gradient is 0.5 everywhere, so every Adam step moves p by exactly lr (hand-derived). */
    @Test
    void matchesHandComputedUpdatesWithDecoupledDecay() {
        Tensor w = Tensors.keep(Tensors.floats(new float[]{1f, 1f}, 2)).set_requires_grad(true);
        Tensor norm = Tensors.keep(Tensors.floats(new float[]{1f}, 1)).set_requires_grad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("encoder.block.0.layer.0.SelfAttention.q.weight", w);
        params.put("encoder.block.0.layer.0.layer_norm.weight", norm);
        try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0.01)) {
            for (int step = 0; step < 2; step++) {
                try (var s = new PointerScope()) {
                    w.sum().add(norm.sum()).mul(Tensors.scalar(0.5)).backward();
                }
                opt.step(0.1);
            }
            // step 1: w = 1*(1-0.1*0.01) - 0.1 = 0.899; step 2: 0.899*(0.999) - 0.1 = 0.798101
            assertEquals(0.798101f, Tensors.toFloats(w)[0], 1e-6);
            // norms are not decayed: 1 - 0.1 - 0.1
            assertEquals(0.8f, Tensors.toFloats(norm)[0], 1e-6);
            assertEquals(2, opt.stepCount());
            assertFalse(w.grad().defined(), "gradients are cleared (set to none) after the step");
        }
        w.close();
        norm.close();
    }

    @Test
    void parameterGroupsScaleTheLearningRate() {
        Tensor a = Tensors.keep(Tensors.floats(new float[]{1f}, 1)).set_requires_grad(true);
        Tensor b = Tensors.keep(Tensors.floats(new float[]{1f}, 1)).set_requires_grad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("reader.w", a);
        params.put("retriever.w", b);
        try (AdamW opt = new AdamW(params).withGroup("retriever.", 0.1)) {
            try (var s = new PointerScope()) {
                a.add(b).sum().backward();
            }
            opt.step(0.1);
            assertEquals(0.9f, Tensors.toFloats(a)[0], 1e-6); // an Adam step moves by lr
            assertEquals(0.99f, Tensors.toFloats(b)[0], 1e-6); // the retriever group by lr/10
        }
        a.close();
        b.close();
    }

    /**
     * The fused kernel (float32) and the single-tensor in-place path (taken for float64) give the same parameters and
     * moments over several steps with changing gradients, weight decay and a learning-rate group.
     */
    @Test
    void fusedKernelMatchesTheSingleTensorUpdate() {
        Map<String, Tensor> f32 = new LinkedHashMap<>();
        Map<String, Tensor> f64 = new LinkedHashMap<>();
        Map<String, float[]> initial = new LinkedHashMap<>();
        String[] names = {"encoder.block.0.layer.0.SelfAttention.q.weight", "encoder.final_layer_norm.weight",
                "retriever.w"};
        torch.manual_seed(3);
        for (String n : names) {
            Tensor init = torch.randn(4, 3);
            initial.put(n, Tensors.toFloats(init));
            f32.put(n, Tensors.keep(init.clone()).set_requires_grad(true));
            f64.put(n, Tensors.keep(init.to(ScalarType.Double))
                    .set_requires_grad(true));
        }
        try (AdamW a = new AdamW(f32, 0.9, 0.99, 1e-8, 0.1).withGroup("retriever.", 0.5);
             AdamW b = new AdamW(f64, 0.9, 0.99, 1e-8, 0.1).withGroup("retriever.", 0.5)) {
            for (int step = 1; step <= 4; step++) {
                try (var s = new PointerScope()) {
                    for (String n : names) {
                        Tensor target = Tensors.floats(new float[]{step, -step, 0.5f * step}, 1, 3);
                        f32.get(n).sub(target).square().sum().backward();
                        f64.get(n).sub(target.to(ScalarType.Double)).square().sum()
                                .backward();
                    }
                }
                a.step(0.05);
                b.step(0.05);
            }
            for (String n : names) {
                float[] x = Tensors.toFloats(f32.get(n));
                float[] y = Tensors.toFloats(f64.get(n).to(ScalarType.Float));
                assertArrayEquals(y, x, 1e-5f, n);
                assertTrue(Math.abs(x[0] - initial.get(n)[0]) > 0.05, n + " moved");
            }
            float[] m32 = Tensors.toFloats(a.state().get("v/" + names[0]));
            float[] m64 = Tensors.toFloats(b.state().get("v/" + names[0]).to(
                    ScalarType.Float));
            assertArrayEquals(m64, m32, 1e-4f);
        }
        f32.values().forEach(Tensor::close);
        f64.values().forEach(Tensor::close);
    }
}
