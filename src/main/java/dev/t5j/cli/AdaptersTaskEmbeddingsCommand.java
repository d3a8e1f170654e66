package dev.t5j.cli;

import dev.t5j.adapters.TaskEmbeddings;
import dev.t5j.common.UserError;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import dev.t5j.eval.Evaluator;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j adapters task-embeddings}: ruse's computed task embeddings, one {@code {task}.npy} per task. */
@Command(name = "task-embeddings", mixinStandardHelpOptions = true,
        description = "Mean T5-encoder sentence embedding of N training examples per task, as {task}.npy (ruse).")
final class AdaptersTaskEmbeddingsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The (frozen) T5 model folder")
    Path model;
    @Mixin
    DataOptions data = new DataOptions();
    @Mixin
    ReadingOptions reading = new ReadingOptions();
    @Option(names = "-n", defaultValue = "100", description = "Examples per task (default ${DEFAULT-VALUE})")
    int examples;
    @Option(names = "--max-length", defaultValue = "128",
            description = "Input tokens kept per example (default ${DEFAULT-VALUE})")
    int maxLength;
    @Option(names = "--out", required = true,
            description = "Folder for the {task}.npy files (adapters.task_embedding_dir)")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (examples < 1 || maxLength < 1) throw new UserError("-n and --max-length must be >= 1");
        try (T5ForConditionalGeneration m = Checkpoint.load(model)) {
            ReadOptions ro = reading.readOptions(data);
            for (Task t : Evaluator.tasksOf(data.provider(), ro)) {
                List<int[]> inputs = new ArrayList<>();
                try (ExampleIterator it = t.open(ro)) {
                    while (it.hasNext() && inputs.size() < examples) {
                        Example e = it.next();
                        int[] ids = e.tokens("inputs");
                        inputs.add(Arrays.copyOf(ids, Math.min(ids.length, maxLength)));
                    }
                }
                if (inputs.isEmpty()) throw new UserError(t.name() + ": split '" + ro.split() + "' has no examples");
                for (int[] in : inputs) ModelOptions.checkRange(t.name() + " input", in, m.config().vocabSize());
                Path f = TaskEmbeddings.write(out, t.name(), TaskEmbeddings.compute(m, inputs, 32));
                System.out.println("t5j: " + t.name() + ": mean of " + inputs.size() + " examples -> " + f);
            }
        }
        return 0;
    }
}
