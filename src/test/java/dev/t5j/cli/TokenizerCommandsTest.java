package dev.t5j.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** tokenize / detokenize / vocab train / bench tokenizer through the real command line. */
class TokenizerCommandsTest {
    @TempDir
    Path dir;

    private final InputStream oldIn = System.in;
    private final PrintStream oldOut = System.out;
    private ByteArrayOutputStream out;
    private StringWriter err;

    @BeforeEach
    void capture() {
        out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setIn(oldIn);
        System.setOut(oldOut);
    }

    private static String res(String name) {
        try {
            return Path.of(TokenizerCommandsTest.class.getResource("/tokenizer/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private int run(byte[] stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin));
        out.reset();
        CommandLine cl = T5jCli.commandLine();
        err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private int run(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tokenizePrintsIdsAndPiecesPerLine() {
        String model = res("t5/spiece.model");
        assertEquals(0, run("Hello world\nThe <extra_id_0> fox\n\n", "tokenize", "--vocab", model));
        assertEquals("8774 296\n37 32099 3 20400\n\n", stdout());
        assertEquals(0, run("Hello world\n", "tokenize", "--vocab", model, "--pieces", "--add-eos"));
        assertEquals("\u2581Hello \u2581world </s>\n", stdout());
        assertEquals(0, run("unaffable Hello\n", "tokenize", "--vocab", res("bert/vocab.txt"), "--pieces"));
        assertEquals("una ##ffa ##ble hello\n", stdout());
    }

    @Test
    void detokenizeReversesTokenize() throws Exception {
        String model = res("t5/spiece.model");
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "  Hello   world \nCafé ｆｕｌｌ width\n");
        assertEquals(0, run("", "tokenize", "--vocab", model, "--input", in.toString()));
        String ids = stdout();
        assertEquals(0, run(ids, "detokenize", "--vocab", model));
        assertEquals("Hello world\nCafé full width\n", stdout());
        assertEquals(0, run("0 1960 19 2 1245 239 1\n", "detokenize", "--vocab", model, "--keep-special"));
        assertEquals("<pad> Today is<unk> nice day</s>\n", stdout());
        assertEquals(0, run("\u2581Hello \u2581world\n", "detokenize", "--vocab", model));
        assertEquals("Hello world\n", stdout());
        assertEquals(0, run("super bowl 50 ?\n", "detokenize", "--vocab", res("bert/vocab.txt")));
        assertEquals("super bowl 50 ?\n", stdout(), "a numeric piece in a line of pieces stays a piece");
    }

    @Test
    void badInputIsAnErrorNamingTheLine() {
        String model = res("t5/spiece.model");
        byte[] bad = {'o', 'k', '\n', 'x', (byte) 0xFE, '\n'};
        assertEquals(2, run(bad, "tokenize", "--vocab", model));
        assertTrue(err.toString().contains("<stdin>:2: invalid UTF-8"), err.toString());
        assertEquals(2, run("5 999999\n", "detokenize", "--vocab", model));
        assertTrue(err.toString().contains("<stdin>:1: id 999999 is outside"), err.toString());
        assertEquals(2, run("x\n", "tokenize", "--vocab", dir.resolve("nope.model").toString()));
        assertTrue(err.toString().contains("nope.model: file not found"), err.toString());
        assertFalse(err.toString().contains("Exception"), "no stack trace: " + err);
    }

    @Test
    void vocabTrainWritesAModelThatTokenizes() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) lines.add("the cat sat on the mat number " + i
                + " while the dog ran to the park");
        Files.write(corpus, lines);
        Path outDir = dir.resolve("vocab");
        assertEquals(0, run("", "vocab", "train", "--input", corpus.toString(), "--vocab-size", "60", "--model-type",
                "bpe",
                "--out", outDir.toString()), err::toString);
        Path model = outDir.resolve("spiece.model");
        assertTrue(Files.exists(model) && Files.exists(outDir.resolve("spiece.vocab")));
        assertEquals(0, run("the cat sat\n", "tokenize", "--vocab", model.toString(), "--pieces", "--extra-ids", "0"));
        assertTrue(stdout().startsWith("\u2581the \u2581"), stdout());
        assertEquals(2, run("", "vocab", "train", "--input", corpus.toString(), "--vocab-size", "60", "--model-type",
                "word",
                "--out", outDir.toString()));
        assertTrue(err.toString().contains("--model-type must be unigram or bpe"), err.toString());
    }

    @Test
    void benchTokenizerReportsThroughput() throws Exception {
        Path in = dir.resolve("bench.txt");
        Files.writeString(in, "Hello world, this is a benchmark sentence.\nAnother line of English text.\n");
        CommandLine cl = new CommandLine(new BenchTokenizerCommand());
        int rc = cl.execute("--vocab", res("t5/spiece.model"), "--input", in.toString(), "--seconds", "0.2",
                "--threads", "2");
        assertEquals(0, rc);
        String s = stdout();
        assertTrue(s.contains("1 thread :") && s.contains("2 threads:") && s.contains("MB/s")
                && s.contains("sentences/s"), s);
    }
}
