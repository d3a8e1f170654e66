package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.prompted.PromptedTestData;
import dev.t5j.decoding.RankScorer;
import dev.t5j.eval.RankFile;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.NaiveT5;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code t5j rank} scores equal an independent double-precision computation (NaiveT5: plain-Java T5, log-softmax in
 * double, sum over the choice's tokens with EOS) on a random checkpoint, to < 1e-4; shared-encoder and per-pair
 * scoring agree; predictions are the argmax and the accuracy counts labelled lines.
 */
class RankCommandTest {
    @TempDir
    Path tmp;

    @Test
    void scoresMatchDoublePrecisionReference() throws IOException {
        Path model = tmp.resolve("m");
        assertEquals(0, CliTest.run("model", "init", "--preset", "tiny-v1_1", "--seed", "5", "--out", model.toString(
                )).code());
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, """
                {"inputs": "Is a cat an animal? Yes or no?", "choices": ["Yes", "No"], "label": 0}
                {"inputs": "Pick one: red, green, blue, or a much longer colour name", \
                "choices": ["red", "green", "blue", "a much longer colour name"], "label": 3}
                {"inputs": "x", "choices": ["a", "bb", "ccc"]}
                """);
        CliTest.Run r = CliTest.run("rank", "--model", model.toString(), "--vocab", "byte", "--input", in.toString(),
                "--batch", "2", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(4, out.size(), r.out());
        List<RankFile.Line> lines = RankFile.read(in);
        ByteVocabulary v = new ByteVocabulary();
        int hits = 0;
        try (T5ForConditionalGeneration m = Checkpoint.load(model)) {
            NaiveT5 ref = new NaiveT5(m);
            List<RankScorer.Item> items = RankFile.tokenize(v, lines);
            RankScorer.Result[] pairs = new RankScorer(m, 1).scorePairs(items);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode got = Json.MAPPER.readTree(out.get(i));
                RankScorer.Item it = items.get(i);
                double[] want = new double[it.choices().length];
                for (int k = 0; k < want.length; k++) {
                    int[] c = it.choices()[k];
                    assertEquals(v.eosId(), c[c.length - 1], "choices end with EOS");
                    want[k] = reference(ref, it.input(), c);
                    assertEquals(want[k], got.get("scores").get(k).asDouble(), 1e-4, "line " + i + " choice " + k);
                    assertEquals(want[k], pairs[i].scores()[k], 1e-4, "per-pair scoring, line " + i + " choice " + k);
                }
                assertEquals(RankScorer.argmax(want), got.get("prediction").asInt());
                if (lines.get(i).label() >= 0 && RankScorer.argmax(want) == lines.get(i).label()) hits++;
            }
        }
        JsonNode acc = Json.MAPPER.readTree(out.get(3));
        assertEquals(100.0 * hits / 2, acc.get("accuracy").asDouble(), 1e-9);
        assertEquals(2, acc.get("examples").asInt());
    }

    /** Σ_t log softmax(logits_t)[c_t] in double, decoder input = [start] + c[:-1]; the input has no EOS. */
    static double reference(NaiveT5 ref, int[] input, int[] choice) {
        int[] dec = new int[choice.length];
        for (int t = 1; t < choice.length; t++) dec[t] = choice[t - 1];
        double[][] logits = ref.logits(input, dec);
        double sum = 0;
        for (int t = 0; t < choice.length; t++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (double x : logits[t]) max = Math.max(max, x);
            for (double x : logits[t]) z += Math.exp(x - max);
            sum += logits[t][choice[t]] - max - Math.log(z);
        }
        return sum;
    }

    @Test
    void promptedScoreEvalTaskGivesAccuracyPerPromptAndMedianPerDataset() throws IOException {
        Path model = tmp.resolve("m2");
        assertEquals(0, CliTest.run("model", "init", "--preset", "tiny", "--seed", "2", "--out", model.toString())
                .code());
        Path data = tmp.resolve("data");
        Path t = data.resolve("promptsource/templates/super_glue/rte");
        Files.createDirectories(t);
        Files.copy(Path.of("src/test/resources/dev/t5j/prompts/templates/super_glue/rte/templates.yaml"), t.resolve(
                "templates.yaml"));
        PromptedTestData.writeRte(data, 3);
        CliTest.Run r = CliTest.run("rank", "--model", model.toString(), "--vocab", "byte", "--data-dir", data
                .toString(),
                "--task", "super_glue_rte_GPT_3_style_score_eval", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        JsonNode task = Json.MAPPER.readTree(out.get(0)), ds = Json.MAPPER.readTree(out.get(1));
        assertEquals(3, task.get("examples").asInt());
        // the same examples through the file path: rendered inputs, choices True/False, label from the target
        Path in = tmp.resolve("rte.jsonl");
        Files.writeString(in, """
                {"inputs": "A cat sat.\\nQuestion: An animal sat. True or False?", \
                "choices": ["True", "False"], "label": 0}
                {"inputs": "It rained.\\nQuestion: It was dry. True or False?", \
                "choices": ["True", "False"], "label": 1}
                {"inputs": "He ran.\\nQuestion: He moved. True or False?", "choices": ["True", "False"], "label": 0}
                """);
        CliTest.Run f = CliTest.run("rank", "--model", model.toString(), "--vocab", "byte", "--input", in.toString(),
                "--json");
        assertEquals(0, f.code(), f.err());
        double fileAcc = Json.MAPPER.readTree(f.out().lines().toList().get(3)).get("accuracy").asDouble();
        assertEquals(fileAcc, task.get("accuracy").asDouble(), 1e-9);
        assertEquals(task.get("accuracy").asDouble(), ds.get("median").asDouble(), 1e-9);
        assertEquals(1, ds.get("prompts").asInt());
    }

    @Test
    void badLinesAreUserErrors() throws IOException {
        Path in = tmp.resolve("bad.jsonl");
        Files.writeString(in, "{\"inputs\": \"q\", \"choices\": [\"a\"], \"label\": 3}\n");
        CliTest.Run r = CliTest.run("rank", "--model", tmp.resolve("none").toString(), "--vocab", "byte", "--input",
                in.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(in + ":1: field 'label'"), r.err());
    }
}
