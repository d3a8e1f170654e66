package dev.t5j.data.tasks;

import dev.t5j.synth.SyntheticTasks;
import dev.t5j.data.DataCatalog;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Path;
import java.util.List;

/** The catalog the CLI uses: built-in tasks, then task definition files (which may override built-ins). */
public final class DataCatalogs {
    private DataCatalogs() {}

    /** {@code --data-dir}, else {@code $T5J_DATA_DIR}, else {@code ./data}. */
    public static Path dataDir(Path flag) {
        if (flag != null) return flag;
        String env = System.getenv("T5J_DATA_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("data");
    }

    public static DataCatalog standard(Vocabulary vocab, Path dataDir, List<Path> taskFiles) {
        DataCatalog c = new DataCatalog();
        ClosedBookQa.register(c, vocab, dataDir);
        GlueTasks.register(c, vocab, dataDir);
        SyntheticTaskDefs.register(c, vocab, SyntheticTasks.Options.defaults(), 0);
        PreprocessorRegistry reg = PreprocessorRegistry.standard();
        for (Path f : taskFiles) TaskConfig.load(f, c, vocab, dataDir, reg);
        return c;
    }
}
