package dev.t5j.engine;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;

/** Run in a fresh JVM by {@link TorchTest}: brings torch up through {@link Torch} and does one matmul. */
public final class TorchSmokeMain {
    public static void main(String[] args) {
        Torch.init(1);
        Tensor a = Tensors.floats(new float[]{1, 2, 3, 4}, 2, 2);
        float[] r = Tensors.toFloats(a.matmul(a));
        System.out.println("result " + r[0] + " " + r[1] + " " + r[2] + " " + r[3] + " threads " + Torch.threads()
                + " maxPhysicalBytes " + Pointer.maxPhysicalBytes());
    }
}
