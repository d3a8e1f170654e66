package dev.t5j.decoding;

import org.bytedeco.pytorch.LongOptional;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Greedy decoding that re-runs the whole decoder over the prefix at every step (no key/value cache). Only for
 * benchmarks and tests: it shows what the cache saves and must produce the same tokens as {@link Generator}.
 */
public final class NoCacheDecoding {
    private NoCacheDecoding() {}

    public static int[][] greedy(T5ForConditionalGeneration model, int[][] inputs, int steps) {
        int b = inputs.length;
        int[][] out = new int[b][steps];
        model.train(false);
        try (PointerScope outer = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.longs(inputs, 0);
            Tensor mask = Tensors.lengthMask(inputs);
            Tensor enc = model.encode(ids, mask);
            long[] prefix = new long[b * (steps + 1)];
            for (int t = 0; t < steps; t++) {
                try (PointerScope s = new PointerScope()) {
                    long[] cur = new long[b * (t + 1)];
                    for (int i = 0; i < b; i++) System.arraycopy(prefix, i * (steps + 1), cur, i * (t + 1), t + 1);
                    Tensor logits = model.logits(model.decode(Tensors.longs(cur, b, t + 1), enc, mask, null,
                            null)).select(1, t);
                    long[] next = Tensors.toLongs(logits.argmax(new LongOptional(1), false));
                    for (int i = 0; i < b; i++) {
                        out[i][t] = (int) next[i];
                        prefix[i * (steps + 1) + t + 1] = next[i];
                    }
                }
            }
        }
        return out;
    }
}
