package dev.t5j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package layout of docs/architecture.md, checked on the sources: every package has a layer, imports point down
 * (or sideways within a layer, without cycles), every package says what it is in a package-info.java, and project
 * classes are imported, never named inline by their fully qualified name.
 */
class ArchitectureTest {
    /** Layers, bottom first (cli → demo → train/atlas → run → data/model → engine). */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("common", "engine"),
            Set.of("tokenizer", "model.io"),
            Set.of("model", "model.bert", "synth", "optim", "adapters"),
            Set.of("data", "data.objectives", "data.tasks", "decoding", "prompts", "data.prompted"),
            Set.of("eval", "retrieval", "retrieval.index"),
            Set.of("run", "api", "distributed"),
            Set.of("train", "atlas", "atlas.tasks"),
            Set.of("bench", "demo", "serve"),
            Set.of("cli"));

    /** Packages of one layer that must not know each other (siblings, not a stack). */
    static final List<List<String>> SIBLINGS = List.of(List.of("train", "atlas"));

    static final Path MAIN = Path.of("src/main/java/dev/t5j");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.t5j\\.([a-z.]+?)\\.[A-Z]",
            Pattern.MULTILINE);

    static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(pkg)) return i;
        return -1;
    }

    static Map<String, Set<String>> imports() {
        Map<String, Set<String>> deps = new TreeMap<>();
        for (Path f : javaFiles(MAIN)) {
            String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
            Set<String> d = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = IMPORT.matcher(read(f));
            while (m.find()) if (!m.group(1).equals(pkg)) d.add(m.group(1));
        }
        return deps;
    }

    @Test
    void everyPackageHasALayerAndImportsOnlyDownward() {
        List<String> bad = new ArrayList<>();
        imports().forEach((pkg, deps) -> {
            if (layer(pkg) < 0) bad.add(pkg
                    + ": no layer (add it to ArchitectureTest.LAYERS and docs/architecture.md)");
            for (String d : deps)
                if (layer(d) > layer(pkg)) bad.add(pkg + " imports " + d + ", a layer above it");
            for (List<String> s : SIBLINGS)
                if (s.contains(pkg))
                    for (String d : deps) if (s.contains(d)) bad.add(pkg + " imports its sibling " + d);
        });
        assertEquals(List.of(), bad);
    }

    @Test
    void packageDependenciesHaveNoCycle() {
        Map<String, Set<String>> deps = imports();
        List<String> cycles = new ArrayList<>();
        for (String start : deps.keySet()) {
            // depth-first from each package: reaching it again is a cycle
            List<String> stack = new ArrayList<>(deps.getOrDefault(start, Set.of()));
            Set<String> seen = new TreeSet<>();
            while (!stack.isEmpty()) {
                String p = stack.remove(stack.size() - 1);
                if (p.equals(start)) {
                    cycles.add(start);
                    break;
                }
                if (seen.add(p)) stack.addAll(deps.getOrDefault(p, Set.of()));
            }
        }
        assertEquals(List.of(), cycles, "packages on a dependency cycle");
    }

    @Test
    void everyPackageSaysWhatItIs() {
        List<String> missing = new ArrayList<>();
        for (String pkg : imports().keySet())
            if (!Files.isRegularFile(MAIN.resolve(pkg.replace('.',
                    '/')).resolve("package-info.java"))) missing.add(pkg);
        assertEquals(List.of(), missing);
    }

    @Test
    void projectClassesAreImportedNotNamedInline() {
        Pattern inline = Pattern.compile("(?<![\\w.\"])dev\\.t5j(?:\\.[a-z]\\w*)+\\.[A-Z]");
        List<String> bad = new ArrayList<>();
        for (Path root : List.of(MAIN, Path.of("src/test/java/dev/t5j"))) {
            for (Path f : javaFiles(root)) {
                String[] lines = read(f).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String l = lines[i];
                    if (l.startsWith("import ") || l.startsWith("package ")) continue;
                    if (inline.matcher(l).find()) bad.add(f + ":" + (i + 1));
                }
            }
        }
        assertTrue(bad.isEmpty(), "inline fully-qualified names: " + bad);
    }

    /** The same for the JDK and the libraries in the product's code: imports, not inline package names. */
    @Test
    void libraryClassesAreImportedNotNamedInlineInMain() {
        Pattern inline = Pattern.compile("(?<![\\w.\"])(?:java|javax|org\\.bytedeco|com\\.fasterxml|picocli"
                + "|io\\.javalin|org\\.apache|org\\.eclipse)(?:\\.[a-z]\\w*)+\\.[A-Z]");
        List<String> bad = new ArrayList<>();
        for (Path f : javaFiles(MAIN)) {
            String[] lines = read(f).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.startsWith("import ") || l.startsWith("package ") || l.startsWith("*") || l.startsWith("//"))
                    continue;
                if (inline.matcher(l).find()) bad.add(f + ":" + (i + 1));
            }
        }
        assertTrue(bad.isEmpty(), "inline fully-qualified names: " + bad);
    }

    /** Lines of at most 120 columns (code points) in every Java file, main and test. */
    @Test
    void noLineIsLongerThan120Columns() {
        List<String> bad = new ArrayList<>();
        for (Path root : List.of(MAIN, Path.of("src/test/java"))) {
            for (Path f : javaFiles(root)) {
                String[] lines = read(f).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    int cols = lines[i].codePointCount(0, lines[i].length());
                    if (cols > 120) bad.add(f + ":" + (i + 1) + " (" + cols + " columns)");
                }
            }
        }
        assertEquals(List.of(), bad);
    }

    static List<Path> javaFiles(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
