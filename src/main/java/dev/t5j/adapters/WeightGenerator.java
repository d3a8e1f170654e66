package dev.t5j.adapters;

import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;

/**
 * HyperFormer's {@code AdapterHyperNet}/{@code AdapterLayersHyperNet}: from an embedding, a weight
 * {@code Linear(e, in·out)} viewed as {@code [in, out]} (the shape F.linear takes, mapping out → in) and a bias
 * {@code Linear(e, in)}. So the up-projection generator is built with (in, out) = (d, d/rf), the down one with (d/rf,
 * d).
 */
final class WeightGenerator {
    private final Nn.Linear weight;
    private final Nn.Linear bias;
    private final long in;
    private final long out;

    WeightGenerator(Params p, String prefix, int embedding, long in, long out) {
        this.in = in;
        this.out = out;
        weight = Nn.Linear.create(p, prefix + ".weight_generator.0", embedding, in * out, TaskHyperNet.STD);
        bias = Nn.Linear.create(p, prefix + ".bias_generator.0", embedding, in, TaskHyperNet.STD);
    }

    Tensor weight(Tensor e) {
        return weight.apply(e.view(-1)).view(in, out);
    }

    Tensor bias(Tensor e) {
        return bias.apply(e.view(-1)).view(-1);
    }
}
