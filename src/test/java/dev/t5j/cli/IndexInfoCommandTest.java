package dev.t5j.cli;

import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.IndexDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IndexInfoCommandTest {
    @TempDir
    Path tmp;

    /** The picocli-captured run helper of {@link DataCommandTest}. */
    static DataCommandTest.Run run(String... args) {
        return DataCommandTest.run(args);
    }

    @Test
    void printsManifestFactsAndVerifies() throws IOException {
        List<Passage> ps = new ArrayList<>();
        float[][] v = new float[7][4];
        for (int i = 0; i < 7; i++) {
            ps.add(Passage.of("p" + i, "t", "x" + i));
            v[i][i % 4] = 1;
        }
        Path dir = tmp.resolve("idx");
        try (FlatIndex idx = FlatIndex.of(ps, v, IndexDtype.FP16, 3, "contriever-abc")) {
            idx.save(dir);
        }
        DataCommandTest.Run r = run("index", "info", dir.toString(), "--verify");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("type            flat (format version 1)"), r.out());
        assertTrue(r.out().contains("passages        7"), r.out());
        assertTrue(r.out().contains("dim             4"), r.out());
        assertTrue(r.out().contains("dtype           fp16"), r.out());
        assertTrue(r.out().contains("shards          3 (rows 2, 2, 3)"), r.out());
        assertTrue(r.out().contains("encoder         contriever-abc"), r.out());
        assertTrue(r.out().contains("verified"), r.out());
        DataCommandTest.Run j = run("index", "info", dir.toString(), "--json");
        assertTrue(j.out().contains("\"format\" : \"t5j-passage-index\""), j.out());

        Files.delete(dir.resolve("embeddings.00002.bin"));
        DataCommandTest.Run bad = run("index", "info", dir.toString(), "--verify");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().startsWith("t5j: error: ") && bad.err().contains("'embeddings.00002.bin' is missing"),
                bad.err());
        DataCommandTest.Run none = run("index", "info", tmp.resolve("nope").toString());
        assertEquals(2, none.rc());
        assertEquals("t5j: error: " + tmp.resolve("nope") + ": no such index directory", none.err().trim());
    }
}
