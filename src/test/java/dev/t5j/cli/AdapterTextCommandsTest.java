package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --adapter} on the text paths of score and generate and on rank (they had run the model without it), and
 * the refusals of serve and eval for an Atlas model. The adapter is the PEFT LoRA fixture; the model has its base's
 * shapes with a byte vocabulary, so texts tokenize.
 */
class AdapterTextCommandsTest {
    static final Path ADAPTER = Path.of("src/test/resources/adapters/peft-lora/adapter");
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void textModelWithTheAdaptersBaseShapes() throws Exception {
        model = tmp.resolve("m");
        T5Config base = Checkpoint.readConfig(Path.of("src/test/resources/adapters/peft-lora/base"));
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(
                base.withVocabSize(new ByteVocabulary().vocabSize()), 5)) {
            Checkpoint.save(m, model);
        }
        ModelVocabulary.save(model, new ByteVocabulary(), null);
    }

    static double scoreSum(String... extra) {
        String[] args = {"score", "--model", model.toString(), "--text", "abc", "--target-text", "xyz", "--json",
                "--threads", "1"};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        CliTest.Run r = CliTest.run(all);
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.readLine(Path.of("-"), 1, r.out().trim());
        return n.get("sum").asDouble();
    }

    @Test
    void scoreAndGenerateTextRunTheAdapter() {
        double plain = scoreSum();
        double adapted = scoreSum("--adapter", ADAPTER.toString());
        assertTrue(Math.abs(plain - adapted) > 1e-4, "the text path must run the adapter: " + plain + " both");
        // generate: the text path gives the text of what the ids path (which always ran the adapter) generates
        ByteVocabulary bytes = new ByteVocabulary();
        int[] in = bytes.encode("abc");
        StringBuilder ids = new StringBuilder();
        for (int id : in) ids.append(id).append(',');
        ids.append(bytes.eosId());
        CliTest.Run byIds = CliTest.run("generate", "--model", model.toString(), "--input-ids", ids.toString(),
                "--max-new-tokens", "6", "--min-new-tokens", "6", "--threads", "1", "--adapter", ADAPTER.toString());
        assertEquals(0, byIds.code(), byIds.err());
        int[] out = Arrays.stream(byIds.out().trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        CliTest.Run byText = CliTest.run("generate", "--model", model.toString(), "--text", "abc",
                "--max-new-tokens", "6", "--min-new-tokens", "6", "--threads", "1", "--adapter", ADAPTER.toString());
        assertEquals(0, byText.code(), byText.err());
        assertEquals(bytes.decode(out).stripTrailing(), byText.out().stripTrailing().replace("\\n", "\n"));
    }

    @Test
    void rankRunsTheAdapter() throws Exception {
        Path in = tmp.resolve("rank.jsonl");
        Files.writeString(in, "{\"inputs\": \"abc\", \"choices\": [\"x\", \"yz\"]}\n");
        String[] args = {"rank", "--model", model.toString(), "--vocab", "byte", "--input", in.toString(), "--json",
                "--threads", "1"};
        CliTest.Run plain = CliTest.run(args);
        assertEquals(0, plain.code(), plain.err());
        String[] withAdapter = Arrays.copyOf(args, args.length + 2);
        withAdapter[args.length] = "--adapter";
        withAdapter[args.length + 1] = ADAPTER.toString();
        CliTest.Run adapted = CliTest.run(withAdapter);
        assertEquals(0, adapted.code(), adapted.err());
        double a = Json.readLine(Path.of("-"), 1, plain.out().lines().findFirst().orElseThrow()).get("scores").get(0)
                .asDouble();
        double b = Json.readLine(Path.of("-"), 1, adapted.out().lines().findFirst().orElseThrow()).get("scores")
                .get(0).asDouble();
        assertTrue(Math.abs(a - b) > 1e-4, "rank must run the adapter: " + a + " both");
    }

    @Test
    void serveRefusesBf16AndAdaptersForAnAtlasModel() throws Exception {
        Path atlas = Files.createDirectories(tmp.resolve("atlas"));
        Files.writeString(atlas.resolve("atlas.json"), "{}");
        CliTest.Run bf16 = CliTest.run("serve", "--model", atlas.toString(), "--port", "0", "--dtype", "bf16");
        assertEquals(2, bf16.code(), bf16.err());
        assertTrue(bf16.err().contains("--dtype bf16: an Atlas model is served in fp32"), bf16.err());
        CliTest.Run adapter = CliTest.run("serve", "--model", atlas.toString(), "--port", "0", "--adapter",
                ADAPTER.toString());
        assertEquals(2, adapter.code(), adapter.err());
        assertTrue(adapter.err().contains("--adapter: an Atlas model is served without adapters"), adapter.err());
        Path cfg = tmp.resolve("atlas.yaml");
        Files.writeString(cfg, "atlas:\n  n_context: 2\n");
        CliTest.Run eval = CliTest.run("eval", "--model", atlas.toString(), "--config", cfg.toString(), "--dtype",
                "bf16");
        assertEquals(2, eval.code(), eval.err());
        assertTrue(eval.err().contains("--dtype bf16: Atlas evaluation runs in fp32"), eval.err());
    }
}
