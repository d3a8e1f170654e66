package dev.t5j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No path of the development machine ("/work/...") in the product, its docs or the provenance notes of its test data
 * (issue 16 item 10): defaults must work on any machine, docs use repository-relative paths or placeholders.
 */
class DevPathsTest {
    static final String DEV = "/" + "work/"; // split so that this file does not match itself

    @Test
    void noDevelopmentMachinePaths() throws IOException {
        List<Path> roots = List.of(Path.of("src/main"), Path.of("docs"), Path.of("README.md"), Path.of("BENCHMARKS.md"),
                Path.of("examples"), Path.of("src/test/resources"));
        List<String> hits = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) continue;
            try (Stream<Path> s = Files.walk(root)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (!(name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".yaml")
                            || name.endsWith(".yml") || name.endsWith(".json") || name.endsWith(".py")
                            || name.endsWith(".txt") && Files.size(f) < 1_000_000)) continue;
                    String text;
                    try {
                        text = Files.readString(f);
                    } catch (MalformedInputException e) {
                        continue; // binary data, not prose
                    }
                    String[] lines = text.split("\n", -1);
                    for (int i = 0; i < lines.length; i++)
                        if (lines[i].contains(DEV)) hits.add(f + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertEquals(List.of(), hits);
    }
}
