package dev.t5j.cli;

import picocli.CommandLine.Command;

/** {@code t5j bench ...}: performance measurements (results go to BENCHMARKS.md, never into tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: model, checkpoint, ...",
        subcommands = {BenchModelCommand.class, BenchCheckpointCommand.class, BenchSynthCommand.class,
                BenchDataCommand.class, BenchTokenizerCommand.class,
                BenchIndexCommand.class, BenchRetrieverCommand.class, BenchServeCommand.class,
                BenchRankCommand.class, BenchAdaptersCommand.class, BenchDistributedCommand.class,
                BenchDecodeCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
