package dev.t5j.adapters;

import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** The few torch.nn pieces adapters are built from, with ruse's initialisation (adapter_utils.linear_layer). */
final class Nn {
    /** nn.LayerNorm's default epsilon (adapter layer norms, F.layer_norm). */
    static final double LN_EPS = 1e-5;
    /** HyperFormer's LayerNorm after the task hypernetwork ({@code layer_norm_epsilon = 1e-6}). */
    static final double HYPER_LN_EPS = 1e-6;

    private Nn() {}

    /** {@code nn.Linear(in, out)} under {@code prefix.weight} [out, in] ~ N(0, std²) and {@code prefix.bias} = 0. */
    record Linear(Tensor weight, Tensor bias) {
        static Linear create(Params p, String prefix, long in, long out, double std) {
            return new Linear(p.normal(prefix + ".weight", std, out, in), p.constant(prefix + ".bias", 0.0, out));
        }

        Tensor apply(Tensor x) {
            return torch.linear(x, weight, new TensorOptional(bias));
        }
    }

    /** {@code nn.LayerNorm(d)}: weight 1, bias 0. */
    record LayerNorm(Tensor weight, Tensor bias, double eps) {
        static LayerNorm create(Params p, String prefix, long d, double eps) {
            return new LayerNorm(p.constant(prefix + ".weight", 1.0, d), p.constant(prefix + ".bias", 0.0, d), eps);
        }

        Tensor apply(Tensor x) {
            return layerNorm(x, weight, bias, eps);
        }
    }

    /** {@code F.layer_norm(x, (d,), weight, bias, eps)}. */
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return torch.layer_norm(x, new long[]{x.size(-1)}, new TensorOptional(weight), new TensorOptional(bias), eps,
                true);
    }

    /** {@code F.linear(x, weight, bias)}. */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return torch.linear(x, weight, new TensorOptional(bias));
    }
}
