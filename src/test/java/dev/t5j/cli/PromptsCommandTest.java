package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code t5j prompts list|render}: output format of issue 11 and one-line errors with exit 2. */
class PromptsCommandTest {
    static final Path T = Path.of("src/test/resources/dev/t5j/prompts/templates");
    static final Path RTE = T.resolve("super_glue/rte/templates.yaml");

    @TempDir
    Path tmp;

    @Test
    void listShowsTemplatesOriginalTaskAndChoices() {
        CliTest.Run r = CliTest.run("prompts", "list", "--templates", T.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("super_glue/rte  (10 templates)"), r.out());
        assertTrue(r.out().contains("  GPT-3 style  original_task=true  choices=True ||| False"), r.out());
        assertTrue(r.out().contains("19 files, 157 templates"), r.out());
    }

    @Test
    void renderWritesOneLinePerExampleAndTemplateInInputOrder() throws IOException {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in,
                "{\"premise\": \"A cat sat.\", \"hypothesis\": \"An animal sat.\", \"label\": 0, \"idx\": 0}\n"
                + "{\"premise\": \"It ||| rained.\", \"hypothesis\": \"Dry.\", \"label\": 1, \"idx\": 1}\n");
        CliTest.Run r = CliTest.run("prompts", "render", "--templates", RTE.toString(), "--input", in.toString(),
                "--template", "GPT-3 style", "--template", "MNLI crowdsource", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertEquals("GPT-3 style", first.get("template").asText());
        assertEquals("8fb1c6aa-20e9-438c-bece-c6af1c746449", first.get("id").asText());
        assertEquals("A cat sat.\nQuestion: An animal sat. True or False?", first.get("inputs").asText());
        assertEquals("True", first.get("targets").asText());
        assertEquals("[\"True\",\"False\"]", first.get("answer_choices").toString());
        JsonNode second = Json.MAPPER.readTree(lines.get(1));
        assertTrue(second.get("inputs").asText().startsWith("It ||| rained."), "protected pipes: " + second);
        assertEquals("False", second.get("targets").asText());
        assertEquals("MNLI crowdsource", Json.MAPPER.readTree(lines.get(2)).get("template").asText());
    }

    @Test
    void undefinedFieldIsOneLineErrorNamingFileTemplateAndLine() throws IOException {
        Path in = tmp.resolve("bad.jsonl");
        Files.writeString(in,
                "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": 0}\n{\"premise\": \"p\", \"label\": 0}\n");
        CliTest.Run r = CliTest.run("prompts", "render", "--templates", RTE.toString(), "--input", in.toString(),
                "--template", "GPT-3 style");
        assertEquals(2, r.code());
        assertEquals("", r.out(), "nothing half-written");
        assertTrue(r.err().contains(in + ":2: template 'GPT-3 style'"), r.err());
        assertTrue(r.err().contains("hypothesis"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void targetOutsideChoicesAndBadYamlAreUserErrors() throws IOException {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, "{\"premise\": \"p\", \"hypothesis\": \"h\", \"label\": 5}\n");
        CliTest.Run r = CliTest.run("prompts", "render", "--templates", RTE.toString(), "--input", in.toString(),
                "--template", "GPT-3 style");
        assertEquals(2, r.code());
        assertFalse(r.err().contains("Exception"), r.err());
        Path bad = tmp.resolve("templates.yaml");
        Files.writeString(bad, "dataset: x\ntemplates:\n  a: !Template\n    name: [unclosed\n");
        r = CliTest.run("prompts", "list", "--templates", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(bad.toString()), r.err());
    }
}
