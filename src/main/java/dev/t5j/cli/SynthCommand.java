package dev.t5j.cli;

import java.util.ArrayList;
import dev.t5j.data.DataVocabularies;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.synth.SynthWriter;
import dev.t5j.synth.SyntheticTask;
import dev.t5j.synth.SyntheticTasks;
import dev.t5j.synth.TokenSpace;
import dev.t5j.tokenizer.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j synth}: writes examples of one synthetic pre-training task in the reference TSV format. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate a synthetic pre-training task (Wu, Li, Liang 2022) as lines '[inputs]<TAB>[targets]'.")
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--task", required = true, description = "Task name: ${COMPLETION-CANDIDATES}",
            completionCandidates = TaskNames.class)
    String task;

    @Option(names = "--count", required = true, description = "Number of examples.")
    long count;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--vocab", description = "Vocabulary file; default: the built-in small vocabulary.")
    Path vocab;

    @Option(names = "--out", required = true, description = "Output .tsv file.")
    Path out;

    @Option(names = "--min-length", defaultValue = "10", description =
            "Minimum input length without the task prefix (default: ${DEFAULT-VALUE}).")
    int minLength;

    @Option(names = "--max-length", defaultValue = "220", description =
            "Maximum input length without the task prefix (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--pool-size", description = "Content tokens of the built-in vocabulary (default: "
            + SimpleVocabulary.DEFAULT_POOL_SIZE + ").")
    Integer poolSize;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    static final class TaskNames extends ArrayList<String> {
        TaskNames() {
            super(SyntheticTasks.PAPER_TASKS);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (count < 0) throw new UserError("--count must be >= 0, got " + count);
        SyntheticTask t = build(task, vocab, poolSize, minLength, maxLength);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (Progress p = new Progress("synth " + t.name(), count, "examples")) {
            SynthWriter.write(t, count, seed, n, out, p);
        }
        System.err.println("wrote " + count + " examples to " + out);
        return 0;
    }

    /** Builds the task, turning bad names and options into user errors. */
    static SyntheticTask build(String task, Path vocabFile, Integer poolSize, int minLength, int maxLength) {
        TokenSpace space;
        try {
            if (vocabFile != null) {
                if (poolSize !=
                        null) throw new
                        UserError("--pool-size applies to the built-in vocabulary only, not with --vocab");
                space = TokenSpace.of(loadVocabulary(vocabFile));
            } else {
                space = TokenSpace.of(new SimpleVocabulary(poolSize != null ? poolSize
                        : SimpleVocabulary.DEFAULT_POOL_SIZE,
                        SimpleVocabulary.DEFAULT_EXTRA_IDS));
            }
            return SyntheticTasks.byName(task, new SyntheticTasks.Options(space, minLength, maxLength));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * THE place where {@code --vocab} is loaded: a SentencePiece {@code .model} (100 T5 sentinels: T5's spiece.model
     * gives the reference's ids, pool 2..31999, markers 32099..32096, LIME 32000..32006) or {@code tokenizer.json};
     * any other file is a plain piece list (one piece per line).
     */
    static Vocabulary loadVocabulary(Path file) {
        String n = file.getFileName().toString();
        if (n.endsWith(".model") || n.endsWith(".json")) return DataVocabularies.load(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++)
            if (lines.get(i).isBlank()) throw UserError.at(file, i + 1, "piece", "empty piece");
        if (lines.isEmpty()) throw new UserError(file + ": empty vocabulary file");
        return SimpleVocabulary.fromPieces(lines.stream().map(String::strip).toList());
    }
}
