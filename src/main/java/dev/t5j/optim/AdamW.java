package dev.t5j.optim;

import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
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
        return java.util.Collections.unmodifiableMap(all);
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

    /** One update with learning rate {@code lr} from the gradients currently in the parameters; then zeroes them. */
    @Override
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (!g.defined()) continue;
                Tensor mt = m.computeIfAbsent(e.getKey(), k -> Tensors.keep(torch.zeros_like(p)));
                Tensor vt = v.computeIfAbsent(e.getKey(), k -> Tensors.keep(torch.zeros_like(p)));
                mt.mul_(new Scalar(beta1)).add_(g, new Scalar(1 - beta1));
                vt.mul_(new Scalar(beta2)).add_(g.mul(g), new Scalar(1 - beta2));
                double plr = lr * lrScale(e.getKey());
                if (weightDecay > 0 && decays(e.getKey())) p.mul_(new Scalar(1 - plr * weightDecay));
                Tensor denom = vt.div(new Scalar(bc2)).sqrt().add(new Scalar(eps));
                p.sub_(mt.div(denom).mul(new Scalar(plr / bc1)));
                g.zero_();
            }
        }
    }

    @Override
    public void close() {
        m.values().forEach(Tensor::close);
        v.values().forEach(Tensor::close);
        m.clear();
        v.clear();
    }
}
