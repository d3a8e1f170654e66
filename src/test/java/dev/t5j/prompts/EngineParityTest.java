package dev.t5j.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Jinja2 behaviour closed over Jinjava (truncate, Python str() of values, round, slices, str/list/dict methods,
 * most_frequent, seeded choice, zip, ...) on synthetic values, against Python Jinja2 (engine.jsonl by make_fixture.py).
 */
class EngineParityTest {
    @Test
    @SuppressWarnings("unchecked")
    void jinja2BehaviourOnSyntheticValues() throws IOException {
        List<String> diffs = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(Path.of("src/test/resources/dev/t5j/prompts/engine.jsonl"))) {
            JsonNode g = Json.MAPPER.readTree(line);
            Map<String, Object> vars = Json.MAPPER.convertValue(g.get("vars"), Map.class);
            String src = g.get("jinja").asText();
            String out;
            try {
                out = JinjaEnvironment.get().render(Prompts.printAsPython(src), vars, new PyRandom(0));
            } catch (RuntimeException e) {
                out = "ERROR " + e.getMessage();
            }
            n++;
            String want = g.has("out") ? g.get("out").asText() : "ERROR";
            if (!want.equals(out) && !(want.equals("ERROR") && out.startsWith("ERROR")))
                diffs.add(src + "\n  python " + want.replace("\n", "\\n") + "\n  java   " + out.replace("\n", "\\n"));
        }
        assertEquals(15, n);
        assertEquals("", String.join("\n", diffs));
    }

    @Test
    void pythonRandomChoiceSequence() {
        // random.seed(s); [random.choice(range(n)) for n in (1, 2, 3, 5, 17, 1000)], random.getrandbits(32)
        long[][] want = {{0, 0, 1, 0, 2, 16, 497, 1739178872L}, {1, 0, 0, 1, 0, 15, 779, 1930549411L},
                {7, 0, 0, 1, 0, 2, 840, 2301595691L}, {1099511627779L, 0, 0, 2, 0, 9, 924, 2995421218L}};
        int[] sizes = {1, 2, 3, 5, 17, 1000};
        for (long[] w : want) {
            PyRandom r = new PyRandom(w[0]);
            for (int i = 0; i < sizes.length; i++) assertEquals(w[i + 1], r.randBelow(sizes[i]), "seed " + w[0]);
            assertEquals(w[7], r.nextUint32());
        }
    }
}
