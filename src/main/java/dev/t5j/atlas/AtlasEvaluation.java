package dev.t5j.atlas;

import java.util.Collections;
import java.util.LinkedHashMap;
import dev.t5j.atlas.tasks.AtlasMetrics;
import dev.t5j.atlas.tasks.AtlasResult;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.MultipleChoiceTask;
import dev.t5j.atlas.tasks.ResultsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The scoring half of Atlas's {@code evaluate()} (evaluate.py) once the reader has produced its generations: every
 * result scored with {@link AtlasTask#evaluate}, the batch losses added as {@code eval_loss}, multiple choice's
 * {@code evaluation_postprocessing} ({@link MultipleChoiceTask#debias}), then 100 × mean per metric of the task.
 */
public final class AtlasEvaluation {
    private AtlasEvaluation() {}

    /**
     * @param metrics   {@code {metric: value}} in the task's metric order (100 × mean, eval_loss unscaled)
     * @param results   the per-example results, as given
     * @param debiased  multiple choice: one entry per question; empty for the other tasks
     */
    public record Report(Map<String, Double> metrics, List<AtlasResult> results,
            List<MultipleChoiceTask.Debiased> debiased) {
        public Report {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
            results = List.copyOf(results);
            debiased = List.copyOf(debiased);
        }
    }

    /**
     * @param evalLosses the reader's teacher-forced loss per evaluation batch (Atlas averages them as given); empty
     *                   when none was computed (eval_loss then reports 0, as Atlas does for a metric without values)
     */
    public static Report evaluate(AtlasTask task, List<AtlasResult> results, List<Double> evalLosses) {
        AtlasMetrics.Accumulator acc = new AtlasMetrics.Accumulator();
        for (AtlasResult r : results) {
            if (r.generation() == null) throw new IllegalArgumentException("result without a generation: "
                    + r.example().query());
            acc.add(task.evaluate(r.generation(), r.example()));
        }
        for (double l : evalLosses) acc.add(AtlasMetrics.EVAL_LOSS, l);
        List<MultipleChoiceTask.Debiased> debiased = List.of();
        if (task instanceof MultipleChoiceTask mc) {
            debiased = mc.debias(results);
            for (MultipleChoiceTask.Debiased d : debiased) acc.add("debiased_accuracy", d.debiasedAccuracy());
        }
        return new Report(acc.summary(task.metrics()), results, debiased);
    }

    /** The {@code --write-results} file of a report: per question for multiple choice, per example otherwise. */
    public static void writeResults(Report report, ResultsWriter writer, Path file) throws IOException {
        if (!report.debiased().isEmpty()) writer.writeMultipleChoice(file, report.debiased());
        else writer.write(file, report.results());
    }
}
