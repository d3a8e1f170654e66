package dev.t5j.adapters;

import dev.t5j.engine.Tensors;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Task embeddings computed as in ruse's {@code compute_task_embeddings.py} (reference B.2): the T5 encoder's sentence
 * embedding (mean of the last hidden states over the real tokens) averaged over N training examples of the task,
 * saved as {@code {task}.npy} for {@code task_embedding_dir} (whose {@code task_embedding_dim} is then d_model).
 */
public final class TaskEmbeddings {
    private TaskEmbeddings() {}

    /** The mean sentence embedding [d_model] of {@code inputs} (token ids, unpadded), encoded in batches. */
    public static float[] compute(T5ForConditionalGeneration model, List<int[]> inputs, int batchSize) {
        int d = model.config().dModel();
        double[] sum = new double[d];
        boolean was = model.isTraining();
        model.train(false);
        try {
            for (int s = 0; s < inputs.size(); s += batchSize) {
                int[][] batch = inputs.subList(s, Math.min(inputs.size(), s + batchSize)).toArray(new int[0][]);
                try (PointerScope ps = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    Tensor ids = Tensors.longs(batch, 0);
                    Tensor mask = Tensors.lengthMask(batch);
                    Tensor hidden = model.encode(ids, mask);
                    Tensor m = mask.to(hidden.scalar_type()).unsqueeze(2);
                    Tensor mean = hidden.mul(m).sum(new long[]{1}, false, new ScalarTypeOptional())
                            .div(m.sum(new long[]{1}, false, new ScalarTypeOptional()));
                    float[] v = Tensors.toFloats(mean);
                    for (int i = 0; i < v.length; i++) sum[i % d] += v[i];
                }
            }
        } finally {
            model.train(was);
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = (float) (sum[i] / inputs.size());
        return out;
    }

    /** Writes {@code dir/{task}.npy} (float32, one dimension), the file {@code task_embedding_dir} reads. */
    public static Path write(Path dir, String task, float[] embedding) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(task + ".npy");
        Npy.writeFloats(f, embedding);
        return f;
    }
}
