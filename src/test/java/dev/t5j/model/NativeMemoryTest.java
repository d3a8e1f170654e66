package dev.t5j.model;

import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.engine.NativeMemoryProbe;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** engine.Torch, trap 2: every step in a PointerScope; native memory must stay flat over many steps. */
class NativeMemoryTest {
    private static void trainStep(T5ForConditionalGeneration m) {
        try (var s = new PointerScope()) {
            Tensor ids = Tensors.longs(new int[][]{{5, 6, 7, 8, 1}, {9, 10, 1}}, 0);
            Tensor mask = Tensors.lengthMask(new int[][]{{5, 6, 7, 8, 1}, {9, 10, 1}});
            Tensor labels = Tensors.longs(new long[]{11, 12, 1, 13, 1, -100}, 2, 3);
            Tensor loss = T5ForConditionalGeneration.loss(m.forward(ids, mask, m.shiftRight(labels)), labels);
            loss.backward();
            try (var ng = new NoGradGuard()) {
                for (Tensor p : m.parameters().values()) {
                    Tensor g = p.grad();
                    p.sub_(g.mul(Tensors.scalar(0.01)));
                    g.zero_();
                }
            }
        }
    }

    @Test
    void trainingAndGenerationStepsKeepNativeMemoryFlat() {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 3)) {
            m.train(true);
            Generator gen = new Generator(m);
            Runnable round = () -> {
                trainStep(m);
                gen.generate(new int[][]{{5, 6, 7, 1}}, GenerationConfig.beam(6, 2));
            };
            // 3 windows of 80 rounds: a leak of 300 KB a round fails every window (the single 200-round reading
            // before allowed 64 MiB, 320 KB a round)
            NativeMemoryProbe.assertFlat(round, 30, 3, 80, 24L << 20);
        }
    }
}
