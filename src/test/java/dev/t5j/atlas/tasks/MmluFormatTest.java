package dev.t5j.atlas.tasks;

import dev.t5j.atlas.AtlasTestData;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MmluFormatTest {
    @TempDir
    Path dir;

    @Test
    void sharedLayoutWithHeaderAndIndexAnswers() {
        List<Map<String, Object>> lines = MmluFormat.read(AtlasTestData.resource("atlas/abstract_algebra_dev.csv"));
        assertEquals(5, lines.size());
        assertEquals(Map.of("question", "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.",
                "options", Map.of("A", "0", "B", "1", "C", "2", "D", "3"), "answer", "B", "dataset",
                        "abstract_algebra_dev"), lines.get(0));
        // quoted fields with commas
        assertEquals(Map.of("A", "True, True", "B", "False, False", "C", "True, False", "D", "False, True"),
                lines.get(1).get("options"));
        assertTrue(((String) lines.get(1).get("question"))
                .startsWith("Statement 1 | If aH is an element of a factor group, then |aH|"));
        assertEquals(List.of("B", "B", "C", "A", "A"), lines.stream().map(l -> l.get("answer")).toList());
    }

    @Test
    void hendrycksLayoutAndMultilineQuotes() throws IOException {
        Path f = dir.resolve("astronomy_test.csv");
        Files.writeString(f, "\"Two\nlines, \"\"quoted\"\"\",a,b,c,d,D\r\nplain,1,2,3,4,A\n");
        List<Map<String, Object>> lines = MmluFormat.read(f);
        assertEquals("Two\nlines, \"quoted\"", lines.get(0).get("question"));
        assertEquals("D", lines.get(0).get("answer"));
        assertEquals("astronomy_test", lines.get(1).get("dataset"));
        Path out = dir.resolve("out.jsonl");
        AtlasData.writeJsonl(out, MmluFormat.readAll(dir));
        List<String> json = Files.readAllLines(out);
        assertEquals(2, json.size());
        assertEquals("{\"question\":\"plain\",\"options\":{\"A\":\"1\",\"B\":\"2\",\"C\":\"3\",\"D\":\"4\"},"
                + "\"answer\":\"A\",\"dataset\":\"astronomy_test\"}", json.get(1));
    }

    @Test
    void errorsNameTheLine() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "q,a,b,c,d,A\nq2,a,b,c,d,E\n");
        UserError e = assertThrows(UserError.class, () -> MmluFormat.read(f));
        assertEquals(f + ":2: field 'answer': expected A-D or 0-3, got 'E'", e.getMessage());
        Files.writeString(f, "q,a,b,A\n");
        e = assertThrows(UserError.class, () -> MmluFormat.read(f));
        assertTrue(e.getMessage().startsWith(f + ":1: expected 6 CSV fields"), e.getMessage());
        Files.writeString(f, "\"open,a,b,c,d,A\n");
        assertThrows(UserError.class, () -> MmluFormat.read(f));
    }
}
