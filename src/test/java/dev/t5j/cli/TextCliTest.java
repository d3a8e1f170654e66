package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.decoding.Scorer;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.TokenizerFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 14: text in, text out from the command line, with the tokenizer the model folder carries. */
class TextCliTest {
    @TempDir
    static Path tmp;
    static Path model;
    static final List<String> INPUTS = List.of("question: where?", "héllo wörld", "x");

    @BeforeAll
    static void initModel() {
        model = tmp.resolve("m");
        CliTest.Run r = CliTest.run("model", "init", "--preset", "tiny-v1_1", "--seed", "5", "--vocab", "byte",
                "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(model.resolve(TokenizerFiles.T5J_VOCAB)));
    }

    /** Byte ids of the text plus EOS, as the byte vocabulary encodes inputs. */
    static int[] byteIds(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length + 1];
        for (int i = 0; i < b.length; i++) ids[i] = (b[i] & 0xff) + 3;
        ids[b.length] = 1;
        return ids;
    }

    @Test
    void generateTextPrintsOneLinePerInputAsTheIdLevelDecoderGives() throws Exception {
        CliTest.Run r = CliTest.run("generate", "--model", model.toString(), "--text", INPUTS.get(0), "--text",
                INPUTS.get(1), "--text", INPUTS.get(2), "--max-new-tokens", "6", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().trim().split("\n");
        assertEquals(INPUTS.size(), lines.length);
        int[][] want;
        try (T5ForConditionalGeneration m = Checkpoint.load(model)) {
            want = new Generator(m).generate(INPUTS.stream().map(TextCliTest::byteIds).toArray(int[][]::new),
                    GenerationConfig.greedy(6)).sequences();
        }
        try (T5j t5 = T5j.load(model)) {
            for (int i = 0; i < lines.length; i++) {
                JsonNode j = Json.readLine(Path.of("-"), i + 1, lines[i]);
                int[] ids = Json.MAPPER.convertValue(j.get("output_ids"), int[].class);
                assertArrayEquals(want[i], ids, INPUTS.get(i));
                assertEquals(t5.decode(want[i]), j.get("output").asText());
            }
            // plain output: the same texts, one line each; .txt and .jsonl input files give the same
            CliTest.Run plain = CliTest.run("generate", "--model", model.toString(), "--text", INPUTS.get(0),
                    "--text", INPUTS.get(1), "--text", INPUTS.get(2), "--max-new-tokens", "6");
            List<String> texts = Arrays.stream(want).map(t5::decode).toList();
            assertEquals(texts, Arrays.asList(plain.out().split("\n", -1)).subList(0, 3));
            Path txt = tmp.resolve("in.txt");
            Files.writeString(txt, String.join("\n", INPUTS) + "\n");
            Path jsonl = tmp.resolve("in.jsonl");
            StringBuilder sb = new StringBuilder();
            for (String s : INPUTS) sb.append(Json.write(java.util.Map.of("text", s))).append('\n');
            Files.writeString(jsonl, sb.toString());
            for (Path f : List.of(txt, jsonl)) {
                CliTest.Run fr = CliTest.run("generate", "--model", model.toString(), "--input-file", f.toString(),
                        "--max-new-tokens", "6", "--batch-size", "2");
                assertEquals(0, fr.code(), fr.err());
                assertEquals(plain.out(), fr.out(), f.toString());
            }
        }
    }

    @Test
    void scoreTextMatchesIdLevelScoreWithEosOnBothSides() {
        CliTest.Run r = CliTest.run("score", "--model", model.toString(), "--text", "question: where?",
                "--target-text", "here", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.readLine(Path.of("-"), 1, r.out().trim());
        try (T5ForConditionalGeneration m = Checkpoint.load(model)) {
            Scorer.Score s = new Scorer(m).score(new int[][] {byteIds("question: where?")},
                    new int[][] {byteIds("here")}, false)[0];
            assertEquals(s.sum(), j.get("sum").asDouble(), 1e-6);
            assertEquals(5, j.get("token_logprobs").size()); // 4 bytes + EOS
        }
    }

    @Test
    void textWithoutATokenizerOrMixedWithIdsIsAUserError() throws Exception {
        Path bare = tmp.resolve("bare");
        assertEquals(0, CliTest.run("model", "init", "--preset", "tiny", "--out", bare.toString()).code());
        CliTest.Run r = CliTest.run("generate", "--model", bare.toString(), "--text", "hi");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("carries no tokenizer") && !r.err().contains("at dev."), r.err());
        CliTest.Run over = CliTest.run("generate", "--model", bare.toString(), "--text", "hi", "--vocab", "byte",
                "--max-new-tokens", "2");
        assertEquals(0, over.code(), over.err());
        CliTest.Run mixed = CliTest.run("generate", "--model", model.toString(), "--text", "hi", "--input-ids", "4");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("not both"), mixed.err());
    }
}
