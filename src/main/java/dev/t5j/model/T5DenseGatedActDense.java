package dev.t5j.model;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * T5 v1.1 gated feed-forward (GEGLU): {@code wo(dropout(act(wi_0(x)) * wi_1(x)))}, act = tanh-GELU for "gated-gelu".
 */
final class T5DenseGatedActDense implements FeedForward {
    final Tensor wi0;
    final Tensor wi1;
    final Tensor wo;
    private final String act;
    private final double dropout;
    private final String prefix;
    /** Null = plain T5; see {@link ModelHooks#afterLinear}. */
    ModelHooks hooks;
    private final InferenceLinear wi0Product;
    private final InferenceLinear wi1Product;
    private final InferenceLinear woProduct;
    /** wi_0 and wi_1 stacked: one pass over both in products without gradients. */
    private final InferenceLinear wiProduct;
    private final long dFf;

    T5DenseGatedActDense(Params p, String prefix, T5Config c) {
        double f = c.initializerFactor();
        wi0 = p.normal(prefix + ".wi_0.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wi1 = p.normal(prefix + ".wi_1.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wo = p.normal(prefix + ".wo.weight", f * Math.pow(c.dFf(), -0.5), c.dModel(), c.dFf());
        act = c.denseActFn();
        dropout = c.dropoutRate();
        this.prefix = prefix;
        wi0Product = new InferenceLinear(wi0);
        wi1Product = new InferenceLinear(wi1);
        woProduct = new InferenceLinear(wo);
        wiProduct = new InferenceLinear(wi0, wi1);
        dFf = c.dFf();
    }

    @Override
    public Tensor forward(Tensor x, boolean train) {
        Tensor h;
        if (hooks == null && !GradMode.is_enabled()) {
            Tensor both = wiProduct.apply(x);
            h = Activations.apply(act, both.narrow(-1, 0, dFf)).mul(both.narrow(-1, dFf, dFf));
        } else {
            h = Activations.apply(act, linear(x, wi0Product, "wi_0")).mul(linear(x, wi1Product, "wi_1"));
        }
        h = Activations.dropout(h, dropout, train);
        return linear(h, woProduct, "wo");
    }

    @Override
    public void freeInferenceCopies() {
        wi0Product.free();
        wi1Product.free();
        wiProduct.free();
        woProduct.free();
    }

    @Override
    public boolean hasInferenceCopies() {
        return wi0Product.hasCopies() || wi1Product.hasCopies() || wiProduct.hasCopies() || woProduct.hasCopies();
    }

    @Override
    public void setHooks(ModelHooks h) {
        hooks = h;
    }

    private Tensor linear(Tensor x, InferenceLinear w, String name) {
        return HookedLinear.apply(hooks, prefix + "." + name + ".weight", x, w);
    }
}
