package dev.t5j.optim;

import java.util.Collections;
import dev.t5j.engine.FusedOps;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter): Adam moments with bias correction and weight decay decoupled from the gradient,
 * applied as {@code p -= lr * wd * p} before the Adam step. By default norms are not decayed (T5 has no biases).
 *
 * <p>State (first/second moments, step) lives outside any step scope and is owned by this object.
 */
public final class AdamW implements Optimizer {
    private final Map<String, Tensor> params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();
    /** Parameter groups: the first matching prefix scales the learning rate (e.g. the retriever's own rate). */
    private final Map<String, Double> lrScaleByPrefix = new LinkedHashMap<>();
    private long step;
    /** t as a 1-element tensor for the fused kernel (it reads the step count from a tensor). */
    private Tensor stepTensor;

    public AdamW(Map<String, Tensor> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public AdamW(Map<String, Tensor> params) {
        this(params, 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * Puts every parameter whose name starts with {@code prefix} in a group whose learning rate is {@code scale} times
     * the scheduled one (e.g. {@code "retriever." → 0.1}). Earlier groups win.
     */
    public AdamW withGroup(String prefix, double scale) {
        lrScaleByPrefix.put(prefix, scale);
        return this;
    }

    double lrScale(String name) {
        for (Map.Entry<String, Double> g
                : lrScaleByPrefix.entrySet()) if (name.startsWith(g.getKey())) return g.getValue();
        return 1.0;
    }

    /** Whether {@code name} gets weight decay: not layer norms or biases. */
    static boolean decays(String name) {
        return !(name.contains("layer_norm") || name.contains("LayerNorm") || name.endsWith(".bias"));
    }

    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        m.forEach((k, t) -> all.put("m/" + k, t));
        v.forEach((k, t) -> all.put("v/" + k, t));
        return Collections.unmodifiableMap(all);
    }

    @Override
    public void loadState(Map<String, float[]> values, long stepCount) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        OptimizerState.load(all, values, params, k -> k.substring(k.indexOf('/') + 1), k
                -> Tensors.shape(params.get(k.substring(k.indexOf('/') + 1))));
        m.clear();
        v.clear();
        all.forEach((k, t) -> (k.startsWith("m/") ? m : v).put(k.substring(2), t));
        this.step = stepCount;
    }

    /**
     * One update with learning rate {@code lr} from the gradients currently in the parameters; then clears them (as
     * PyTorch's {@code zero_grad(set_to_none=True)}: the next backward writes fresh gradients instead of adding to
     * zeroed ones, one pass less). Float32 parameters take libtorch's fused AdamW kernel ({@link FusedOps#adamw}), one
     * call per group of equal learning-rate scale and decay; other dtypes the same update in single-tensor in-place
     * ops.
     */
    @Override
    public void step(double lr) {
        step++;
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Map<String, Group> groups = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (!g.defined()) continue;
                Tensor mt = m.computeIfAbsent(e.getKey(), k -> Tensors.keep(torch.zeros_like(p)));
                Tensor vt = v.computeIfAbsent(e.getKey(), k -> Tensors.keep(torch.zeros_like(p)));
                double scale = lrScale(e.getKey());
                double wd = decays(e.getKey()) ? weightDecay : 0.0;
                if (!fusable(p, g, mt, vt)) {
                    singleTensorStep(p, g, mt, vt, lr * scale, wd);
                    continue;
                }
                groups.computeIfAbsent(scale + "/" + wd, k -> new Group(scale, wd)).add(p, g, mt, vt);
            }
            if (!groups.isEmpty()) {
                if (stepTensor == null) // on the parameters' device, as the fused kernel wants its step count
                    stepTensor = Tensors.keep(torch.zeros(new long[]{1}, Tensors.options(torch.ScalarType.Float)));
                stepTensor.fill_(Tensors.scalar(step));
                for (Group gr : groups.values())
                    FusedOps.adamw(gr.params, gr.grads, gr.m, gr.v, stepTensor, lr * gr.scale, beta1, beta2, gr.wd,
                            eps);
            }
            for (Tensor p : params.values()) {
                Tensor g = p.mutable_grad();
                if (g.defined()) g.reset();
            }
        }
    }

    /** The fused kernel takes float32 tensors of one device, all contiguous. */
    private static boolean fusable(Tensor p, Tensor g, Tensor mt, Tensor vt) {
        for (Tensor t : new Tensor[]{p, g, mt, vt})
            if (t.scalar_type().intern() != torch.ScalarType.Float || !t.is_contiguous()) return false;
        return p.device().type().intern() == g.device().type().intern();
    }

    /** PyTorch's single-tensor AdamW ({@code torch/optim/adamw.py}): in-place ops, one temporary (the denominator). */
    private void singleTensorStep(Tensor p, Tensor g, Tensor mt, Tensor vt, double plr, double wd) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        if (wd > 0) p.mul_(new Scalar(1 - plr * wd));
        mt.lerp_(g, new Scalar(1 - beta1));
        vt.mul_(new Scalar(beta2)).addcmul_(g, g, new Scalar(1 - beta2));
        Tensor denom = vt.sqrt().div_(new Scalar(Math.sqrt(bc2))).add_(new Scalar(eps));
        p.addcdiv_(mt, denom, new Scalar(-plr / bc1));
    }

    /** Parameters updated by one fused call: same learning-rate scale and weight decay. */
    private static final class Group {
        final double scale;
        final double wd;
        final List<Tensor> params = new ArrayList<>();
        final List<Tensor> grads = new ArrayList<>();
        final List<Tensor> m = new ArrayList<>();
        final List<Tensor> v = new ArrayList<>();

        Group(double scale, double wd) {
            this.scale = scale;
            this.wd = wd;
        }

        void add(Tensor p, Tensor g, Tensor mt, Tensor vt) {
            params.add(p);
            grads.add(g);
            m.add(mt);
            v.add(vt);
        }
    }

    @Override
    public void close() {
        m.values().forEach(Tensor::close);
        v.values().forEach(Tensor::close);
        Tensors.free(stepTensor);
        stepTensor = null;
        m.clear();
        v.clear();
    }
}
