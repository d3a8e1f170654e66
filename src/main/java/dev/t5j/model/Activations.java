package dev.t5j.model;

import dev.t5j.engine.Dropout;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/** HF's ACT2FN names mapped to libtorch ops (public: adapters use the same names, as ruse's get_activation). */
public final class Activations {
    private Activations() {}

    /** The names {@link #apply} knows. */
    public static final List<String> NAMES = List.of("relu", "gelu_new", "gelu", "silu", "swish", "tanh");

    /**
     * {@code torch.dropout} as HF's {@code nn.Dropout}: outside training the input itself, without the libtorch
     * call (which returns its input then too, at ~2 µs through the binding; a decoding step made ~26 of them). In
     * training {@link Dropout}: the same op, its mask drawn 3x faster than libtorch's CPU {@code bernoulli_}.
     */
    public static Tensor dropout(Tensor x, double p, boolean train) {
        return train ? Dropout.apply(x, p) : x;
    }

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
