package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** T5 v1.0 feed-forward: {@code wo(dropout(act(wi(x))))}, no biases. */
final class T5DenseActDense implements FeedForward {
    final Tensor wi;
    final Tensor wo;
    private final String act;
    private final double dropout;

    T5DenseActDense(Params p, String prefix, T5Config c) {
        double f = c.initializerFactor();
        wi = p.normal(prefix + ".wi.weight", f * Math.pow(c.dModel(), -0.5), c.dFf(), c.dModel());
        wo = p.normal(prefix + ".wo.weight", f * Math.pow(c.dFf(), -0.5), c.dModel(), c.dFf());
        act = c.denseActFn();
        dropout = c.dropoutRate();
    }

    @Override
    public Tensor forward(Tensor x, boolean train) {
        Tensor h = Activations.apply(act, torch.linear(x, wi));
        h = torch.dropout(h, dropout, train);
        return torch.linear(h, wo);
    }
}
