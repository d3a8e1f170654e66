package dev.t5j.adapters;

import dev.t5j.common.UserError;
import dev.t5j.model.Params;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import dev.t5j.engine.Tensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Task embeddings as HyperFormer's {@code TaskEmbeddingController} (reference B.2): one {@code randn(dim)} parameter
 * per
 * task, trained; optionally projected by a {@link TaskHyperNet} ({@code train_task_embeddings}). With
 * {@code task_embedding_dir} they start from ruse's computed embeddings ({@code {task}.npy}) and stay fixed.
 */
final class TaskEmbeddingController {
    static final String PREFIX = "task_embedding_controller";
    final Map<String, Tensor> embeddings = new LinkedHashMap<>();
    final TaskHyperNet projection;
    final boolean computed;

    TaskEmbeddingController(Params p, AdapterConfig c) {
        computed = c.taskEmbeddingDir() != null;
        for (String t : c.adapterNames()) {
            String name = PREFIX + ".task_to_embeddings." + t;
            Tensor e = p.normal(name, 1.0, c.taskEmbeddingDim()); // torch.randn
            if (computed) {
                Path f = Path.of(c.taskEmbeddingDir()).resolve(t + ".npy");
                if (!Files.isRegularFile(f)) throw new UserError(f + ": no task embedding for task '" + t
                        + "' (adapters.task_embedding_dir)");
                float[] v = Npy.readFloats(f);
                if (v.length != c.taskEmbeddingDim())
                    throw new UserError(f + ": task embedding has " + v.length
                            + " values but adapters.task_embedding_dim is " + c.taskEmbeddingDim());
                try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    e.copy_(Tensors.floats(v, v.length));
                }
            }
            embeddings.put(name, e);
        }
        projection = c.trainTaskEmbeddings()
                ? new TaskHyperNet(p, PREFIX + ".task_hyper_net", c.taskEmbeddingDim(), c.taskHiddenDim(),
                        c.projectedTaskEmbeddingDim())
                : null;
    }

    /** The embedding the hypernetworks see for {@code task}. */
    Tensor forward(String task) {
        Tensor e = embeddings.get(PREFIX + ".task_to_embeddings." + task);
        return projection == null ? e : projection.forward(e);
    }

    /** The fixed (computed) embeddings, excluded from training. */
    Map<String, Tensor> frozen() {
        return computed ? embeddings : Map.of();
    }

    /** The embedding size the hypernetworks are fed (projected when trained through the TaskHyperNet). */
    static int outputDim(AdapterConfig c) {
        return c.trainTaskEmbeddings() ? c.projectedTaskEmbeddingDim() : c.taskEmbeddingDim();
    }
}
