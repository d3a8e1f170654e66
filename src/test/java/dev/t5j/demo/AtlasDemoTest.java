package dev.t5j.demo;

import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demonstration's wiring end to end with a few steps per stage (its figures come from the full run, BENCHMARKS.md).
 */
class AtlasDemoTest {
    @TempDir
    Path out;

    @Test
    void everyStageRunsAndTheSummaryHoldsWhatWasReported() throws Exception {
        AtlasDemo.Options o = new AtlasDemo.Options(out, 3, 4, 1, 0, 25, 3, 3, List.of("eval.max_new_tokens=4"));
        AtlasDemo.Result r = new AtlasDemo(o, new PrintStream(new ByteArrayOutputStream())).run();
        var s = Json.MAPPER.readTree(Files.readString(r.summary()));
        assertEquals(1000, s.get("passages").asInt());
        assertEquals(40, s.get("eval_questions").asInt(), "one question from every 25th passage");
        assertEquals(r.atlas().get("eval/exact_match"), s.get("atlas").get("eval/exact_match").asDouble());
        assertEquals(r.recallAfter().get(10), s.get("recall_after").get("10").asDouble());
        for (var rec : List.of(r.recallRandom(), r.recallBefore(), r.recallAfter()))
            assertTrue(rec.get(1) <= rec.get(5) && rec.get(5) <= rec.get(10) && rec.get(10) <= 100, rec.toString());
        assertTrue(Files.isRegularFile(out.resolve("reader-warm-start/model/reader/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("atlas/model/retriever/retriever.json")));
        assertTrue(Files.readString(out.resolve("data/train-with-passages.jsonl")).contains("\"passages\""));
        assertTrue(r.closedBook().containsKey("eval/exact_match")
                && !r.closedBook().containsKey("eval/answer_recall@1"));
    }
}
