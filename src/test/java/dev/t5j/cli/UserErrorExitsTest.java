package dev.t5j.cli;

import dev.t5j.engine.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16 item 5: user errors that used to end as "internal error" with a stack trace now exit 2 with one line that
 * names what is wrong and where (run in-process through the real command line).
 */
class UserErrorExitsTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path spiece;

    @BeforeAll
    static void init() throws Exception {
        model = tmp.resolve("m");
        CliTest.Run r = CliTest.run("model", "init", "--preset", "tiny", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        spiece = Path.of(UserErrorExitsTest.class.getResource("/tokenizer/t5/spiece.model").toURI());
    }

    /** Exit 2, one line (no stack trace), mentioning every {@code expected} fragment. */
    static void oneLine(CliTest.Run r, String... expected) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("t5j: error: "), err);
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("internal error") || err.contains("Exception") || err.contains("\tat "), err);
        for (String e : expected) assertTrue(err.contains(e), "'" + e + "' in: " + err);
    }

    @Test
    void outputUnderAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Path out = file.resolve("sub");
        oneLine(CliTest.run("model", "init", "--preset", "tiny", "--out", out.toString()), out.toString(), "is a file");
    }

    @Test
    void outputUnderProc() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        oneLine(CliTest.run("model", "init", "--preset", "tiny", "--out", "/proc/t5j-no-such-dir"),
                "/proc/t5j-no-such-dir");
    }

    @Test
    void fileOutputOntoADirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a-dir/child"));
        Path target = dir.getParent();
        oneLine(CliTest.run("synth", "--task", "copy", "--count", "3", "--out", target.toString()),
                target.toString(), "is a directory");
    }

    @Test
    void directoryOutputOntoAnExistingFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("existing-file"), "x");
        oneLine(CliTest.run("model", "init", "--preset", "tiny", "--out", file.toString()),
                file.toString(), "existing file");
    }

    @Test
    void threadsZero() {
        oneLine(CliTest.run("generate", "--model", model.toString(), "--input-ids", "5,6", "--threads", "0"),
                "--threads 0", "at least 1");
        oneLine(CliTest.run("synth", "--task", "copy", "--count", "3", "--threads", "0", "--out",
                tmp.resolve("s.tsv").toString()), "--threads 0");
    }

    @Test
    void unknownDevice() {
        oneLine(CliTest.run("generate", "--model", model.toString(), "--input-ids", "5,6", "--device", "tpu"),
                "--device 'tpu'", "cpu, cuda");
    }

    @Test
    void cudaWithoutCuda() {
        assumeTrue(!Torch.cudaAvailable(), "a machine without CUDA");
        oneLine(CliTest.run("generate", "--model", model.toString(), "--input-ids", "5,6", "--device", "cuda"),
                "--device 'cuda'", "CUDA is not available");
    }

    @Test
    void negativeExtraIds() {
        oneLine(CliTest.run("tokenize", "--vocab", spiece.toString(), "--extra-ids", "-3"), "--extra-ids -3");
        oneLine(CliTest.run("detokenize", "--vocab", spiece.toString(), "--extra-ids", "-1"), "--extra-ids -1");
    }

    @Test
    void evalVocabularyLargerThanTheEmbedding() {
        oneLine(CliTest.run("eval", "--model", model.toString(), "--task", "synth_reverse", "--synth-length", "4,12",
                        "--synth-pool", "68", "-n", "2", "--max-new-tokens", "4", "--vocab", spiece.toString()),
                "32100 ids", "512 rows");
    }

    @Test
    void nonUtf8MetricInputNamesTheLine() throws Exception {
        Path f = tmp.resolve("preds.jsonl");
        Files.write(f, ("{\"prediction\": \"a\", \"references\": [\"a\"]}\n{\"prediction\": \"")
                .getBytes(StandardCharsets.UTF_8));
        Files.write(f, new byte[] {(byte) 0xFF, (byte) 0xFE}, java.nio.file.StandardOpenOption.APPEND);
        Files.write(f, "\", \"references\": [\"b\"]}\n".getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
        oneLine(CliTest.run("metrics", "--input", f.toString(), "--metric", "squad"), f + ":2:", "UTF-8", "byte 17");
    }

    @Test
    void jsonErrorsCarryNoJacksonInternals() throws Exception {
        Path f = Files.writeString(tmp.resolve("ids.jsonl"), "{\"input_ids\": [5, 6], \"target_ids\": [7]\n");
        CliTest.Run r = CliTest.run("score", "--model", model.toString(), "--input-file", f.toString());
        oneLine(r, f + ":1:", "invalid JSON", "column");
        assertFalse(r.err().contains("Source:") || r.err().contains("StreamReadFeature")
                || r.err().contains("REDACTED"), r.err());
    }

    @Test
    void hugeMaxNewTokensIsRefusedUpFront() {
        // issue 16 item 3: 1e9 tokens used to preallocate int[batch][1e9] and end in OutOfMemoryError
        oneLine(CliTest.run("generate", "--model", model.toString(), "--input-ids", "5,6", "--max-new-tokens",
                "1000000000"), "1000000000", "key/value cache", "tokens fit");
        oneLine(CliTest.run("eval", "--model", model.toString(), "--task", "synth_reverse", "--synth-length", "4,12",
                "--synth-pool", "68", "-n", "2", "--max-new-tokens", "1000000000"), "1000000000", "tokens fit");
    }

    @Test
    void modelInfoRefusesAConfigThatDisagreesWithTheWeights() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("mismatch"));
        Files.copy(model.resolve("model.safetensors"), bad.resolve("model.safetensors"));
        String cfg = Files.readString(model.resolve("config.json"));
        Files.writeString(bad.resolve("config.json"), cfg.replace("\"d_ff\" : 128", "\"d_ff\" : 256")
                .replace("\"num_layers\" : 2", "\"num_layers\" : 3"));
        oneLine(CliTest.run("model", "info", bad.toString()), "disagrees", "encoder: config says 3 layers",
                "DenseReluDense.wi.weight has shape [128, 64]");
        assertEquals(0, CliTest.run("model", "info", model.toString()).code());
    }

    @Test
    void detokenizeRefusesNegativeIds() {
        java.io.InputStream old = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("5 -1 7\n".getBytes(StandardCharsets.UTF_8)));
            oneLine(CliTest.run("detokenize", "--vocab", spiece.toString()), "<stdin>:1", "id -1", "never negative");
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void cachingAHugeSyntheticSplitNeedsConsent() {
        Path out = tmp.resolve("cache");
        oneLine(CliTest.run("data", "cache", "--task", "synth_copy", "--out", out.toString()),
                "synth_copy", "100,000,000 examples", "--allow-large");
        assertFalse(Files.exists(out.resolve("synth_copy")), "nothing written");
    }
}
