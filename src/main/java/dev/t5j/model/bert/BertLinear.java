package dev.t5j.model.bert;

import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * An {@code nn.Linear} with bias under {@code <prefix>.weight} [out, in] / {@code <prefix>.bias}, HF BERT init (N(0,
 * range), bias 0).
 */
final class BertLinear {
    final Tensor weight;
    final Tensor bias;

    BertLinear(Params p, String prefix, int in, int out, BertConfig c) {
        weight = p.normal(prefix + ".weight", c.initializerRange(), out, in);
        bias = p.constant(prefix + ".bias", 0.0, out);
    }

    Tensor forward(Tensor x) {
        return torch.linear(x, weight, bias);
    }
}
