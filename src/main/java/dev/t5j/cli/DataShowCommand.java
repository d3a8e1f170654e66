package dev.t5j.cli;

import java.io.PrintWriter;
import dev.t5j.common.Json;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.ExampleInspector;
import dev.t5j.data.MissingMembers;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code t5j data show}: raw, preprocessed and tokenized examples side by side. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print raw, preprocessed and tokenized examples of a task (or of each task of a mixture).")
public final class DataShowCommand implements Runnable {
    @Mixin
    DataOptions data;

    @Mixin
    ReadingOptions reading;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "-n", defaultValue = "5", description = "examples per task (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--json", description = "one JSON object per example instead of the table")
    boolean json;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        DatasetProvider p = data.provider();
        ReadOptions o = reading.readOptions(data);
        List<Mixture.WeightedTask> tasks = p.weightedTasks(o);
        Set<String> missing = MissingMembers.report(p, tasks, o, data.allowMissing, "pass --allow-missing",
                spec.commandLine().getErr()::println);
        for (Mixture.WeightedTask wt : tasks) {
            Task t = wt.task();
            if (missing.contains(t.name())) continue;
            if (p instanceof Mixture && !t.splits().contains(o.split())) {
                spec.commandLine().getErr().println("t5j: note: task '" + t.name() + "' has no split '" + o.split()
                        + "'; skipped");
                continue;
            }
            if (p instanceof Mixture && !json)
                out.printf(Locale.ROOT, "##### task %s (rate %.4f)%n", t.name(), wt.weight());
            List<ExampleInspector.Stages> stages = ExampleInspector.inspect(t, o, n);
            if (json) for (var s : stages) out.println(Json.write(ExampleInspector.toJson(s)));
            else out.print(ExampleInspector.format(t, stages));
        }
        reading.reportBadLines(spec.commandLine().getErr());
        out.flush();
    }
}
