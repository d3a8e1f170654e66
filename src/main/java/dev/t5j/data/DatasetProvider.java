package dev.t5j.data;

import java.util.List;

/** A task or a mixture: something that can be read by name (seqio's get_mixture_or_task). */
public sealed interface DatasetProvider permits Task, Mixture {
    String name();

    ExampleIterator open(ReadOptions options, DataCatalog catalog);

    /** The tasks this provider reads, with normalized rates (a task alone: itself at rate 1). */
    List<Mixture.WeightedTask> weightedTasks(DataCatalog catalog, ReadOptions options);

    /** Checks everything that can be checked before work starts (files exist, splits exist, rates valid). */
    void check(DataCatalog catalog, ReadOptions options);
}
