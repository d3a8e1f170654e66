package dev.t5j.data.tasks;

import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Postprocessor;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TaskConfigTest {
    static final Path RES = Path.of("src/test/resources/data");
    static final ByteVocabulary V = new ByteVocabulary(100);

    @TempDir
    Path tmp;

    static List<Example> read(ExampleIterator it, int max) {
        List<Example> l = new ArrayList<>();
        try (it) {
            while (it.hasNext() && l.size() < max) l.add(it.next());
        }
        return l;
    }

    @Test
    void jsonDefinitionsBuildWorkingTasksAndMixtures() {
        DataCatalog c = new DataCatalog();
        List<String> names = TaskConfig.load(RES.resolve("tasks.json"), c, V, null, PreprocessorRegistry.standard());
        assertEquals(List.of("nq_from_config", "wiki_span_corruption", "config_mix"), names);
        Task nq = c.task("nq_from_config");
        assertEquals(List.of("squad"), nq.metricNames());
        assertEquals(Postprocessor.QA, nq.postprocessor());
        Example e = read(nq.open(ReadOptions.split("validation")), 1).get(0);
        assertEquals("nq question: when was the last time anyone was on the moon", e.string("inputs_pretokenized"));
        assertEquals("14 December 1972 UTC", e.string("targets_pretokenized"));
        assertEquals(List.of("14 December 1972 UTC", "December 1972"), e.strings("answers"));
        assertEquals(1, e.tokens("inputs")[e.tokens("inputs").length - 1]);

        Task sc = c.task("wiki_span_corruption");
        assertEquals(2, sc.cacheBoundary());
        List<Example> pieces = read(sc.open(ReadOptions.split("train").withSequenceLengths(Map.of("inputs", 512,
                "targets", 114))), 100);
        assertEquals(512, pieces.get(0).tokens("inputs").length);
        assertEquals(114, pieces.get(0).tokens("targets").length);

        var w = c.mixture("config_mix").weightedTasks(ReadOptions.split("train"));
        assertEquals(0.75, w.get(0).weight(), 1e-12);
    }

    @Test
    void yamlDefinitions() {
        DataCatalog c = new DataCatalog();
        TaskConfig.load(RES.resolve("tasks.yaml"), c, V, null, PreprocessorRegistry.standard());
        List<Example> ex = read(c.task("wiki_ssm").open(ReadOptions.split("validation")), 1000);
        assertFalse(ex.isEmpty());
        for (Example e : ex) {
            assertTrue(e.string("inputs_pretokenized").startsWith("nem: ")
                    && e.string("inputs_pretokenized").contains("_X_"));
            assertFalse(e.string("targets_pretokenized").isEmpty());
        }
        var w = c.mixture("yaml_mix").weightedTasks(ReadOptions.split("train"));
        assertEquals(1.0, w.get(0).weight(), 1e-12);
    }

    private UserError loadError(String json) throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, json);
        return assertThrows(UserError.class, () -> TaskConfig.load(f, new DataCatalog(), V, null,
                PreprocessorRegistry.standard()));
    }

    @Test
    void mixturesResolveInDependencyOrderAndCyclesAreRefused() throws IOException {
        String src = "\"source\": {\"type\": \"jsonl\", \"splits\": {\"train\": \"x.jsonl\"}}";
        Path f = tmp.resolve("mix.json");
        // 'outer' names 'inner', defined after it in the same file
        Files.writeString(f, "{\"tasks\": [{\"name\": \"t\", " + src + "}], \"mixtures\": ["
                + "{\"name\": \"outer\", \"tasks\": [{\"name\": \"inner\", \"rate\": 1}]},"
                + "{\"name\": \"inner\", \"tasks\": [{\"name\": \"t\", \"rate\": 1}]}]}");
        DataCatalog c = new DataCatalog();
        assertEquals(List.of("t", "inner", "outer"), TaskConfig.load(f, c, V, null, PreprocessorRegistry.standard()));
        assertSame(c.task("t"), c.mixture("outer").weightedTasks(ReadOptions.split("train")).get(0).task());
        UserError e = loadError("{\"mixtures\": [{\"name\": \"x\", \"tasks\": [{\"name\": \"y\", \"rate\": 1}]},"
                + "{\"name\": \"y\", \"tasks\": [{\"name\": \"x\", \"rate\": 1}]}]}");
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("cycle"), e.getMessage());
        e = loadError("{\"mixtures\": [{\"name\": \"m\", \"tasks\": [{\"name\": \"nope\", \"rate\": 1}]}]}");
        assertTrue(e.getMessage().contains("mixtures[0].tasks[0]")
                && e.getMessage().contains("no task or mixture named"),
                e.getMessage());
    }

    @Test
    void errorsNameTheFileAndTheField() throws IOException {
        String src = "\"source\": {\"type\": \"jsonl\", \"splits\": {\"train\": \"x.jsonl\"}}";
        UserError e = loadError("{\"tasks\": [{\"name\": \"t\", " + src
                + ", \"preprocessors\": [\"tokenize\", \"tokenise\"]}]}");
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("tasks[0].preprocessors[1].name")
                && e.getMessage().contains("unknown preprocessor 'tokenise'")
                        && e.getMessage().contains("known: "), e.getMessage());
        e = loadError("{\"tasks\": [{\"name\": \"t\", " + src
                + ", \"preprocessors\": [{\"name\": \"template\", \"field\": \"inputs\", \"templat\": \"x\"}]}]}");
        assertTrue(e.getMessage().contains("unknown parameter [templat]")
                && e.getMessage().contains("allowed: field, template"), e.getMessage());
        e = loadError("{\"tasks\": [{\"name\": \"t\", \"source\": {\"type\": \"csv\", \"splits\": {\"train\": " +
                "\"x\"}}}]}");
        assertTrue(e.getMessage().contains("tasks[0].source.type")
                && e.getMessage().contains("unknown source type 'csv'"), e.getMessage());
        e = loadError("{\"tasks\": [{\"name\": \"t\", " + src + ", \"postprocesor\": \"qa\"}]}");
        assertTrue(e.getMessage().contains("tasks[0].postprocesor")
                && e.getMessage().contains("unknown key"), e.getMessage());
        e = loadError("{\"mixtures\": [{\"name\": \"m\", \"tasks\": [{\"name\": \"a\", \"rate\": -1}]}]}");
        assertTrue(e.getMessage().contains("mixtures[0].tasks[0].rate")
                && e.getMessage().contains(">= 0"), e.getMessage());
        e = loadError("{\"tasks\": [ {\"name\": \"t\"");
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("invalid JSON"), e.getMessage());
        e = loadError("{\"tasks\": [{\"name\": \"t\", \"source\": {\"type\": \"jsonl\", \"splits\": {\"train\": " +
                "\"${data_dir}/x.jsonl\"}}}]}");
        assertTrue(e.getMessage().contains("${data_dir}"), e.getMessage());
    }

    @Test
    void dataFilesAreCheckedBeforeWork() throws IOException {
        Path f = tmp.resolve("t.json");
        Files.writeString(f,
                "{\"tasks\": [{\"name\": \"t\", \"source\": {\"type\": \"jsonl\", \"splits\": {\"train\": " +
                        "\"${data_dir}/missing.jsonl\"}}}]}");
        DataCatalog c = new DataCatalog();
        TaskConfig.load(f, c, V, tmp, PreprocessorRegistry.standard());
        var e = assertThrows(UserError.class, () -> c.task("t").check(ReadOptions.split("train")));
        assertTrue(e.getMessage().contains(tmp.resolve("missing.jsonl").toAbsolutePath().toString())
                && e.getMessage().contains("file not found"), e.getMessage());
    }
}
