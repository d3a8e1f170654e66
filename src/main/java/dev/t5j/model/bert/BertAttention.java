package dev.t5j.model.bert;

import dev.t5j.model.Activations;
import dev.t5j.model.Params;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * HF {@code BertAttention} = {@code BertSelfAttention} (query/key/value with biases, scores scaled by 1/sqrt(head
 * dim), additive mask, softmax, attention dropout) + {@code BertSelfOutput} (dense, dropout, residual, post-LayerNorm).
 * The core is libtorch's {@code scaled_dot_product_attention}, as HF's "sdpa" attention for BERT.
 */
final class BertAttention {
    final BertLinear query;
    final BertLinear key;
    final BertLinear value;
    final BertLinear outputDense;
    final BertLayerNorm outputLayerNorm;
    private final int heads;
    private final int headDim;
    private final double attentionDropout;
    private final double hiddenDropout;

    BertAttention(Params p, String prefix, BertConfig c) {
        int d = c.hiddenSize();
        query = new BertLinear(p, prefix + ".self.query", d, d, c);
        key = new BertLinear(p, prefix + ".self.key", d, d, c);
        value = new BertLinear(p, prefix + ".self.value", d, d, c);
        outputDense = new BertLinear(p, prefix + ".output.dense", d, d, c);
        outputLayerNorm = new BertLayerNorm(p, prefix + ".output.LayerNorm", c);
        heads = c.numAttentionHeads();
        headDim = c.headDim();
        attentionDropout = c.attentionProbsDropoutProb();
        hiddenDropout = c.hiddenDropoutProb();
    }

    /** [B, T, d] → [B, h, T, head_dim]. */
    private Tensor split(Tensor x) {
        return x.view(x.size(0), x.size(1), heads, headDim).transpose(1, 2);
    }

    /**
     * @param hidden [B, T, d]
     * @param bias   additive key mask [B, 1, 1, T] (0 = attend, large negative = padding), or null
     */
    Tensor forward(Tensor hidden, Tensor bias, boolean train) {
        long b = hidden.size(0), t = hidden.size(1);
        Tensor q = split(query.forward(hidden));
        Tensor k = split(key.forward(hidden));
        Tensor v = split(value.forward(hidden));
        // dropout_p must be 0 outside training: sdpa applies it whenever it is positive.
        Tensor ctx = torch.scaled_dot_product_attention(q, k, v, bias == null ? new TensorOptional()
                : new TensorOptional(bias),
                train ? attentionDropout : 0.0, false, new DoubleOptional(), false);
        Tensor merged = ctx.transpose(1, 2).reshape(b, t, (long) heads * headDim);
        Tensor out = Activations.dropout(outputDense.forward(merged), hiddenDropout, train);
        return outputLayerNorm.forward(out.add(hidden));
    }
}
