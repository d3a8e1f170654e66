package dev.t5j.cli;

import dev.t5j.bench.RankBench;
import dev.t5j.engine.MachineInfo;
import dev.t5j.engine.Torch;
import dev.t5j.prompts.PromptFileRenderer;
import dev.t5j.prompts.PromptTemplate;
import dev.t5j.prompts.TemplateFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code t5j bench rank}: shared-encoder vs per-pair rank classification; promptsource rendering speed. */
@Command(name = "rank", mixinStandardHelpOptions = true,
        description = "Rank classification examples/s (shared encoder vs per-pair encoding) and prompt "
                + "rendering examples/s.")
public final class BenchRankCommand implements Runnable {
    @Option(names = "--preset", defaultValue = "t5-small",
            description = "model preset, random weights (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--input-length", defaultValue = "256",
            description = "input tokens (T0 allows up to 1024) (default: ${DEFAULT-VALUE})")
    int inputLength;

    @Option(names = "--choice-length", defaultValue = "4",
            description = "tokens per choice incl. EOS (default: ${DEFAULT-VALUE})")
    int choiceLength;

    @Option(names = "--choices", split = ",", defaultValue = "2,4,8",
            description = "numbers of choices (default: ${DEFAULT-VALUE})")
    List<Integer> choices = new ArrayList<>();

    @Option(names = "--examples", defaultValue = "16",
            description = "examples per measurement (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--batch", defaultValue = "8",
            description = "examples encoded together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--templates", description = "a templates.yaml for the rendering figure")
    Path templates;

    @Option(names = "--rows", description = "JSON lines (HF layout) for the rendering figure")
    Path rows;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Torch.init(threads);
        out.print(MachineInfo.header());
        out.printf(Locale.ROOT,
                "model %s (random), input %d tokens, choices of %d tokens, %d examples, batch %d, %d threads%n",
                preset, inputLength, choiceLength, examples, batch, threads);
        RankBench.run(new RankBench.Config(preset, inputLength, choiceLength, choices, examples, batch), out);
        if (templates != null && rows != null) {
            List<Map<String, Object>> rs = new ArrayList<>();
            for (var e : PromptFileRenderer.readRows(rows)) rs.add(e.getValue());
            List<PromptTemplate> ts = TemplateFile.load(templates).templates();
            for (PromptTemplate t : ts) RankBench.renderRate(t, rs, 0.3); // JIT warm-up over every template
            for (PromptTemplate t : ts)
                out.printf(Locale.ROOT, "render %-40s %,.0f examples/s (1 thread)%n", t.name(), RankBench.renderRate(
                        t, rs, 1.0));
        }
        out.flush();
    }
}
