package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.bench.DataBench;
import dev.t5j.data.DataVocabularies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code t5j bench data}: examples/s of tokenization + span corruption + packing, and of cache reads, with 1 thread
 * and all cores. (Registered under the {@code bench} parent command by the lead.)
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description =
                "Benchmark the data pipeline: span corruption + tokenization + packing, cache write and cache read.")
public final class BenchDataCommand implements Runnable {
    /** The 1,000 Wikipedia passages that ship inside t5j for the Atlas demo (dev/t5j/atlas/demo/SOURCE.md). */
    static final String SHIPPED_CORPUS = "/dev/t5j/atlas/demo/passages.jsonl";

    @Option(names = "--corpus", description = "text corpus: jsonl with a 'text' field, or plain text lines "
            + "(default: the 1,000 Wikipedia passages shipped with t5j)")
    Path corpus;

    @Option(names = "--docs", defaultValue = "20000", description =
            "documents to process (the corpus is cycled) (default: ${DEFAULT-VALUE})")
    int docs;

    @Option(names = "--threads", description = "threads for the parallel runs (default: all cores)")
    Integer threads;

    @Option(names = "--inputs-length", defaultValue = "512",
            description = "Packed inputs length (default ${DEFAULT-VALUE})")
    int inputsLength;

    @Option(names = "--targets-length", defaultValue = "114",
            description = "Packed targets length (default ${DEFAULT-VALUE})")
    int targetsLength;

    @Option(names = "--vocab", description = "vocabulary ('byte' by default)")
    String vocab;

    @Option(names = "--work-dir", defaultValue = "${java.io.tmpdir}", description =
            "where the temporary cache is written")
    Path workDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Path shipped = null;
        if (corpus == null) {
            try (InputStream in = BenchDataCommand.class.getResourceAsStream(SHIPPED_CORPUS)) {
                if (in == null) throw new UserError("no --corpus given and the shipped corpus is missing from t5j");
                shipped = Files.createTempFile(workDir, "t5j-bench-corpus", ".jsonl");
                Files.copy(in, shipped, StandardCopyOption.REPLACE_EXISTING);
                corpus = shipped;
            } catch (IOException e) {
                throw new UserError("cannot copy the shipped corpus into " + workDir + ": " + e.getMessage(), e);
            }
        }
        try {
            run(out);
        } finally {
            if (shipped != null) shipped.toFile().delete();
        }
    }

    private void run(PrintWriter out) {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        out.printf("corpus %s, %d docs, inputs %d / targets %d, %d threads max, vocabulary %s%n", corpus, docs,
                inputsLength, targetsLength, t,
                DataVocabularies.resolve(vocab));
        try {
            var figs = DataBench.run(new DataBench.Config(corpus, docs, t, inputsLength, targetsLength,
                    DataVocabularies.resolve(vocab), workDir), out);
            out.println();
            out.print(DataBench.markdown(figs));
        } catch (IOException e) {
            throw new UserError("bench failed: " + e, e);
        }
        out.flush();
    }
}
