package dev.t5j.adapters;

import dev.t5j.model.Activations;
import org.bytedeco.pytorch.Tensor;

/**
 * Generated weights of one adapter, applied as HyperFormer's {@code MetaLayersAdapterController}: {@code z = preLN?(x);
 * out = F.linear(act(F.linear(z, downW, downB)), upW, upB); out = postLN?(out); return out + x}. Layer norms are
 * {@code F.layer_norm} with generated weight and bias; a null pair skips that norm.
 */
record AdapterWeights(Tensor downW, Tensor downB, Tensor upW, Tensor upB,
                      Tensor preW, Tensor preB, Tensor postW, Tensor postB) {

    Tensor apply(String activation, Tensor x) {
        Tensor z = preW == null ? x : Nn.layerNorm(x, preW, preB, Nn.LN_EPS);
        Tensor out = Nn.linear(Activations.apply(activation, Nn.linear(z, downW, downB)), upW, upB);
        if (postW != null) out = Nn.layerNorm(out, postW, postB, Nn.LN_EPS);
        return out.add(x);
    }
}
