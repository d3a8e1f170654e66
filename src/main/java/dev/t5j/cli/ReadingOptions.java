package dev.t5j.cli;

import dev.t5j.data.BadLines;
import dev.t5j.data.ReadOptions;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** How the {@code t5j data} subcommands read what {@link DataOptions} selects: split, seed, bad lines. */
public final class ReadingOptions {
    @Option(names = "--split", defaultValue = "train", description = "split (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--skip-bad-lines",
            description = "skip malformed input lines (counted and reported) instead of stopping")
    boolean skipBadLines;

    @Option(names = "--seed", defaultValue = "0",
            description = "seed for stochastic preprocessors and sampling (default: ${DEFAULT-VALUE})")
    long seed;

    private BadLines bad;

    BadLines badLines() {
        if (bad == null) bad = new BadLines(skipBadLines);
        return bad;
    }

    ReadOptions readOptions(DataOptions data) {
        return ReadOptions.split(split).withSeed(seed).withBadLines(badLines())
                .withSequenceLengths(data.sequenceLengths());
    }

    /** Prints the skipped-lines summary (if any) to stderr. */
    void reportBadLines(PrintWriter err) {
        String s = badLines().summary();
        if (s != null) err.println("t5j: " + s);
        err.flush();
    }
}
