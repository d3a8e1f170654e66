package dev.t5j.cli;

import java.io.PrintWriter;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Mixture;
import dev.t5j.data.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code t5j data list}: registered tasks and mixtures. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List registered tasks and mixtures.")
public final class DataListCommand implements Runnable {
    @Mixin
    DataOptions data;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        DataCatalog c = data.catalog();
        out.println("tasks:");
        for (String n : c.taskNames()) {
            Task t = c.task(n);
            out.println("  " + n + "  splits=" + t.splits() + "  source=" + t.source().describe()
                    + "  preprocessors=" + t.preprocessors().stream().map(p -> p.name()).toList());
        }
        out.println("mixtures:");
        for (String n : c.mixtureNames()) {
            Mixture m = c.mixture(n);
            out.println("  " + n + "  " + m.entries().stream().map(Mixture.Entry::name).toList());
        }
    }
}
