package dev.t5j.cli;

import picocli.CommandLine.Option;

/** {@code --task}: which task's adapter runs, for commands that take token ids rather than a task's data. */
final class AdapterTaskOption {
    @Option(names = "--task",
            description = "With --adapter: the task whose adapter runs (default: its first or only one)")
    String task;
}
