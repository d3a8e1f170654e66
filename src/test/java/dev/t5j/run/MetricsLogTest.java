package dev.t5j.run;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MetricsLogTest {
    @TempDir
    Path dir;

    private static Map<String, Object> rec(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private void writeSteps(long from, long to) throws IOException {
        try (MetricsLog log = new MetricsLog(dir)) {
            for (long s = from; s <= to; s++) log.log(rec("step", s, "loss", 10.0 / s));
        }
    }

    @Test
    void roundTripKeepsOrderTypesAndNonFiniteValues() throws IOException {
        try (MetricsLog log = new MetricsLog(dir)) {
            log.log(rec("step", 1L, "loss", 2.5, "lr", 1e-3, "grad_norm", 0.75f, "tokens_per_sec", 5120));
            log.log(rec("step", 2L, "loss", Double.NaN, "grad_norm", Double.POSITIVE_INFINITY, "note", "warm-up"));
            log.log(rec("step", 2L, "eval/reverse/accuracy", 0.93, "eval/loss", Double.NEGATIVE_INFINITY, "best",
                    true));
            // Flushed per record: readable while the log is still open.
            assertEquals(3, MetricsLog.read(log.file()).size());
        }
        List<Map<String, Object>> back = MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        assertEquals(3, back.size());
        assertEquals(List.of("step", "loss", "lr", "grad_norm", "tokens_per_sec"), List.copyOf(back.get(0).keySet()));
        assertEquals(1L, back.get(0).get("step"));
        assertEquals(2.5, back.get(0).get("loss"));
        assertEquals(1e-3, back.get(0).get("lr"));
        assertEquals(0.75, (Double) back.get(0).get("grad_norm"), 1e-7);
        assertEquals(5120L, back.get(0).get("tokens_per_sec"));
        assertTrue(Double.isNaN((Double) back.get(1).get("loss")));
        assertEquals(Double.POSITIVE_INFINITY, back.get(1).get("grad_norm"));
        assertEquals("warm-up", back.get(1).get("note"));
        assertEquals(0.93, back.get(2).get("eval/reverse/accuracy"));
        assertEquals(Double.NEGATIVE_INFINITY, back.get(2).get("eval/loss"));
        assertEquals(true, back.get(2).get("best"));
        // The file is plain JSON (no bare NaN), one object per line.
        String text = Files.readString(dir.resolve(MetricsLog.FILE_NAME));
        assertEquals(3, text.lines().count());
        assertTrue(text.contains("\"loss\":\"NaN\""), text);
        assertEquals(0.93, MetricsLog.number(back.get(2), "eval/reverse/accuracy"));
        assertTrue(Double.isNaN(MetricsLog.number(back.get(2), "missing")));
    }

    @Test
    void reopeningAppends() throws IOException {
        writeSteps(1, 3);
        writeSteps(4, 5);
        List<Map<String, Object>> back = MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), back.stream().map(r -> r.get("step")).toList());
    }

    @Test
    void rejectsValuesThatAreNotScalars() throws IOException {
        try (MetricsLog log = new MetricsLog(dir)) {
            assertThrows(IllegalArgumentException.class, () -> log.log(rec("step", 1, "bad", List.of(1, 2))));
        }
    }

    @Test
    void truncatedLastLineIsToleratedAndCutOnReopen() throws IOException {
        writeSteps(1, 3);
        Path f = dir.resolve(MetricsLog.FILE_NAME);
        Files.writeString(f, "{\"step\":4,\"loss\":2.", StandardOpenOption.APPEND); // killed mid-write
        assertEquals(3, MetricsLog.read(f).size());
        // Appending after the crash must not glue the next record onto the torn line.
        writeSteps(4, 4);
        List<Map<String, Object>> back = MetricsLog.read(f);
        assertEquals(List.of(1L, 2L, 3L, 4L), back.stream().map(r -> r.get("step")).toList());
        assertFalse(Files.readString(f).contains("2.{"));
    }

    @Test
    void completeLastRecordWithoutNewlineIsKept() throws IOException {
        Path f = dir.resolve(MetricsLog.FILE_NAME);
        Files.writeString(f, "{\"step\":1,\"loss\":3.0}\n{\"step\":2,\"loss\":2.0}");
        assertEquals(2, MetricsLog.read(f).size());
        writeSteps(3, 3);
        assertEquals(List.of(1L, 2L, 3L), MetricsLog.read(f).stream().map(r -> r.get("step")).toList());
    }

    @Test
    void malformedMiddleLineNamesFileAndLine() throws IOException {
        Path f = dir.resolve(MetricsLog.FILE_NAME);
        Files.writeString(f, "{\"step\":1,\"loss\":3.0}\n\n{\"step\":2,\"loss\":\n{\"step\":3,\"loss\":1.0}\n");
        UserError e = assertThrows(UserError.class, () -> MetricsLog.read(f));
        assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());

        Files.writeString(f, "{\"step\":1}\n[1,2]\n{\"step\":3}\n");
        e = assertThrows(UserError.class, () -> MetricsLog.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2:") && e.getMessage().contains("JSON object"), e.getMessage());

        Files.writeString(f, "{\"step\":1,\"loss\":{\"a\":1}}\n");
        e = assertThrows(UserError.class, () -> MetricsLog.read(f));
        assertTrue(e.getMessage().startsWith(f + ":1:") && e.getMessage().contains("'loss'"), e.getMessage());

        // A complete but malformed last line is an error too: only a torn (unterminated) line is forgiven.
        Files.writeString(f, "{\"step\":1}\n{\"step\":2,}\n");
        e = assertThrows(UserError.class, () -> MetricsLog.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
    }

    @Test
    void missingFileIsAUserError() {
        UserError e = assertThrows(UserError.class, () -> MetricsLog.read(dir.resolve("nope.jsonl")));
        assertTrue(e.getMessage().contains("nope.jsonl"));
    }

    @Test
    void truncateAfterStepKeepsEarlierRecordsVerbatim() throws IOException {
        Path f = dir.resolve(MetricsLog.FILE_NAME);
        try (MetricsLog log = new MetricsLog(dir)) {
            log.log(rec("run", "demo")); // no step: before any dropped record, so kept
            for (long s = 1; s <= 6; s++) {
                log.log(rec("step", s, "loss", 1.0 / s));
                if (s % 2 == 0) log.log(rec("step", s, "eval/reverse/accuracy", s / 10.0));
            }
            log.log(rec("final", true)); // after the cut point: dropped
        }
        Files.writeString(f, "{\"step\":7,\"lo", StandardOpenOption.APPEND);
        List<String> before = Files.readAllLines(f);

        MetricsLog.truncateAfterStep(f, 4);
        List<String> after = Files.readAllLines(f);
        assertEquals(before.subList(0, 7), after); // run, 1, 2, eval 2, 3, 4, eval 4
        List<Map<String, Object>> back = MetricsLog.read(f);
        assertEquals(4L, back.get(back.size() - 1).get("step"));
        assertEquals(0.4, back.get(back.size() - 1).get("eval/reverse/accuracy"));
        // No temp files left behind by the atomic rewrite.
        try (var s = Files.list(dir)) {
            assertEquals(List.of(MetricsLog.FILE_NAME), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void resumeContinuesWithoutDuplicates() throws IOException {
        writeSteps(1, 8); // the run logged to step 8, but its last checkpoint was at step 5
        try (MetricsLog log = MetricsLog.resume(dir, 5)) {
            for (long s = 6; s <= 10; s++) log.log(rec("step", s, "loss", 10.0 / s));
        }
        List<Map<String, Object>> back = MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), back.stream().map(r -> r.get("step")).toList());
    }

    @Test
    void truncateRejectsNonNumericStep() throws IOException {
        Path f = dir.resolve(MetricsLog.FILE_NAME);
        Files.writeString(f, "{\"step\":1}\n{\"step\":\"two\"}\n", StandardCharsets.UTF_8);
        UserError e = assertThrows(UserError.class, () -> MetricsLog.truncateAfterStep(f, 3));
        assertTrue(e.getMessage().startsWith(f + ":2:") && e.getMessage().contains("'step'"), e.getMessage());
    }
}
