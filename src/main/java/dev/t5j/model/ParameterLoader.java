package dev.t5j.model;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.TensorSource;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * "Follow the key": copies every parameter of a {@link Params} store from a checkpoint, for any model family. A
 * missing tensor, a shape mismatch or a non-float dtype is a {@link UserError} naming the file and the key; tensors the
 * model does not use are listed in one warning. The family supplies how a parameter name maps to checkpoint keys
 * (aliases, prefixes, old names) and which unused keys HF drops silently.
 */
public final class ParameterLoader {
    private ParameterLoader() {}

    /**
     * @param resolve     the checkpoint key holding parameter {@code name}, or null when none does
     * @param missingHint text appended to the "missing" error for a parameter (may be "")
     * @param silent      unused checkpoint keys not worth a warning
     * @param what        the model, for the warning ("the model", "the BERT encoder")
     */
    public static void load(Params params, TensorSource src, Function<String, String> resolve, Function<String,
            String> missingHint,
                            Predicate<String> silent, String what) {
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Tensor> e : params.all().entrySet()) {
            String name = e.getKey();
            String found = resolve.apply(name);
            if (found == null) throw new UserError(src.path() + ": tensor '" + name + "' is missing from the checkpoint"
                    + missingHint.apply(name));
            used.add(found);
            long[] want = Tensors.shape(e.getValue());
            TensorSource.TensorInfo info = src.info(found);
            if (!Arrays.equals(want, info.shape()))
                throw new UserError(info.file() + ": tensor '" + found + "' has shape " + Arrays.toString(info.shape())
                        + " but the config needs " + Arrays.toString(want));
            if (!info.dtype().isFloatingPoint())
                throw new UserError(info.file() + ": tensor '" + found + "' has dtype " + info.dtype()
                        + "; expected F32, F16 or BF16");
            RawTensor raw = src.get(found);
            try (PointerScope s = new PointerScope()) {
                params.copyInto(name, Tensors.floats(raw.toFloatArray(), want));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String n : src.names()) if (!used.contains(n) && !silent.test(n)) unexpected.add(n);
        if (!unexpected.isEmpty())
            System.err.println("t5j: warning: " + src.path() + ": " + unexpected.size() + " tensor(s) not used by "
                    + what + ": "
                    + String.join(", ", unexpected.subList(0, Math.min(5, unexpected.size()))) + (unexpected.size() > 5
                            ? ", ..." : ""));
    }
}
