package dev.t5j.data.tasks;

import java.util.List;

/**
 * Where a command's tasks come from: the vocabulary, the data directory of the built-in tasks, task definition files
 * and the synthetic tasks' settings. A run config's {@code data} section and the CLI's data options both reduce to
 * one; {@link DataSetup#of} turns it into a catalog and a vocabulary.
 *
 * @param vocab       vocabulary file (.model, tokenizer.json, vocab.txt) or "byte"; null = the byte vocabulary
 * @param dataDir     data directory of the built-in tasks; null = {@code $T5J_DATA_DIR}, else {@code ./data}
 * @param taskFiles   JSON/YAML task definition files, loaded after the built-ins (a file may replace one)
 * @param synthLength synthetic tasks: [min, max] input length; null = the paper's [10, 220]
 * @param synthPool   synthetic tasks: number of distinct content tokens; null = the whole pool
 */
public record DataSpec(String vocab, String dataDir, List<String> taskFiles, List<Integer> synthLength,
                       Integer synthPool) {
    public DataSpec {
        taskFiles = taskFiles == null ? List.of() : List.copyOf(taskFiles);
        synthLength = synthLength == null ? null : List.copyOf(synthLength);
    }

    /** The built-in tasks with the byte vocabulary and default synthetic settings. */
    public static DataSpec defaults() {
        return new DataSpec(null, null, List.of(), null, null);
    }
}
