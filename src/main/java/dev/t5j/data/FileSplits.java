package dev.t5j.data;

import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Split name → file patterns (a path, or a glob such as {@code data/train-*.jsonl} in the last path element),
 * resolved against a base directory. Matches are sorted by name so the order is deterministic.
 */
public final class FileSplits {
    private final Map<String, List<String>> patterns;
    private final Path baseDir;

    public FileSplits(Map<String, List<String>> patterns, Path baseDir) {
        if (patterns.isEmpty()) throw new UserError("a file source needs at least one split");
        this.patterns = new LinkedHashMap<>(patterns);
        this.baseDir = baseDir == null ? Path.of("") : baseDir;
    }

    public static FileSplits of(String split, Path... files) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        List<String> l = new ArrayList<>();
        for (Path p : files) l.add(p.toString());
        m.put(split, l);
        return new FileSplits(m, null);
    }

    public List<String> splits() {
        return List.copyOf(patterns.keySet());
    }

    /** "[train=[a.jsonl], validation=[b.jsonl]]": the splits and their patterns, for describing a source. */
    public String describe() {
        return splits().stream().map(s -> s + "=" + patterns(s)).toList().toString();
    }

    public List<String> patterns(String split) {
        return patterns.getOrDefault(split, List.of());
    }

    /** The files of a split; a pattern matching nothing is a user error naming the pattern. */
    public List<Path> resolve(String split) {
        List<String> pats = patterns.get(split);
        if (pats == null) throw new UserError("no split '" + split + "' (splits: " + String.join(", ",
                patterns.keySet()) + ")");
        List<Path> out = new ArrayList<>();
        for (String pat : pats) {
            Path p = baseDir.resolve(pat);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.contains("*") || name.contains("?") || name.contains("[")) {
                Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
                List<Path> found = new ArrayList<>();
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> s = Files.list(dir)) {
                        s.filter(f -> Files.isRegularFile(f) && m.matches(f.getFileName())).sorted()
                                .forEach(found::add);
                    } catch (IOException e) {
                        throw new UserError(dir + ": cannot list: " + e.getMessage(), e);
                    }
                }
                if (found.isEmpty()) throw new UserError(p + ": no files match (split '" + split + "')");
                out.addAll(found);
            } else {
                if (!Files.isRegularFile(p)) throw new UserError(p + ": file not found (split '" + split + "')");
                out.add(p);
            }
        }
        return out;
    }
}
