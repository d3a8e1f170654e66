package dev.t5j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code t5j atlas-tasks}: Atlas task files — check/show them as a task processes them, convert MMLU and NQ-open. */
@Command(name = "atlas-tasks", mixinStandardHelpOptions = true,
        description = "Atlas task files (base, qa, mlm, lm, section, multiple_choice, fever, kilt): show, convert.",
        subcommands = {AtlasTasksShowCommand.class, AtlasTasksConvertCommand.class})
public final class AtlasTasksCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
