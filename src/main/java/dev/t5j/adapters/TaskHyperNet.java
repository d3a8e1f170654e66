package dev.t5j.adapters;

import dev.t5j.model.Params;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** ruse/HyperFormer's {@code TaskHyperNet}: {@code Linear(in, hidden) → ReLU → Linear(hidden, out)}, std 1e-2 init. */
final class TaskHyperNet {
    /** adapter_utils.linear_layer's default std, used by every hypernetwork layer. */
    static final double STD = 1e-2;
    private final Nn.Linear first;
    private final Nn.Linear second;

    TaskHyperNet(Params p, String prefix, int in, int hidden, int out) {
        first = Nn.Linear.create(p, prefix + ".task_embeding_generator.0", in, hidden, STD); // sic: ruse's spelling
        second = Nn.Linear.create(p, prefix + ".task_embeding_generator.2", hidden, out, STD);
    }

    Tensor forward(Tensor e) {
        return second.apply(torch.relu(first.apply(e.view(-1)))).view(-1);
    }
}
