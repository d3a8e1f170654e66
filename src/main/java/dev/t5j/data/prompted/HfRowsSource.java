package dev.t5j.data.prompted;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.BadLines;
import dev.t5j.data.DataSource;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Shard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A dataset in the HF field layout, read from its original files (see {@link HfDatasets}) once per split and kept in
 * memory (the shared datasets are a few MB each). Example origins are (first file, 1-based row number).
 */
public final class HfRowsSource implements DataSource {
    private final String key;
    private final Path dataDir;
    private final Map<String, HfDatasets.Split> splits;
    private final Map<String, List<Map<String, Object>>> loaded = new ConcurrentHashMap<>();

    public HfRowsSource(String key, Path dataDir, Map<String, HfDatasets.Split> splits) {
        this.key = key;
        this.dataDir = dataDir;
        this.splits = splits;
    }

    /** Whether every file of every split is on disk. */
    public boolean present() {
        for (HfDatasets.Split s : splits.values())
            for (String f : s.files()) if (!Files.isRegularFile(dataDir.resolve(f))) return false;
        return true;
    }

    @Override
    public List<String> splits() {
        return List.copyOf(new TreeSet<>(splits.keySet()));
    }

    @Override
    public void check(String split) {
        DataSource.super.check(split);
        for (String f : splits.get(split).files())
            if (!Files.isRegularFile(dataDir.resolve(f)))
                throw new UserError(dataDir.resolve(f) + ": file not found (dataset " + key + ", split " + split
                        + "; the data directory is --data-dir / $T5J_DATA_DIR)");
    }

    public List<Map<String, Object>> rows(String split) {
        check(split);
        return loaded.computeIfAbsent(split, s -> {
            try {
                return List.copyOf(splits.get(s).reader().read(dataDir));
            } catch (IOException e) {
                throw new UserError(dataDir.resolve(splits.get(s).files().get(0)) + ": cannot read: " + e.getMessage());
            }
        });
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        List<Map<String, Object>> rows = rows(split);
        Path file = dataDir.resolve(splits.get(split).files().get(0));
        List<Example> mine = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++)
            if (shard.owns(i)) mine.add(Example.of(display(rows.get(i), i), new Example.Origin(file, i + 1)));
        return ExampleIterator.of(mine);
    }

    /** Field that carries the row index; templates read the full row (nested values included) from {@link #rows}. */
    public static final String ROW = "_row";

    /** The row as an Example can hold it (scalars, string lists; other values as JSON), plus its index. */
    private static Map<String, Object> display(Map<String, Object> row, int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        row.forEach((k, v) -> m.put(k, v == null || v instanceof String || v instanceof Number || v instanceof Boolean
                || (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) ? v : Json.write(v)));
        m.put(ROW, (long) index);
        return m;
    }

    @Override
    public OptionalLong numExamples(String split) {
        return splits.containsKey(split) && present() ? OptionalLong.of(rows(split).size()) : OptionalLong.empty();
    }

    @Override
    public List<Path> files(String split) {
        HfDatasets.Split s = splits.get(split);
        return s == null ? List.of() : s.files().stream().map(dataDir::resolve).toList();
    }

    @Override
    public String describe() {
        return "dataset " + key + " under " + dataDir;
    }
}
