package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.data.BadLines;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.tasks.DataCatalogs;
import dev.t5j.data.DataVocabularies;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.ReadOptions;
import dev.t5j.tokenizer.Vocabulary;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options shared by the {@code t5j data} subcommands: what to read and how. */
public final class DataOptions {
    @Option(names = "--task", description = "task name")
    String task;

    @Option(names = "--mixture", description = "mixture name")
    String mixture;

    @Option(names = "--split", defaultValue = "train", description = "split (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--vocab", description = "vocabulary: 'byte' (default, built-in byte-level) or a vocabulary file")
    String vocab;

    @Option(names = "--data-dir", description = "data directory for built-in tasks (default: $T5J_DATA_DIR, else ./data)")
    Path dataDir;

    @Option(names = "--tasks-file", description = "JSON/YAML file defining tasks and mixtures (repeatable)")
    List<Path> taskFiles = new ArrayList<>();

    @Option(names = "--skip-bad-lines", description = "skip malformed input lines (counted and reported) instead of stopping")
    boolean skipBadLines;

    @Option(names = "--allow-missing", description = "use the members of a mixture whose data is on disk, naming the "
            + "missing ones (default: a mixture with missing members is an error that lists them)")
    boolean allowMissing;

    @Option(names = "--seed", defaultValue = "0", description = "seed for stochastic preprocessors and sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--inputs-length", description = "sequence length of inputs (needed by span_corruption etc.)")
    Integer inputsLength;

    @Option(names = "--targets-length", description = "sequence length of targets")
    Integer targetsLength;

    private Vocabulary resolvedVocab;
    private DataCatalog catalog;
    private BadLines bad;

    BadLines badLines() {
        if (bad == null) bad = new BadLines(skipBadLines);
        return bad;
    }

    Vocabulary vocabulary() {
        if (resolvedVocab == null) resolvedVocab = DataVocabularies.resolve(vocab);
        return resolvedVocab;
    }

    DataCatalog catalog() {
        if (catalog == null) catalog = DataCatalogs.standard(vocabulary(), DataCatalogs.dataDir(dataDir), taskFiles);
        return catalog;
    }

    String name() {
        if ((task == null) == (mixture == null)) throw new UserError("give exactly one of --task NAME or --mixture NAME");
        return task != null ? task : mixture;
    }

    DatasetProvider provider() {
        return task != null ? catalog().task(name()) : catalog().mixture(name());
    }

    Map<String, Integer> sequenceLengths() {
        if (inputsLength == null && targetsLength == null) return null;
        Map<String, Integer> m = new LinkedHashMap<>();
        if (inputsLength != null) m.put("inputs", inputsLength);
        if (targetsLength != null) m.put("targets", targetsLength);
        return m;
    }

    ReadOptions readOptions() {
        return ReadOptions.split(split).withSeed(seed).withBadLines(badLines()).withSequenceLengths(sequenceLengths());
    }

    /** Prints the skipped-lines summary (if any) to stderr. */
    void reportBadLines(java.io.PrintWriter err) {
        String s = badLines().summary();
        if (s != null) err.println("t5j: " + s);
        err.flush();
    }
}
