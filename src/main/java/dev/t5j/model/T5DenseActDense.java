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
    private final DecodeLinear stepWi;
    private final DecodeLinear stepWo;

    T5DenseActDense(Params p, String prefix, T5Config c) {
        double f = c.initializerFactor();
        wi = p.normal(prefix + ".wi.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wo = p.normal(prefix + ".wo.weight", f * Math.pow(c.dFf(), -0.5), c.dModel(), c.dFf());
        act = c.denseActFn();
        dropout = c.dropoutRate();
        this.prefix = prefix;
        stepWi = new DecodeLinear(wi);
        stepWo = new DecodeLinear(wo);
    }

    @Override
    public Tensor forward(Tensor x, boolean train, boolean step) {
        Tensor h = Activations.apply(act, step ? stepLinear(x, stepWi, "wi") : linear(x, wi, "wi"));
        h = Activations.dropout(h, dropout, train);
        return step ? stepLinear(h, stepWo, "wo") : linear(h, wo, "wo");
    }

    @Override
    public void freeDecodeCopies() {
        stepWi.free();
        stepWo.free();
    }

    @Override
    public boolean hasDecodeCopies() {
        return stepWi.hasCopies() || stepWo.hasCopies();
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
