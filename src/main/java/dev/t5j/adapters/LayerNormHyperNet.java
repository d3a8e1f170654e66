package dev.t5j.adapters;

import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;

/** ruse/HyperFormer's {@code LayerNormHyperNet}: layer-norm weight and bias, each {@code Linear(e, d)} of the
* embedding. */
final class LayerNormHyperNet {
    private final Nn.Linear weight;
    private final Nn.Linear bias;

    LayerNormHyperNet(Params p, String prefix, int embedding, int d) {
        weight = Nn.Linear.create(p, prefix + ".weight_generator", embedding, d, TaskHyperNet.STD);
        bias = Nn.Linear.create(p, prefix + ".bias_generator", embedding, d, TaskHyperNet.STD);
    }

    Tensor weight(Tensor e) {
        return weight.apply(e);
    }

    Tensor bias(Tensor e) {
        return bias.apply(e);
    }
}
