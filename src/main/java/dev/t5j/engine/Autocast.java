package dev.t5j.engine;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A scope in which libtorch's CPU autocast runs matrix products ({@code linear}, {@code matmul}, {@code bmm}, ...) in
 * bf16 while parameters stay fp32: what {@code torch.autocast("cpu", dtype=torch.bfloat16)} does in Python, through
 * the same C++ switches ({@code at::autocast}). Open it around the forward and the loss only; backward runs outside,
 * and its gradients reach the fp32 parameters in fp32 (the cast's backward), as t5x's bf16 activations with fp32
 * parameters ({@code activation_dtype=bfloat16}, no loss scaling: bf16 has fp32's exponent range).
 *
 * <p>Autocast state is per thread, as in libtorch. Each fp32 weight is cast to bf16 once per scope (autocast's
 * weight cache), and the cache is dropped when the outermost scope closes, so the next forward sees the updated
 * weights. {@link ComputeDtype#FP32} opens a no-op scope.
 */
public final class Autocast implements AutoCloseable {
    private final boolean active;
    private final boolean wasEnabled;
    private final ScalarType previousDtype;

    private Autocast(ComputeDtype dtype) {
        Torch.init();
        active = dtype == ComputeDtype.BF16;
        if (active) {
            wasEnabled = torch.is_autocast_enabled(DeviceType.CPU);
            previousDtype = torch.get_autocast_dtype(DeviceType.CPU);
            torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
            torch.set_autocast_enabled(DeviceType.CPU, true);
            torch.increment_nesting();
        } else {
            wasEnabled = false;
            previousDtype = null;
        }
    }

    /** Opens a scope for {@code dtype} (already {@link ComputeDtype#resolve resolved} for this CPU). */
    public static Autocast open(ComputeDtype dtype) {
        return new Autocast(dtype);
    }

    /** Whether bf16 autocast is on for this thread now. */
    public static boolean enabled() {
        Torch.init();
        return torch.is_autocast_enabled(DeviceType.CPU);
    }

    @Override
    public void close() {
        if (!active) return;
        if (torch.decrement_nesting() == 0) torch.clear_cache();
        torch.set_autocast_enabled(DeviceType.CPU, wasEnabled);
        torch.set_autocast_dtype(DeviceType.CPU, previousDtype);
    }
}
