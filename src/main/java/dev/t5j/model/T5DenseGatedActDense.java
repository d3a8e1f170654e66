package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** T5 v1.1 gated feed-forward (GEGLU): {@code wo(dropout(act(wi_0(x)) * wi_1(x)))}, act = tanh-GELU for "gated-gelu". */
final class T5DenseGatedActDense implements FeedForward {
    final Tensor wi0;
    final Tensor wi1;
    final Tensor wo;
    private final String act;
    private final double dropout;

    T5DenseGatedActDense(Params p, String prefix, T5Config c) {
        double f = c.initializerFactor();
        wi0 = p.normal(prefix + ".wi_0.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wi1 = p.normal(prefix + ".wi_1.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wo = p.normal(prefix + ".wo.weight", f * Math.pow(c.dFf(), -0.5), c.dModel(), c.dFf());
        act = c.denseActFn();
        dropout = c.dropoutRate();
    }

    @Override
    public Tensor forward(Tensor x, boolean train) {
        Tensor gelu = Activations.apply(act, torch.linear(x, wi0));
        Tensor h = gelu.mul(torch.linear(x, wi1));
        h = torch.dropout(h, dropout, train);
        return torch.linear(h, wo);
    }
}
