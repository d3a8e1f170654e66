package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** HF's ACT2FN names mapped to libtorch ops. */
final class Activations {
    private Activations() {}

    static Tensor apply(String name, Tensor x) {
        return switch (name) {
            case "relu" -> torch.relu(x);
            case "gelu_new" -> torch.gelu(x, "tanh"); // 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))), as HF NewGELU
            case "gelu" -> torch.gelu(x);              // exact erf form
            case "silu" -> torch.silu(x);
            default -> throw new IllegalArgumentException("unsupported activation " + name);
        };
    }
}
