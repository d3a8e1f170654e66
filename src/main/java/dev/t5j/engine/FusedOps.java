package dev.t5j.engine;

import java.util.Collections;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;

import java.util.List;

/**
 * libtorch's fused multi-tensor kernels that the JavaCPP presets do not map as functions, called through the
 * dispatcher with a boxed argument stack (the way TorchScript calls any registered op).
 *
 * <p>{@code aten::_fused_adamw_} is what {@code torch.optim.AdamW(fused=True)} runs: one vectorised, multi-threaded
 * pass per tensor that reads parameter, gradient and both moments once and writes them once, with no temporaries.
 * The unfused update (≈ 12 whole-tensor passes and four parameter-sized temporaries) spent 22% of a t5-small step
 * (the profile in issue 13).
 */
public final class FusedOps {
    private static volatile OperatorHandle adamw;

    private FusedOps() {}

    /**
     * One decoupled-weight-decay Adam update of every tensor in {@code params} (in place, as PyTorch's fused AdamW):
     * {@code p *= 1 - lr·wd; m = lerp(m, g, 1-β1); v = β2·v + (1-β2)·g²; p -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε)}.
     * All lists have equal length and matching shapes; every tensor is float32 on one device.
     *
     * @param step a 1-element float tensor holding t (the update count including this one), shared by all params
     */
    public static void adamw(List<Tensor> params, List<Tensor> grads, List<Tensor> expAvgs, List<Tensor> expAvgSqs,
            Tensor step, double lr, double beta1, double beta2, double weightDecay, double eps) {
        if (params.isEmpty()) return;
        try (PointerScope s = new PointerScope()) {
            IValueVector stack = new IValueVector();
            stack.push_back(tensorList(params));
            stack.push_back(tensorList(grads));
            stack.push_back(tensorList(expAvgs));
            stack.push_back(tensorList(expAvgSqs));
            stack.push_back(tensorList(List.of())); // max_exp_avg_sqs: amsgrad off
            stack.push_back(tensorList(Collections.nCopies(params.size(), step)));
            stack.push_back(new IValue(lr));
            stack.push_back(new IValue(beta1));
            stack.push_back(new IValue(beta2));
            stack.push_back(new IValue(weightDecay));
            stack.push_back(new IValue(eps));
            stack.push_back(new IValue(false)); // amsgrad
            stack.push_back(new IValue(false)); // maximize
            stack.push_back(new IValue()); // grad_scale
            stack.push_back(new IValue()); // found_inf
            adamwOp().callBoxed(stack);
        }
    }

    private static OperatorHandle adamwOp() {
        if (adamw == null) {
            synchronized (FusedOps.class) {
                if (adamw == null) {
                    Torch.init();
                    adamw = Tensors.keepPointer(Dispatcher.singleton().findSchemaOrThrow("aten::_fused_adamw_", ""));
                }
            }
        }
        return adamw;
    }

    /** A boxed {@code Tensor[]}: a generic list whose element type is Tensor (TensorType is a process singleton). */
    private static IValue tensorList(List<Tensor> tensors) {
        GenericList l = new GenericList(new Type.TypePtr(new SingletonTypePtr(TensorType.get())));
        l.reserve(tensors.size());
        for (Tensor t : tensors) l.push_back(new IValue(t));
        return new IValue(l);
    }
}
