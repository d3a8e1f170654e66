package dev.t5j.data;

import dev.t5j.common.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where a task's raw examples come from (seqio's DataSource). Reading is deterministic: the same split and shard give
 * the same examples in the same order every time, which is what makes shuffling, sharding and exact resume work.
 */
public interface DataSource {
    List<String> splits();

    /** Opens one split for one shard. Bad lines go through {@code badLines} (stop or skip-and-count). */
    ExampleIterator open(String split, Shard shard, BadLines badLines);

    /** Fails with a clear {@link UserError} before any work if the split cannot be read. */
    default void check(String split) {
        if (!splits().contains(split))
            throw new UserError("no split '" + split + "' in " + describe() + " (splits: " + String.join(", ", splits())
                    + ")");
    }

    /** Number of examples in a split when known cheaply (counting lines counts as cheap). */
    default OptionalLong numExamples(String split) {
        return OptionalLong.empty();
    }

    /** Files behind a split (empty for in-memory and generated sources); used in messages and cache info. */
    default List<Path> files(String split) {
        return List.of();
    }

    String describe();
}
