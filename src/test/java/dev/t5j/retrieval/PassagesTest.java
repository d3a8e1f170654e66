package dev.t5j.retrieval;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PassagesTest {
    @TempDir
    Path tmp;

    private Path file(String name, String... lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    @Test
    void loadsAtlasPassagesMergingSectionAndKeepingExtras() throws IOException {
        Path a = file("a.jsonl",
                "{\"id\": \"0\", \"title\": \"Orchid\", \"text\": \"Orchids are plants.\", \"section\": " +
                        "\"Description\", \"url\": \"u0\"}",
                "",
                "{\"id\": 17, \"title\": \"Rose\", \"text\": \"A rose.\", \"section\": \"\"}");
        Path b = file("b.jsonl", "{\"id\": \"x\", \"text\": \"no title\", \"meta\": {\"n\": [1, 2]}}");
        List<Passage> ps = Passages.load(List.of(a, b));
        assertEquals(3, ps.size());
        assertEquals(new Passage("0", "Orchid: Description", "Orchids are plants.", Map.of("url", "u0")), ps.get(0));
        assertEquals("Rose", ps.get(1).title(), "an empty section leaves the title alone");
        assertEquals("17", ps.get(1).id(), "integer ids become their decimal text");
        assertEquals("", ps.get(2).title());
        assertEquals(Map.of("n", List.of(1, 2)), ps.get(2).extra().get("meta"));
        assertEquals("Orchid: Description Orchids are plants.", ps.get(0).retrieverText());
        assertEquals(2, Passages.load(List.of(a, b), 2).size(), "max_passages caps the count");
    }

    @Test
    void writtenPassagesLoadBackEqual() throws IOException {
        List<Passage> ps = List.of(new Passage("a", "T: s", "text \"quoted\"\nnewline", Map.of("k", 1, "l",
                List.of("x"))), Passage.of("b", "", "t"));
        StringWriter w = new StringWriter();
        Passages.write(w, ps);
        Path p = tmp.resolve("p.jsonl");
        Files.writeString(p, w.toString());
        assertEquals(ps, Passages.load(List.of(p)));
        assertEquals(Passages.checksum(ps), Passages.checksum(Passages.load(List.of(p))));
    }

    @Test
    void checksumDependsOnContentAndFieldBoundaries() {
        String c = Passages.checksum(List.of(Passage.of("1", "ab", "c")));
        assertNotEquals(c, Passages.checksum(List.of(Passage.of("1", "a", "bc"))));
        assertNotEquals(c, Passages.checksum(List.of(Passage.of("2", "ab", "c"))));
        assertEquals(c, Passages.checksum(List.of(new Passage("1", "ab", "c", Map.of("extra", 1)))),
                "extra fields do not change what is embedded");
    }

    private static String error(Path... files) {
        return assertThrows(UserError.class, () -> Passages.load(List.of(files))).getMessage();
    }

    @Test
    void badLinesNameFileLineAndField() throws IOException {
        Path f = file("bad.jsonl", "{\"id\": \"1\", \"text\": \"ok\"}", "{\"title\": \"t\", \"text\": \"no id\"}");
        assertEquals(f + ":2: field 'id': missing", error(f));
        f = file("bad2.jsonl", "{\"id\": \"1\", \"title\": \"t\"}");
        assertEquals(f + ":1: field 'text': missing", error(f));
        f = file("bad3.jsonl", "{\"id\": \"1\", \"text\": 5}");
        assertEquals(f + ":1: field 'text': expected a string, got number", error(f));
        f = file("bad4.jsonl", "{\"id\": [1], \"text\": \"x\"}");
        assertTrue(error(f).startsWith(f + ":1: field 'id': expected a string or an integer"));
        f = file("bad5.jsonl", "{\"id\": \"1\", \"text\": \"x\", \"title\": 3}");
        assertTrue(error(f).startsWith(f + ":1: field 'title': expected a string"));
        f = file("bad6.jsonl", "{\"id\": \"1\", \"text\": \"x\"", "");
        assertTrue(error(f).startsWith(f + ":1: invalid JSON"), error(f));
        f = file("bad7.jsonl", "[1, 2]");
        assertEquals(f + ":1: expected a JSON object", error(f));
    }

    @Test
    void duplicateIdsAcrossFilesAreRefusedNamingBothPlaces() throws IOException {
        Path a = file("a.jsonl", "{\"id\": \"7\", \"text\": \"x\"}");
        Path b = file("b.jsonl", "{\"id\": \"8\", \"text\": \"y\"}", "{\"id\": 7, \"text\": \"z\"}");
        assertEquals(b + ":2: field 'id': duplicate passage id '7' (first at " + a + ":1)", error(a, b));
    }

    @Test
    void missingFileIsAUserError() {
        assertEquals(tmp.resolve("nope.jsonl") + ": file not found", error(tmp.resolve("nope.jsonl")));
    }
}
