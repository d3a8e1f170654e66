package dev.t5j.optim;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;
import java.util.function.Function;

/** Shared plumbing to restore optimizer state tensors from saved float arrays. */
final class OptimizerState {
    private OptimizerState() {}

    static void load(Map<String, Tensor> state, Map<String, float[]> values, Map<String, Tensor> params,
                     Function<String, String> paramOf, Function<String, long[]> shapeOf) {
        state.values().forEach(Tensor::close);
        state.clear();
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            String param = paramOf.apply(e.getKey());
            if (!params.containsKey(param))
                throw new UserError("optimizer state '" + e.getKey() + "' refers to unknown parameter '" + param + "'");
            long[] shape = shapeOf.apply(e.getKey());
            if (Tensors.numel(shape) != e.getValue().length)
                throw new UserError("optimizer state '" + e.getKey() + "' has " + e.getValue().length
                        + " values, expected " + Tensors.numel(shape));
            Tensor t = Tensors.floats(e.getValue(), shape);
            state.put(e.getKey(), Tensors.keep(t));
        }
    }

    static long[] drop(long[] shape, int axis) {
        long[] out = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) out[j++] = shape[i];
        return out;
    }
}
