package dev.t5j.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/** HF's ACT2FN names mapped to libtorch ops (public: adapters use the same names, as ruse's get_activation). */
public final class Activations {
    private Activations() {}

    /** The names {@link #apply} knows. */
    public static final List<String> NAMES = List.of("relu", "gelu_new", "gelu", "silu", "swish", "tanh");

    public static Tensor apply(String name, Tensor x) {
        return switch (name) {
            case "relu" -> torch.relu(x);
            case "gelu_new" -> torch.gelu(x, "tanh"); // 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))), as HF NewGELU
            case "gelu" -> torch.gelu(x);              // exact erf form
            case "silu", "swish" -> torch.silu(x); // HF maps "swish" to SiLU
            case "tanh" -> torch.tanh(x);
            default -> throw new IllegalArgumentException("unsupported activation " + name);
        };
    }
}
