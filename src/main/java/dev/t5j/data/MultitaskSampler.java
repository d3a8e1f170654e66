package dev.t5j.data;

import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/**
 * ruse/HyperFormer's {@code MultiTaskBatchSampler} (data/multitask_sampler.py, reference B.4): each batch draws ONE
 * task with probability ∝ (n_i / Σn)^(1/T), then {@code batchSize} examples uniformly with replacement from that task's
 * shard of this process. Everything is drawn from libtorch's CPU generator seeded with {@code seed + epoch}, in their
 * order (a permutation per task, then the task of every batch, then each batch's indices), so every process of a
 * multi-process run draws the same task for the same batch, and the draws equal HyperFormer's.
 */
public final class MultitaskSampler {
    /** One batch: the task (index into the sizes) and the example indices within that task. */
    public record TaskBatch(int task, long[] indices) {}

    private final long[] sizes;
    private final int batchSize;
    private final double temperature;
    private final int replicas;
    private final int rank;
    private final long seed;

    /**
     * @param sizes       examples per task
     * @param temperature T (HyperFormer configs: 10; 1 = proportional to size; large = uniform)
     * @param replicas    processes of the run; {@code rank} is this one's
     */
    public MultitaskSampler(long[] sizes, int batchSize, double temperature, int replicas, int rank, long seed) {
        if (sizes.length == 0) throw new IllegalArgumentException("no tasks");
        for (long n : sizes) if (n / replicas < 1) throw new IllegalArgumentException(
                "a task has fewer examples than processes");
        if (batchSize < 1 || !(temperature > 0) || replicas < 1 || rank < 0 || rank >= replicas)
            throw new IllegalArgumentException("batch size >= 1, temperature > 0, 0 <= rank < replicas");
        this.sizes = sizes.clone();
        this.batchSize = batchSize;
        this.temperature = temperature;
        this.replicas = replicas;
        this.rank = rank;
        this.seed = seed;
    }

    /** The task probabilities: (n_i / Σn)^(1/T), normalised. */
    public double[] weights() {
        double total = 0;
        for (long n : sizes) total += n;
        double[] w = new double[sizes.length];
        double sum = 0;
        for (int i = 0; i < w.length; i++) sum += w[i] = Math.pow(sizes[i] / total, 1.0 / temperature);
        for (int i = 0; i < w.length; i++) w[i] /= sum;
        return w;
    }

    /** Batches per epoch and process: ceil(Σn / batch) / replicas, as HyperFormer. */
    public int batchesPerEpoch() {
        long total = 0;
        for (long n : sizes) total += n;
        return (int) ((total + batchSize - 1) / batchSize / replicas);
    }

    /** The batches of {@code epoch} for this process. */
    public List<TaskBatch> epoch(int epoch) {
        Torch.init();
        List<TaskBatch> out = new ArrayList<>();
        try (PointerScope s = new PointerScope()) {
            Generator g = torch.createCPUGenerator(seed + epoch);
            List<long[]> rankIndices = new ArrayList<>();
            for (long n : sizes) {
                long[] perm = Tensors.toLongs(torch.randperm(n, new GeneratorOptional(g)));
                long total = n / replicas * replicas;
                long[] mine = new long[(int) (n / replicas)];
                for (int i = 0, j = rank; j < total; i++, j += replicas) mine[i] = perm[j];
                rankIndices.add(mine);
            }
            double[] w = weights();
            Tensor dist = torch.empty(new long[]{w.length}, new TensorOptions(ScalarType.Double),
                    new MemoryFormatOptional());
            dist.data_ptr_double().put(w); // float64 on the CPU, as HyperFormer's torch.as_tensor(w, dtype=double)
            long[] tasks = Tensors.toLongs(torch.multinomial(dist, batchesPerEpoch(), true, new GeneratorOptional(g)));
            for (long t : tasks) {
                long[] mine = rankIndices.get((int) t);
                long[] pick = Tensors.toLongs(torch.randint(0, mine.length, new long[]{batchSize},
                        new GeneratorOptional(g),
                        new TensorOptions(ScalarType.Long)));
                long[] idx = new long[batchSize];
                for (int i = 0; i < batchSize; i++) idx[i] = mine[(int) pick[i]];
                out.add(new TaskBatch((int) t, idx));
            }
        }
        return out;
    }
}
