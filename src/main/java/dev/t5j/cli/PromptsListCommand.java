package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.prompts.PromptTemplate;
import dev.t5j.prompts.Prompts;
import dev.t5j.prompts.TemplateFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code t5j prompts list}: datasets, template names, original_task and choices of templates.yaml files. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the templates of a promptsource templates.yaml, or of every one under a folder.")
public final class PromptsListCommand implements Runnable {
    @Option(names = "--templates", required = true, paramLabel = "DIR_OR_FILE",
            description = "A templates.yaml, or a folder searched for them (e.g. promptsource/templates).")
    Path templates;

    @Option(names = "--json", description = "One JSON object per template.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<TemplateFile> files = TemplateFile.loadAll(templates);
        int n = 0;
        for (TemplateFile f : files) {
            if (!json) out.println(f.key() + "  (" + f.templates().size() + " templates)");
            for (PromptTemplate t : f.templates()) {
                List<String> fixed = Prompts.fixedAnswerChoices(t);
                String choices = t.answerChoices() == null ? null : fixed != null ? String.join(" ||| ", fixed) : t
                        .answerChoices();
                n++;
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("dataset", f.dataset());
                    m.put("subset", f.subset());
                    m.put("template", t.name());
                    m.put("id", t.id());
                    m.put("original_task", t.metadata().originalTask());
                    m.put("choices_in_prompt", t.metadata().choicesInPrompt());
                    m.put("metrics", t.metadata().metrics());
                    m.put("answer_choices", t.answerChoices());
                    m.put("fixed_answer_choices", fixed);
                    out.println(Json.write(m));
                } else {
                    out.println("  " + t.name() + "  original_task=" + t.originalTask()
                            + "  choices=" + (choices == null ? "-" : (fixed != null ? "" : "per example: ") + choices
                                    .replace("\n", " ")));
                }
            }
        }
        if (!json) out.println(files.size() + " files, " + n + " templates");
        out.flush();
    }
}
