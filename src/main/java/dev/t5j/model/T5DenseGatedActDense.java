package dev.t5j.model;

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
    private final DecodeLinear stepWi0;
    private final DecodeLinear stepWi1;
    private final DecodeLinear stepWo;

    T5DenseGatedActDense(Params p, String prefix, T5Config c) {
        double f = c.initializerFactor();
        wi0 = p.normal(prefix + ".wi_0.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wi1 = p.normal(prefix + ".wi_1.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wo = p.normal(prefix + ".wo.weight", f * Math.pow(c.dFf(), -0.5), c.dModel(), c.dFf());
        act = c.denseActFn();
        dropout = c.dropoutRate();
        this.prefix = prefix;
        stepWi0 = new DecodeLinear(wi0);
        stepWi1 = new DecodeLinear(wi1);
        stepWo = new DecodeLinear(wo);
    }

    @Override
    public Tensor forward(Tensor x, boolean train, boolean step) {
        Tensor gelu = Activations.apply(act, step ? stepLinear(x, stepWi0, "wi_0") : linear(x, wi0, "wi_0"));
        Tensor h = gelu.mul(step ? stepLinear(x, stepWi1, "wi_1") : linear(x, wi1, "wi_1"));
        h = Activations.dropout(h, dropout, train);
        return step ? stepLinear(h, stepWo, "wo") : linear(h, wo, "wo");
    }

    @Override
    public void freeDecodeCopies() {
        stepWi0.free();
        stepWi1.free();
        stepWo.free();
    }

    @Override
    public boolean hasDecodeCopies() {
        return stepWi0.hasCopies() || stepWi1.hasCopies() || stepWo.hasCopies();
    }

    @Override
    public void setHooks(ModelHooks h) {
        hooks = h;
    }

    private Tensor linear(Tensor x, Tensor w, String name) {
        return HookedLinear.apply(hooks, prefix + "." + name + ".weight", x, w);
    }

    private Tensor stepLinear(Tensor x, DecodeLinear w, String name) {
        return HookedLinear.apply(hooks, prefix + "." + name + ".weight", x, w);
    }
}
