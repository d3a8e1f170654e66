package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.tasks.DataSetup;
import dev.t5j.data.tasks.DataSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * THE data-selection options of the CLI (data commands, eval, predict): which task or mixture, and the
 * {@link DataSpec} its catalog is built from (the keys of a run config's {@code data} section).
 */
public final class DataOptions {
    @Option(names = "--task", description = "task (or mixture) name; see t5j data list")
    String task;

    @Option(names = "--mixture", description = "mixture name")
    String mixture;

    @Option(names = "--vocab", description = "vocabulary: 'byte' (default, built-in byte-level) or a vocabulary file"
            + " (.model, tokenizer.json, vocab.txt)")
    String vocab;

    @Option(names = "--data-dir",
            description = "data directory for built-in tasks (default: $T5J_DATA_DIR, else ./data)")
    Path dataDir;

    @Option(names = "--tasks-file", description = "JSON/YAML file defining tasks and mixtures (repeatable)")
    List<Path> taskFiles = new ArrayList<>();

    @Option(names = "--allow-missing", description = "use the members of a mixture whose data is on disk, naming the "
            + "missing ones (default: a mixture with missing members is an error that lists them)")
    boolean allowMissing;

    @Option(names = "--inputs-length", description = "sequence length of inputs (data commands: none, keep whole"
            + " examples; eval/predict: 512)")
    Integer inputsLength;

    @Option(names = "--targets-length",
            description = "sequence length of targets (data commands: none; eval/predict: 128)")
    Integer targetsLength;

    @Option(names = "--synth-length", split = ",", description = "synthetic tasks: min,max input length")
    List<Integer> synthLength;

    @Option(names = "--synth-pool", description = "synthetic tasks: number of content tokens")
    Integer synthPool;

    private DataSetup setup;

    DataSpec spec() {
        return new DataSpec(vocab, dataDir == null ? null : dataDir.toString(),
                taskFiles.stream().map(Path::toString).toList(), synthLength, synthPool);
    }

    DataSetup setup() {
        if (setup == null) setup = DataSetup.of(spec());
        return setup;
    }

    DataCatalog catalog() {
        return setup().catalog();
    }

    boolean selected() {
        return task != null || mixture != null;
    }

    String name() {
        if ((task == null) == (mixture == null))
            throw new UserError("give exactly one of --task NAME or --mixture NAME");
        return task != null ? task : mixture;
    }

    DatasetProvider provider() {
        return task != null ? setup().provider("--task", name()) : catalog().mixture(name());
    }

    /** The sequence lengths given, or null (data commands then keep whole examples). */
    Map<String, Integer> sequenceLengths() {
        if (inputsLength == null && targetsLength == null) return null;
        Map<String, Integer> m = new LinkedHashMap<>();
        if (inputsLength != null) m.put("inputs", inputsLength);
        if (targetsLength != null) m.put("targets", targetsLength);
        return m;
    }

    int inputsLength(int otherwise) {
        return inputsLength != null ? inputsLength : otherwise;
    }

    int targetsLength(int otherwise) {
        return targetsLength != null ? targetsLength : otherwise;
    }
}
