package dev.t5j.data.prompted;

import dev.t5j.common.UserError;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Prompted tasks, score_eval twins and T0 mixtures on a tiny data dir (SuperGLUE RTE rows written here). */
class PromptedTasksTest {
    @TempDir
    static Path data;
    static DataCatalog catalog;
    static final ByteVocabulary VOCAB = new ByteVocabulary();

    @BeforeAll
    static void setUp() throws IOException {
        PromptedTestData.copyTemplates(data);
        PromptedTestData.writeRte(data, 2);
        // a dataset over the cap: gigaword (train_size 3,803,957) with 4 templates here
        Path giga = data.resolve("promptsource/templates/gigaword");
        Files.createDirectories(giga);
        StringBuilder y = new StringBuilder("dataset: gigaword\ntemplates:\n");
        for (int i = 0; i < 4; i++)
            y.append("  id").append(i).append(": !Template\n    id: id").append(i).append("\n    name: t").append(i)
                    .append("\n    jinja: '{{document}} ||| {{summary}}'\n    reference: ''\n");
        Files.writeString(giga.resolve("templates.yaml"), y.toString());
        catalog = new DataCatalog();
        PromptedTasks.register(catalog, VOCAB, data);
    }

    static List<Example> read(String task, String split) {
        List<Example> out = new ArrayList<>();
        try (ExampleIterator it = catalog.task(task).open(ReadOptions.split(split).withEpochs(1))) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void tasksAreNamedAsTZeroAndRenderInputsWithoutEosTargetsWithEos() {
        assertEquals("super_glue_rte_GPT_3_style", PromptedTasks.taskName("super_glue", "rte", "GPT-3 style"));
        assertEquals("super_glue_wsc.fixed_does_p_stand_for", PromptedTasks.taskName("super_glue", "wsc.fixed",
                "does p stand for"));
        List<Example> ex = read("super_glue_rte_GPT_3_style", "validation");
        assertEquals(2, ex.size());
        assertEquals("A cat sat.\nQuestion: An animal sat. True or False?", ex.get(0).string("inputs_pretokenized"));
        assertArrayEquals(VOCAB.encode("A cat sat.\nQuestion: An animal sat. True or False?"), ex.get(0).tokens(
                "inputs"));
        int[] t = ex.get(1).tokens("targets");
        assertEquals(VOCAB.eosId(), t[t.length - 1]);
        assertEquals("False", ex.get(1).string("targets_pretokenized"));
    }

    @Test
    void scoreEvalHasOneRowPerChoiceWithIsCorrect() {
        List<Example> ex = read("super_glue_rte_GPT_3_style_score_eval", "validation");
        assertEquals(4, ex.size());
        assertEquals(List.of("True", "False", "True", "False"), ex.stream().map(e -> e.string("targets_pretokenized"))
                .toList());
        assertEquals(List.of(true, false, false, true), ex.stream().map(e -> (Boolean) e.get("is_correct")).toList());
        assertEquals(List.of(0L, 0L, 1L, 1L), ex.stream().map(e -> e.get("idx")).toList());
    }

    @Test
    void t0MixturesFollowTZeroListsAndCaps() {
        Mixture m = catalog.mixture("t0_train");
        // glue/mrpc is BASE with train_size 3,668 <= 500,000: rate = train_size for each of its templates
        Mixture.Entry mrpc = m.entries().stream().filter(e -> e.name().equals("glue_mrpc_equivalent")).findFirst()
                .orElseThrow();
        assertEquals(3668.0, mrpc.rate().compute(null, null));
        // gigaword 3,803,957 > 500,000: 500,000 // 4 templates each
        Mixture.Entry giga = m.entries().stream().filter(e -> e.name().equals("gigaword_t0")).findFirst().orElseThrow();
        assertEquals(125_000.0, giga.rate().compute(null, null));
        assertTrue(m.entries().stream().noneMatch(e -> e.name().startsWith("super_glue_")), "SuperGLUE only in t0++");
        assertTrue(catalog.mixture("t0++_train").entries().stream().anyMatch(e -> e.name().startsWith(
                "super_glue_wsc")));
        assertTrue(catalog.mixture("t0_eval_score_eval").entries().stream().anyMatch(e -> e.name().equals(
                "super_glue_rte_GPT_3_style_score_eval")));
        // a member whose dataset is not on disk says so when read
        Task qqp = catalog.task("gigaword_t0");
        UserError err = assertThrows(UserError.class, () -> qqp.check(ReadOptions.split("train")));
        assertTrue(err.getMessage().contains("gigaword is not on disk"), err.getMessage());
    }
}
