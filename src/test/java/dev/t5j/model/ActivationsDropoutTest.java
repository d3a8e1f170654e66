package dev.t5j.model;

import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Activations#dropout}: the input itself outside training, libtorch's dropout in training. */
class ActivationsDropoutTest {
    @Test
    void identityOutsideTrainingAndDropoutInTraining() {
        Torch.init();
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(5);
            Tensor x = torch.ones(1000);
            assertSame(x, Activations.dropout(x, 0.5, false), "no call, no copy outside training");
            float[] y = Tensors.toFloats(Activations.dropout(x, 0.5, true));
            int zeros = 0;
            for (float v : y) {
                if (v == 0f) zeros++;
                else assertEquals(2.0f, v, 1e-6f, "kept values scaled by 1/(1-p)");
            }
            assertTrue(zeros > 400 && zeros < 600, zeros + " of 1000 dropped at p = 0.5");
        }
    }
}
