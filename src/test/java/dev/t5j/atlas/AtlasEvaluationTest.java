package dev.t5j.atlas;

import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasResult;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.AtlasTaskOptions;
import dev.t5j.atlas.tasks.AtlasTasks;
import dev.t5j.atlas.tasks.MultipleChoiceTask;
import dev.t5j.atlas.tasks.ResultsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.t5j.atlas.AtlasTestData.obj;
import static org.junit.jupiter.api.Assertions.*;

class AtlasEvaluationTest {
    @TempDir
    Path dir;

    @Test
    void qaReport() throws IOException {
        AtlasTask qa = AtlasTasks.byName("qa", AtlasTaskOptions.defaults());
        AtlasExample a = qa.process(obj("question", "q1", "answers", List.of("Paris")), new Random(0)).orElseThrow();
        AtlasExample b = qa.process(obj("question", "q2", "answers", List.of("the red fox")),
                new Random(0)).orElseThrow();
        List<AtlasResult> rs = List.of(new AtlasResult(a, "paris", List.of(), null, null), new AtlasResult(b, "a fox",
                List.of(), null, null));
        AtlasEvaluation.Report r = AtlasEvaluation.evaluate(qa, rs, List.of(1.0, 2.0));
        // EM: 1, 0 → 50; F1: 1, ("fox" vs "red fox": P 1, R 1/2 → 2/3) → 83.33; eval_loss 1.5 unscaled
        assertEquals(List.of("exact_match", "f1", "eval_loss"), List.copyOf(r.metrics().keySet()));
        assertEquals(50.0, r.metrics().get("exact_match"), 1e-9);
        assertEquals(100 * (1 + 2.0 / 3) / 2, r.metrics().get("f1"), 1e-9);
        assertEquals(1.5, r.metrics().get("eval_loss"), 1e-12);
        Path out = dir.resolve("r.jsonl");
        AtlasEvaluation.writeResults(r, new ResultsWriter(true), out);
        assertEquals(2, Files.readAllLines(out).size());
    }

    @Test
    void multipleChoiceReportDebiases() throws IOException {
        MultipleChoiceTask mc = (MultipleChoiceTask) AtlasTasks.byName("multiple_choice",
                AtlasTaskOptions.defaults().withVocabulary(AtlasTestData.t5()).withMultipleChoice(2, "single",
                        "cyclic"));
        List<AtlasResult> rs = new ArrayList<>();
        // question 1: answer B (y); the model prefers letter A strongly, content only slightly → debiased picks y
        List<AtlasExample> q1 = mc.expand(obj("question", "one", "options", obj("A", "x", "B", "y"), "answer", "B"),
                true).stream()
                .map(c -> mc.process(c, new Random(0)).orElseThrow()).toList();
        rs.add(new AtlasResult(q1.get(0), "A", List.of(), null, Map.of("A", Math.log(0.6), "B", Math.log(0.4))));
        rs.add(new AtlasResult(q1.get(1), "A", List.of(), null, Map.of("A", Math.log(0.9), "B", Math.log(0.1))));
        // question 2: answer A (u); always right
        List<AtlasExample> q2 = mc.expand(obj("question", "two", "options", obj("A", "u", "B", "v"), "answer", "A"),
                true).stream()
                .map(c -> mc.process(c, new Random(0)).orElseThrow()).toList();
        rs.add(new AtlasResult(q2.get(0), "A", List.of(), null, Map.of("A", Math.log(0.8), "B", Math.log(0.2))));
        rs.add(new AtlasResult(q2.get(1), "B", List.of(), null, Map.of("A", Math.log(0.3), "B", Math.log(0.7))));
        AtlasEvaluation.Report r = AtlasEvaluation.evaluate(mc, rs, List.of());
        // accuracy over the 4 copies: q1 copy0 wrong (A=x), q1 copy1 right (A=y), q2 both right → 75
        assertEquals(75.0, r.metrics().get("accuracy"), 1e-9);
        assertEquals(100.0, r.metrics().get("debiased_accuracy"), 1e-9);
        assertEquals(0.0, r.metrics().get("eval_loss"));
        assertEquals(2, r.debiased().size());
        Path out = dir.resolve("mc.jsonl");
        AtlasEvaluation.writeResults(r, new ResultsWriter(false), out);
        assertEquals(2, Files.readAllLines(out).size());
    }
}
