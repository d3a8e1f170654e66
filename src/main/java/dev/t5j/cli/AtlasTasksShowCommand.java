package dev.t5j.cli;

import dev.t5j.atlas.tasks.AtlasData;
import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.AtlasTaskOptions;
import dev.t5j.atlas.tasks.AtlasTasks;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.DataVocabularies;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code t5j atlas-tasks show}: reads task files as an Atlas task does and prints the processed examples. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description =
                "Process Atlas task files with a task and print the count and the first examples (query, target, " +
                "answers).")
public final class AtlasTasksShowCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "jsonl task files")
    List<Path> files;

    @Option(names = "--task", required = true, description = "base, qa, mlm, lm, section, multiple_choice, fever, kilt")
    String task;

    @Option(names = "--vocab", description =
            "the reader's vocabulary (T5 spiece.model); needed by mlm and multiple_choice")
    Path vocab;

    @Option(names = "-n", defaultValue = "3", description = "examples to print (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--train", description = "process as for training (train permutations) instead of evaluation")
    boolean train;

    @Option(names = "--seed", defaultValue = "0", description =
            "seed of the random choices (answers, mlm spans, lm splits)")
    long seed;

    @Option(names = "--qa-prompt-format", defaultValue = AtlasTaskOptions.DEFAULT_QA_PROMPT, description =
            "qa prompt (default: ${DEFAULT-VALUE})")
    String qaPromptFormat;

    @Option(names = "--min-words", description = "min_words_per_lm_instance (mlm, lm, section)")
    Integer minWords;

    @Option(names = "--text-maxlength", defaultValue = "200", description =
            "mlm: tokens kept before noising (default: ${DEFAULT-VALUE})")
    int textMaxlength;

    @Option(names = "--mc-num-options", defaultValue = "4", description =
            "multiple_choice_num_options (default: ${DEFAULT-VALUE})")
    int mcNumOptions;

    @Option(names = "--mc-train-permutations", defaultValue = "single", description =
            "single, cyclic or all (default: ${DEFAULT-VALUE})")
    String mcTrain;

    @Option(names = "--mc-eval-permutations", defaultValue = "single", description =
            "single, cyclic or all (default: ${DEFAULT-VALUE})")
    String mcEval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        AtlasTaskOptions o;
        try {
            o = AtlasTaskOptions.defaults().withQaPromptFormat(qaPromptFormat).withMinWords(minWords)
                    .withTextMaxlength(textMaxlength)
                    .withMultipleChoice(mcNumOptions, mcTrain, mcEval);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (vocab != null) o = o.withVocabulary(DataVocabularies.load(vocab));
        AtlasTask t = AtlasTasks.byName(task, o);
        List<AtlasData.Line> lines = AtlasData.readShard(files, 0, 1, false);
        List<AtlasExample> exs = AtlasData.process(t, lines, !train, new Random(seed));
        PrintWriter out = spec.commandLine().getOut();
        out.println(lines.size() + " lines -> " + exs.size() + " examples (task " + t.name() + ", " + (train ? "train"
                : "eval") + ")");
        for (int i = 0; i < Math.min(n, exs.size()); i++) {
            AtlasExample e = exs.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("query", e.query());
            m.put("target", e.target());
            m.put("answers", e.answers());
            if (e.metadata() != null) m.put("metadata", e.metadata());
            if (e.id() != null) m.put("id", e.id());
            if (!e.passages().isEmpty()) m.put("passages", e.passages().size());
            out.println(Json.write(m));
        }
        out.flush();
        return 0;
    }
}
