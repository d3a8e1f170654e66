package dev.t5j.atlas.tasks;

import dev.t5j.common.Json;
import dev.t5j.atlas.AtlasTestData;
import dev.t5j.retrieval.Passage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.t5j.atlas.AtlasTestData.obj;
import static org.junit.jupiter.api.Assertions.*;

class ResultsWriterTest {
    @TempDir
    Path dir;

    @Test
    void qaLineAsAtlasWritesIt() throws IOException {
        AtlasExample ex = AtlasTasks.byName("qa", AtlasTaskOptions.defaults())
                .process(obj("question", "who?", "answers", List.of("Ann"), "id", "7"), new Random(0)).orElseThrow();
        List<Passage> ps = List.of(new Passage("12", "Ann: Life", "Ann was born.", Map.of("section", "Life")),
                Passage.of("3", "B", "text"));
        AtlasResult r = new AtlasResult(ex, "Ann", ps, new float[] {1.5f, 0.1f}, null);
        Path out = ResultsWriter.resultsPath(dir, Path.of("data/nq-dev.jsonl"), 30);
        assertEquals(dir.resolve("nq-dev-step-30.jsonl"), out);
        new ResultsWriter(true).write(out, List.of(r, r));
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        assertEquals("{\"query\":\"question: who? answer: <extra_id_0>\",\"answers\":[\"Ann\"],\"generation\":\"Ann\","
                + "\"passages\":[{\"id\":\"12\",\"title\":\"Ann: Life\",\"text\":\"Ann was " +
                        "born.\",\"section\":\"Life\",\"score\":1.5},"
                + "{\"id\":\"3\",\"title\":\"B\",\"text\":\"text\",\"score\":0.1}],\"metadata\":{},\"id\":\"7\"}",
                        lines.get(0));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary files left");
        }

        new ResultsWriter(false).write(out, List.of(r));
        assertEquals("{\"query\":\"question: who? answer: " +
                "<extra_id_0>\",\"answers\":[\"Ann\"],\"generation\":\"Ann\",\"metadata\":{},\"id\":\"7\"}",
                Files.readAllLines(out).get(0));
        // retrieve-only: no generation, passages always
        AtlasResult retrieveOnly = new AtlasResult(ex, null, List.of(Passage.of("3", "B", "text")), new float[] {2f},
                null);
        assertEquals("{\"query\":\"question: who? answer: <extra_id_0>\",\"answers\":[\"Ann\"],"
                + "\"passages\":[{\"id\":\"3\",\"title\":\"B\",\"text\":\"text\",\"score\":2.0}],"
                + "\"metadata\":{},\"id\":\"7\"}",
                Json.write(new ResultsWriter(false).toJson(retrieveOnly)));
    }

    @Test
    void multipleChoiceLinePerQuestion() throws IOException {
        MultipleChoiceTask mc = (MultipleChoiceTask) AtlasTasks.byName("multiple_choice",
                AtlasTaskOptions.defaults().withVocabulary(AtlasTestData.t5()).withMultipleChoice(2, "single",
                        "cyclic"));
        List<AtlasExample> copies = mc.expand(obj("question", "q", "options", obj("A", "x", "B", "y"), "answer", "B"),
                true).stream()
                .map(c -> mc.process(c, new Random(0)).orElseThrow()).toList();
        AtlasResult r0 = new AtlasResult(copies.get(0), "A", List.of(), null, Map.of("A", Math.log(0.6), "B",
                Math.log(0.4)));
        AtlasResult r1 = new AtlasResult(copies.get(1), "A", List.of(), null, Map.of("A", Math.log(0.9), "B",
                Math.log(0.1)));
        Path out = dir.resolve("mc.jsonl");
        new ResultsWriter(true).writeMultipleChoice(out, mc.debias(List.of(r0, r1)));
        List<String> lines = Files.readAllLines(out);
        assertEquals(1, lines.size());
        var node = Json.MAPPER.readTree(lines.get(0));
        assertEquals(List.of("query", "answers", "generation", "passages", "metadata", "choice_probs", "all_probs",
                "permutations"),
                iterable(node.fieldNames()));
        assertEquals("B", node.get("generation").asText());
        assertEquals(0.65, node.get("choice_probs").get("B").asDouble(), 1e-12);
        assertEquals(2, node.get("all_probs").get("x").size());
        assertEquals(2, node.get("permutations").size());
        assertEquals("A", node.get("permutations").get(1).get("generation").asText());
        assertTrue(node.get("permutations").get(0).has("choice_logits"));
        assertEquals(true, node.get("metadata").get("is_original").asBoolean());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
