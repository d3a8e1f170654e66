package dev.t5j.api;

import dev.t5j.data.ModelVocabulary;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.synth.SimpleVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 14: the Java example of docs/serve.md is the file that compiles here, and it runs on a model folder. */
class ApiExampleTest {
    static final Path EXAMPLE = Path.of("src/test/java/dev/t5j/api/ApiExample.java");

    @Test
    void docsShowTheExampleVerbatim() throws Exception {
        String docs = Files.readString(Path.of("docs/serve.md"));
        String code = Files.readString(EXAMPLE);
        assertTrue(docs.contains("```java\n" + code + "```"), "docs/serve.md must include " + EXAMPLE + " verbatim");
    }

    @Test
    void exampleRunsOnAModelFolderWithItsTokenizer(@TempDir Path tmp) throws Exception {
        Torch.init(1);
        SimpleVocabulary vocab = new SimpleVocabulary();
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(
                T5Config.preset("tiny").withVocabSize(vocab.vocabSize()), 2)) {
            Checkpoint.save(m, tmp);
        }
        ModelVocabulary.save(tmp, vocab, null);
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            ApiExample.main(new String[] {tmp.toString()});
        } finally {
            System.setOut(old);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, out.toString());
        try (T5j t5 = T5j.load(tmp)) {
            assertEquals(t5.generate("reverse <extra_id_0> t1 t2 t3"), lines[0]);
            assertEquals(t5.generate(List.of("copy <extra_id_0> t4 t5", "sort <extra_id_0> t9 t2"),
                    GenerationConfig.beam(32, 4)).toString(), lines[1]);
            assertEquals("2 x " + t5.model().config().dModel(), lines[3]);
        }
    }
}
