package dev.t5j.data;

import java.util.List;

/**
 * A task or a mixture: something that can be read by name (seqio's get_mixture_or_task). A mixture holds its member
 * providers themselves (resolved when it is registered), so reading needs no registry.
 */
public sealed interface DatasetProvider permits Task, Mixture {
    String name();

    ExampleIterator open(ReadOptions options);

    /** The tasks this provider reads, with normalized rates (a task alone: itself at rate 1). */
    List<Mixture.WeightedTask> weightedTasks(ReadOptions options);

    /** Checks everything that can be checked before work starts (files exist, splits exist, rates valid). */
    void check(ReadOptions options);

    /**
     * Number of training examples used by {@link Rate#numExamples}: the cache's stats when cached, else the source's
     * count of split "train" (seqio falls back the same way); a mixture sums its members.
     */
    long numTrainExamples(ReadOptions options);
}
