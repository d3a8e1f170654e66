package dev.t5j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code t5j data}: inspect, cache and measure tasks and mixtures. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Tasks, mixtures and the data pipeline: list, show, stats, cache.",
        subcommands = {DataListCommand.class, DataShowCommand.class, DataStatsCommand.class, DataCacheCommand.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
