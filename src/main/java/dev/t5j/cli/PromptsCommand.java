package dev.t5j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code t5j prompts}: promptsource templates. */
@Command(name = "prompts", mixinStandardHelpOptions = true,
        description = "promptsource templates: list them, render them on examples.",
        subcommands = {PromptsListCommand.class, PromptsRenderCommand.class})
public final class PromptsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
