package dev.t5j.cli;

import dev.t5j.bench.TokenizerBench;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.Vocabularies;
import dev.t5j.tokenizer.Vocabulary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code t5j bench tokenizer}: encoding throughput (MB/s of UTF-8 input and sentences/s) on one thread and on all
 * cores. Lines of a text file are the sentences; for a {@code .jsonl} file the "text" (or "contents") field of each
 * line is used. Wired under {@code t5j bench} by the CLI root.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Measure tokenizer encoding speed (MB/s, sentences/s), single-threaded and on all cores.")
public final class BenchTokenizerCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, description = "spiece.model, tokenizer.json or vocab.txt")
    Path vocab;

    @Option(names = "--input", required = true, split = ",",
            description =
                    "text files (one sentence per line), .jsonl files (text/contents/question/claim field) or " +
                    "directories of them; comma-separated")
    List<Path> input;

    @Option(names = "--seconds", defaultValue = "5",
            description = "measuring time per setting (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--threads", description = "threads for the parallel run (default: all cores)")
    Integer threads;

    @Option(names = "--extra-ids", defaultValue = "100",
            description = "T5 sentinels added to a .model vocabulary (default: ${DEFAULT-VALUE})")
    int extraIds;

    @Override
    public Integer call() throws IOException {
        Vocabulary v = Vocabularies.load(vocab, extraIds);
        List<byte[]> lines = TokenizerBench.readSentences(input);
        if (lines.isEmpty()) throw new UserError(input + ": no sentences");
        long bytes = 0;
        for (byte[] l : lines) bytes += l.length;
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "vocab %s (%d ids), input %s: %d sentences, %.2f MB%n", vocab, v.vocabSize(),
                input,
                lines.size(), bytes / 1e6);
        TokenizerBench.run(v, lines, 1, Math.min(seconds, 2), false); // warm-up (JIT)
        double[] one = TokenizerBench.run(v, lines, 1, seconds, true);
        System.out.printf(Locale.ROOT, "1 thread : %8.2f MB/s %10.0f sentences/s %12.0f tokens/s%n", one[0], one[1],
                one[2]);
        if (cores > 1) {
            double[] all = TokenizerBench.run(v, lines, cores, seconds, true);
            System.out.printf(Locale.ROOT, "%d threads: %8.2f MB/s %10.0f sentences/s %12.0f tokens/s%n", cores,
                    all[0], all[1], all[2]);
        }
        return 0;
    }

    /** Standalone entry until the lead wires this under {@code t5j bench}. */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchTokenizerCommand());
        cl.setExecutionExceptionHandler(T5jCli.commandLine().getExecutionExceptionHandler());
        System.exit(cl.execute(args));
    }
}
