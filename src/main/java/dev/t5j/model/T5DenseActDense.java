package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** T5 v1.0 feed-forward: {@code wo(dropout(act(wi(x))))}, no biases. */
final class T5DenseActDense implements FeedForward {
    final Tensor wi;
    final Tensor wo;
    private final String act;
    private final double dropout;
    private final String prefix;
    /** Null = plain T5; see {@link ModelHooks#afterLinear}. */
    ModelHooks hooks;
    private final InferenceLinear wiProduct;
    private final InferenceLinear woProduct;

    T5DenseActDense(Params p, String prefix, T5Config c) {
        double f = c.initializerFactor();
        wi = p.normal(prefix + ".wi.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wo = p.normal(prefix + ".wo.weight", f * Math.pow(c.dFf(), -0.5), c.dModel(), c.dFf());
        act = c.denseActFn();
        dropout = c.dropoutRate();
        this.prefix = prefix;
        wiProduct = new InferenceLinear(wi);
        woProduct = new InferenceLinear(wo);
    }

    @Override
    public Tensor forward(Tensor x, boolean train) {
        Tensor h = Activations.apply(act, linear(x, wiProduct, "wi"));
        h = Activations.dropout(h, dropout, train);
        return linear(h, woProduct, "wo");
    }

    @Override
    public void freeInferenceCopies() {
        wiProduct.free();
        woProduct.free();
    }

    @Override
    public boolean hasInferenceCopies() {
        return wiProduct.hasCopies() || woProduct.hasCopies();
    }

    @Override
    public void setHooks(ModelHooks h) {
        hooks = h;
    }

    private Tensor linear(Tensor x, InferenceLinear w, String name) {
        return HookedLinear.apply(hooks, prefix + "." + name + ".weight", x, w);
    }
}
