package dev.t5j.model.bert;

import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * BERT's LayerNorm (mean-centred, with bias; eps 1e-12), parameters {@code <prefix>.weight} = 1 and {@code .bias} = 0.
 */
final class BertLayerNorm {
    final Tensor weight;
    final Tensor bias;
    private final double eps;
    private final long[] shape;

    BertLayerNorm(Params p, String prefix, BertConfig c) {
        weight = p.constant(prefix + ".weight", 1.0, c.hiddenSize());
        bias = p.constant(prefix + ".bias", 0.0, c.hiddenSize());
        eps = c.layerNormEps();
        shape = new long[]{c.hiddenSize()};
    }

    Tensor forward(Tensor x) {
        return torch.layer_norm(x, shape, new TensorOptional(weight), new TensorOptional(bias), eps, true);
    }
}
