package dev.t5j.cli;

import picocli.CommandLine.Command;

/** {@code t5j index ...}: passage indexes for retrieval (docs/retrieval.md). */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Passage indexes for retrieval: build one from passages with a retriever (build), "
                + "or show one (info).",
        subcommands = {IndexInfoCommand.class, IndexBuildCommand.class})
public final class IndexCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
