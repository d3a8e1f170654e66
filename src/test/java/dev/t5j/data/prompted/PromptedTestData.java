package dev.t5j.data.prompted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** A tiny data directory for prompted-task tests: the test templates and a few SuperGLUE RTE rows. */
public final class PromptedTestData {
    private PromptedTestData() {}

    static final String[] RTE_ROWS = {
        "{\"premise\": \"A cat sat.\", \"hypothesis\": \"An animal sat.\", \"label\": \"entailment\", \"idx\": 0}\n",
        "{\"premise\": \"It rained.\", \"hypothesis\": \"It was dry.\", \"label\": \"not_entailment\", \"idx\": 1}\n",
        "{\"premise\": \"He ran.\", \"hypothesis\": \"He moved.\", \"label\": \"entailment\", \"idx\": 2}\n"};

    /** Copies every test promptsource template to {@code data/promptsource/templates}. */
    public static void copyTemplates(Path data) throws IOException {
        Path src = Path.of("src/test/resources/dev/t5j/prompts/templates");
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path to = data.resolve("promptsource/templates").resolve(src.relativize(p).toString());
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
    }

    /** The first {@code n} (≤ 3) RTE rows as both train and validation ({@code superglue/RTE}). */
    public static void writeRte(Path data, int n) throws IOException {
        Files.createDirectories(data.resolve("superglue/RTE"));
        String rows = String.join("", Arrays.copyOf(RTE_ROWS, n));
        Files.writeString(data.resolve("superglue/RTE/val.jsonl"), rows);
        Files.writeString(data.resolve("superglue/RTE/train.jsonl"), rows);
    }
}
