package dev.t5j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** In-memory examples per split (tests, small tasks built in code). */
public final class MemorySource implements DataSource {
    private final Map<String, List<Example>> splits;

    public MemorySource(Map<String, List<Example>> splits) {
        this.splits = new LinkedHashMap<>();
        splits.forEach((k, v) -> this.splits.put(k, List.copyOf(v)));
    }

    public static MemorySource of(String split, List<Example> examples) {
        return new MemorySource(Map.of(split, examples));
    }

    @Override
    public List<String> splits() {
        return List.copyOf(splits.keySet());
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        check(split);
        List<Example> all = splits.get(split);
        List<Example> mine = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!shard.owns(i)) continue;
            Example e = all.get(i);
            mine.add(e.origin().line() == 0 ? e.withOrigin(new Example.Origin(null, i + 1)) : e);
        }
        return ExampleIterator.of(mine);
    }

    @Override
    public OptionalLong numExamples(String split) {
        List<Example> l = splits.get(split);
        return l == null ? OptionalLong.empty() : OptionalLong.of(l.size());
    }

    @Override
    public String describe() {
        return "in-memory " + splits.keySet();
    }
}
