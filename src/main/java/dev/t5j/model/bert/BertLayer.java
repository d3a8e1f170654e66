package dev.t5j.model.bert;

import dev.t5j.model.Activations;
import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * HF {@code BertLayer}: attention, then {@code BertIntermediate} (dense + activation) and {@code BertOutput}
 * (dense, dropout, residual, post-LayerNorm).
 */
final class BertLayer {
    final BertAttention attention;
    final BertLinear intermediate;
    final BertLinear output;
    final BertLayerNorm outputLayerNorm;
    private final String act;
    private final double dropout;

    BertLayer(Params p, String prefix, BertConfig c) {
        attention = new BertAttention(p, prefix + ".attention", c);
        intermediate = new BertLinear(p, prefix + ".intermediate.dense", c.hiddenSize(), c.intermediateSize(), c);
        output = new BertLinear(p, prefix + ".output.dense", c.intermediateSize(), c.hiddenSize(), c);
        outputLayerNorm = new BertLayerNorm(p, prefix + ".output.LayerNorm", c);
        act = c.hiddenAct();
        dropout = c.hiddenDropoutProb();
    }

    Tensor forward(Tensor hidden, Tensor bias, boolean train) {
        Tensor a = attention.forward(hidden, bias, train);
        Tensor h = activation(intermediate.forward(a));
        Tensor out = Activations.dropout(output.forward(h), dropout, train);
        return outputLayerNorm.forward(out.add(a));
    }

    private Tensor activation(Tensor x) {
        return switch (act) {
            case "gelu" -> torch.gelu(x);              // exact erf form (HF "gelu")
            case "gelu_new" -> torch.gelu(x, "tanh");  // HF NewGELU
            case "relu" -> torch.relu(x);
            default -> throw new IllegalStateException(act); // BertConfig validates
        };
    }
}
