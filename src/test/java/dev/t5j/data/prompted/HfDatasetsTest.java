package dev.t5j.data.prompted;

import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java readers give the HF rows that make_fixture.py's independent Python conversion gives (the fixture rows
 * come from each dataset's validation/test split). Needs the shared data folder (../shared/data); skipped without it.
 */
class HfDatasetsTest {
    static final Path DATA = Path.of("../shared/data");
    static final Path ROWS = Path.of("src/test/resources/dev/t5j/prompts/rows");

    @Test
    @SuppressWarnings("unchecked")
    void readersMatchThePythonConversion() throws IOException {
        assumeTrue(Files.isDirectory(DATA.resolve("superglue")), "shared data folder not present");
        var all = HfDatasets.all();
        int compared = 0;
        for (var e : all.entrySet()) {
            Path f = ROWS.resolve(e.getKey().replace("/", "__") + ".jsonl");
            String split = e.getValue().containsKey("validation") ? "validation" : "test";
            List<Map<String, Object>> java = new ArrayList<>();
            for (Map<String, Object> r : new HfRowsSource(e.getKey(), DATA, e.getValue()).rows(split))
                java.add(Json.MAPPER.readValue(Json.write(r), Map.class)); // same number types as the fixture
            for (String line : Files.readAllLines(f)) {
                Map<String, Object> want = Json.MAPPER.readValue(line, Map.class);
                assertTrue(java.contains(want), e.getKey() + ": row not produced by the Java reader: " + line);
                compared++;
            }
        }
        assertTrue(compared >= 60, "rows compared: " + compared);
        assertEquals(8530, new HfRowsSource("rotten_tomatoes", DATA, all.get("rotten_tomatoes")).rows("train").size());
    }

    @Test
    void csvReadsQuotedFieldsAsPython() {
        assertEquals(List.of(List.of("3", "a \"b\", c", "x\ny"), List.of("1", "", "z")),
                Csv.read("3,\"a \"\"b\"\", c\",\"x\ny\"\r\n1,,z\n"));
    }
}
