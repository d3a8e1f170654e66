package dev.t5j.data.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.BadLines;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.PreprocessContext;
import dev.t5j.data.Shard;
import dev.t5j.data.Task;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GLUE tasks: HyperFormer's splits, text-to-text format and targets, against values made with torch
* (glue_splits.json). */
class GlueTasksTest {
    static final Path DATA = Path.of("src/test/resources/data");
    static final JsonNode FX = Json.read(DATA.resolve("glue/glue_splits.json"));

    static DataCatalog catalog() {
        DataCatalog c = new DataCatalog();
        GlueTasks.register(c, new ByteVocabulary(), DATA);
        return c;
    }

    /** The raw text-to-text fields of a split (the format preprocessor only, before tokenizing). */
    static List<Example> formatted(Task t, String split) {
        List<Example> out = new ArrayList<>();
        try (ExampleIterator it = t.source().open(split, Shard.ALL, BadLines.stop())) {
            while (it.hasNext()) out.add(it.next());
        }
        List<Example> f = new ArrayList<>();
        PreprocessContext ctx = new PreprocessContext(t.name(), split, 0, 0, 0, Shard.ALL, t.outputFeatures(), Map.of(),
                BadLines.stop());
        for (Example e : out) f.add(t.preprocessors().get(0).apply(ExampleIterator.of(List.of(e)), ctx).next());
        return f;
    }

    @Test
    void permutationIsTorchRandpermSeeded42() {
        long[] p = HyperFormerSplits.permutation(1200);
        for (int i = 0; i < 10; i++) assertEquals(FX.get("perm_1200_first_10").get(i).asLong(), p[i]);
    }

    @Test
    void smallTasksSplitTheValidationSetInHalves() {
        Task rte = catalog().task("rte");
        List<Example> val = formatted(rte, "validation");
        List<Example> test = formatted(rte, "test");
        assertEquals(FX.get("rte_sizes").get(0).asInt(), val.size());
        assertEquals(FX.get("rte_sizes").get(1).asInt(), test.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(FX.get("rte_validation_first_3").get(i).get("inputs").asText(), val.get(i).string("inputs"));
            assertEquals(FX.get("rte_validation_first_3").get(i).get("targets").asText(), val.get(i).string("targets"));
            assertEquals(FX.get("rte_test_first_3").get(i).get("inputs").asText(), test.get(i).string("inputs"));
            assertEquals(FX.get("cola_test_first_3").get(i).get("inputs").asText(),
                    formatted(catalog().task("cola"), "test").get(i).string("inputs"));
        }
        assertEquals(30, formatted(rte, "train").size());
    }

    @Test
    void stsbTargetsRoundLikeNumpy() {
        FX.get("stsb_targets").fields().forEachRemaining(e ->
                assertEquals(e.getValue().asText(), GlueTasks.stsbTarget(Example.of("score", e.getKey()), e.getKey()),
                        e.getKey()));
    }

    @Test
    void boolqTargetsAreClassIdsAndPostprocessorsFollowHyperFormer() {
        List<Example> v = formatted(catalog().task("superglue-boolq"), "validation");
        assertEquals(20, v.size());
        assertTrue(v.get(0).string("inputs").startsWith("superglue-boolq question: "), v.get(0).string("inputs"));
        assertTrue(List.of("0", "1").contains(v.get(0).string("targets")));
        assertEquals("-1", GlueTasks.STRING_TO_INT.apply("yes", null, false));
        assertEquals("1", GlueTasks.STRING_TO_INT.apply(" 1", null, false));
        assertEquals("-1.0", GlueTasks.STRING_TO_FLOAT.apply("n/a", null, false));
        assertEquals(List.of("mcc"), catalog().task("cola").metricNames());
        assertEquals(List.of("f1_invalid", "accuracy"), catalog().task("mrpc").metricNames());
    }

    @Test
    void missingFilesNameTheFile() {
        UserError e = assertThrows(UserError.class, () -> formatted(catalog().task("qqp"), "train"));
        assertTrue(e.getMessage().contains("QQP"), e.getMessage());
    }
}
