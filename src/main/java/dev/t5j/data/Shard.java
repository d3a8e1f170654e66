package dev.t5j.data;

import dev.t5j.common.UserError;

/**
 * Worker {@code index} of {@code count}: it reads examples whose position (in the split's deterministic order)
 * is congruent to {@code index} modulo {@code count}, so {@code count} processes read disjoint parts whose union is
 * the whole split. Round-robin like Atlas's passage loader; works for any number of files.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count)
            throw new UserError("invalid shard " + index + " of " + count + " (need 0 <= index < count)");
    }

    public boolean owns(long position) {
        return count == 1 || position % count == index;
    }

    /** Shard {@code index} of {@code count} applied inside this shard (for threads inside one worker). */
    public Shard sub(int subIndex, int subCount) {
        return new Shard(index + subIndex * count, count * subCount);
    }
}
