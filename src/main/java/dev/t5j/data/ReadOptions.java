package dev.t5j.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to read a task or mixture (seqio's get_dataset arguments): split, sequence lengths (null: keep whole
 * examples), shuffle and seed, shard, number of epochs (0 = repeat forever), examples to skip (exact resume: the
 * stream after skipping {@code k} equals the original stream minus its first {@code k}), bad-line policy, and an
 * optional cache directory to read preprocessed examples from.
 */
public record ReadOptions(String split, Map<String, Integer> sequenceLengths, boolean shuffle, long seed, Shard shard,
                          int numEpochs, long skip, BadLines badLines, int shuffleBufferSize, Path cacheDir,
                                  boolean trim) {
    public static final int DEFAULT_SHUFFLE_BUFFER = 1000; // seqio SHUFFLE_BUFFER_SIZE

    public static ReadOptions split(String split) {
        return new ReadOptions(split, null, false, 0, Shard.ALL, 1, 0, BadLines.stop(), DEFAULT_SHUFFLE_BUFFER, null,
                true);
    }

    public ReadOptions withSequenceLengths(Map<String, Integer> l) {
        return new ReadOptions(split, l == null
                ? null : Map.copyOf(l), shuffle, seed, shard, numEpochs, skip, badLines, shuffleBufferSize, cacheDir,
                trim);
    }

    public ReadOptions withShuffle(boolean s, long seed) {
        return new ReadOptions(split, sequenceLengths, s, seed, shard, numEpochs, skip, badLines, shuffleBufferSize,
                cacheDir, trim);
    }

    public ReadOptions withSeed(long seed) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, shard, numEpochs, skip, badLines,
                shuffleBufferSize, cacheDir, trim);
    }

    public ReadOptions withShard(Shard s) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, s, numEpochs, skip, badLines, shuffleBufferSize,
                cacheDir, trim);
    }

    public ReadOptions withEpochs(int n) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, shard, n, skip, badLines, shuffleBufferSize,
                cacheDir, trim);
    }

    public ReadOptions withSkip(long k) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, shard, numEpochs, k, badLines,
                shuffleBufferSize, cacheDir, trim);
    }

    public ReadOptions withBadLines(BadLines b) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, shard, numEpochs, skip, b, shuffleBufferSize,
                cacheDir, trim);
    }

    public ReadOptions withShuffleBuffer(int n) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, shard, numEpochs, skip, badLines, n, cacheDir,
                trim);
    }

    public ReadOptions withCacheDir(Path dir) {
        return new ReadOptions(split, sequenceLengths, shuffle, seed, shard, numEpochs, skip, badLines,
                shuffleBufferSize, dir, trim);
    }

}
