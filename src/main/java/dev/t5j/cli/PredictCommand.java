package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.eval.Evaluator;
import dev.t5j.eval.Metrics;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j predict}: decode a task's examples and write one JSON line per example with per-example metrics. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description =
                "Write predictions for a task's examples: inputs, prediction, references and per-example metric " +
                "values (JSON lines).")
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    InferenceDtypeOption dtype = new InferenceDtypeOption();
    @Mixin
    DataOptions data = new DataOptions();
    @Option(names = "--split", defaultValue = "validation",
            description = "Split to predict (default ${DEFAULT-VALUE})")
    String split;
    @Option(names = "-n", defaultValue = "1000", description = "Examples per task (default ${DEFAULT-VALUE})")
    int examples;
    @Option(names = "--max-new-tokens", defaultValue = "64",
            description = "Tokens generated at most per example, EOS included (default ${DEFAULT-VALUE})")
    int maxNew;
    @Option(names = "--num-beams", defaultValue = "1",
            description = "Beam size; 1 is greedy decoding (default ${DEFAULT-VALUE})")
    int beams;
    @Option(names = "--out", required = true, description = "Output file (JSON lines), written atomically")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!data.selected()) throw new UserError("give --task (a task or mixture name)");
        model.apply();
        try (T5ForConditionalGeneration m = model.load(data.task, dtype.resolve())) {
            List<Evaluator.TaskResult> results = new Evaluator(m).beforeTask(model::selectTask)
                    .evaluate(data.provider(), EvalCommand.options(data, split, examples, maxNew, beams));
            StringBuilder sb = new StringBuilder();
            int n = 0;
            for (Evaluator.TaskResult r : results) {
                List<String> metricNames = data.catalog().task(r.task()).metricNames();
                for (Evaluator.Prediction p : r.predictions()) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("task", p.task());
                    line.put("inputs", p.inputs());
                    line.put("prediction", p.prediction());
                    line.put("references", p.references());
                    Map<String, Double> per = new LinkedHashMap<>();
                    per.put("exact_match_ids", p.exactIds() ? 100.0 : 0.0);
                    for (String name : metricNames) per.putAll(Metrics.byName(name).compute(List.of(p.prediction()),
                            List.of(p.references())));
                    line.put("metrics", per);
                    sb.append(Json.write(line)).append('\n');
                    n++;
                }
            }
            AtomicFiles.writeBytes(out, sb.toString().getBytes(StandardCharsets.UTF_8));
            System.out.println("wrote " + n + " predictions to " + out);
            EvalCommand.printTable(results, System.out);
        }
        return 0;
    }
}
