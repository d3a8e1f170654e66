package dev.t5j.model;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's parameters by their HF checkpoint names, in creation order. Owns the tensors: they live outside any
 * {@link org.bytedeco.javacpp.PointerScope} until {@link #close()}.
 */
public final class Params implements AutoCloseable {
    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private final ScalarType dtype;

    /** Parameters are created in {@code dtype} (fp32 for training; bf16 is possible for inference). */
    public Params(ScalarType dtype) {
        this.dtype = dtype;
    }

    public ScalarType dtype() {
        return dtype;
    }

    /**
     * Creates a trainable parameter drawn from N(0, std²) in fp32, then cast to this store's dtype (public: other model
     * families, e.g. retrieval.BertModel, share this store).
     */
    public Tensor normal(String name, double std, long... shape) {
        Torch.init();
        Tensor t;
        try (var noGrad = new NoGradGuard()) {
            t = torch.empty(shape, Tensors.options(ScalarType.Float), new MemoryFormatOptional());
            t.normal_(0.0, std, new GeneratorOptional());
            if (dtype != ScalarType.Float) t = t.to(dtype);
        }
        return add(name, t);
    }

    public Tensor constant(String name, double value, long... shape) {
        Torch.init();
        Tensor t;
        try (var noGrad = new NoGradGuard()) {
            t = torch.empty(shape, Tensors.options(ScalarType.Float), new MemoryFormatOptional());
            t.fill_(Tensors.scalar(value));
            if (dtype != ScalarType.Float) t = t.to(dtype);
        }
        return add(name, t);
    }

    private Tensor add(String name, Tensor t) {
        if (byName.containsKey(name)) throw new IllegalStateException("duplicate parameter " + name);
        Tensors.keep(t);
        t.set_requires_grad(true);
        byName.put(name, t);
        return t;
    }

    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter " + name);
        return t;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Name → tensor, in HF order of creation. The map is read-only; the tensors are the live parameters. */
    public Map<String, Tensor> all() {
        return Collections.unmodifiableMap(byName);
    }

    public long count() {
        long n = 0;
        for (Tensor t : byName.values()) n += t.numel();
        return n;
    }

    /**
     * Replaces the values of {@code name} in place (shape must match, dtype is converted), keeping the same tensor
     * object.
     */
    public void copyInto(String name, Tensor src) {
        Tensor dst = get(name);
        try (var noGrad = new NoGradGuard()) {
            dst.copy_(src);
        }
    }

    @Override
    public void close() {
        for (Tensor t : byName.values()) t.close();
        byName.clear();
    }
}
