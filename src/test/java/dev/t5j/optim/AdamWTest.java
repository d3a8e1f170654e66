package dev.t5j.optim;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
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
            assertEquals(0f, Tensors.toFloats(w.grad())[0], "gradients are zeroed after the step");
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
}
