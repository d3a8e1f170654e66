package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.prompts.PromptFileRenderer;
import dev.t5j.prompts.TemplateFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code t5j prompts render}: one line per (example, template), template by template, rows in input order. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render templates on examples (JSON lines in the HF field layout) as promptsource's apply.")
public final class PromptsRenderCommand implements Runnable {
    @Option(names = "--templates", required = true, paramLabel = "FILE.yaml",
            description = "A promptsource templates.yaml.")
    Path templates;

    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "One example object per line.")
    Path input;

    @Option(names = "--template", paramLabel = "NAME", description = "Template name or id (repeatable; default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--json", description = "JSON lines: template, id, inputs, targets, answer_choices (the default).")
    boolean json = true;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // Everything is rendered before anything is printed: a bad row leaves no partial output.
        List<PromptFileRenderer.Row> rows = PromptFileRenderer.render(TemplateFile.load(templates), names, input);
        PrintWriter out = spec.commandLine().getOut();
        for (PromptFileRenderer.Row r : rows) out.println(Json.write(r.toJson()));
        out.flush();
    }
}
