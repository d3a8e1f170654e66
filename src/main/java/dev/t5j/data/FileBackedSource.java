package dev.t5j.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A {@link DataSource} whose splits are file patterns ({@link FileSplits}): splits, checks and files come from them.
 */
public interface FileBackedSource extends DataSource {
    FileSplits fileSplits();

    @Override
    default List<String> splits() {
        return fileSplits().splits();
    }

    /** An unknown split, or a split whose patterns match no file, is an error before any reading starts. */
    @Override
    default void check(String split) {
        DataSource.super.check(split);
        fileSplits().resolve(split);
    }

    @Override
    default List<Path> files(String split) {
        return fileSplits().resolve(split);
    }
}
