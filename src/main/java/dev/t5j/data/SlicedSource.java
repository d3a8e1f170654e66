package dev.t5j.data;

import java.nio.file.Path;
import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits defined as TFDS-style slices of another source's splits: {@code "train[:79168]"}, {@code "train[79168:]"},
 * {@code "train[10%:]"}, {@code "train+validation"} — how the closed-book QA tasks carve validation sets out of train.
 */
public final class SlicedSource implements DataSource {
    private static final Pattern PART =
            Pattern.compile("\\s*([A-Za-z0-9_\\-]+)\\s*(?:\\[\\s*(-?\\d+%?)?\\s*:\\s*(-?\\d+%?)?\\s*])?\\s*");

    private final DataSource base;
    private final Map<String, List<Part>> specs = new LinkedHashMap<>();

    private record Part(String split, String from, String to) {}

    public SlicedSource(DataSource base, Map<String, String> splitSpecs) {
        this.base = base;
        for (var e : splitSpecs.entrySet()) {
            List<Part> parts = new ArrayList<>();
            for (String p : e.getValue().split("\\+")) {
                Matcher m = PART.matcher(p);
                if (!m.matches()) throw new UserError("split '" + e.getKey() + "': cannot parse slice '" + e.getValue()
                        + "' (e.g. train[:1000], train[90%:], train+validation)");
                parts.add(new Part(m.group(1), m.group(2), m.group(3)));
            }
            specs.put(e.getKey(), parts);
        }
    }

    @Override
    public List<String> splits() {
        return List.copyOf(specs.keySet());
    }

    @Override
    public void check(String split) {
        DataSource.super.check(split);
        for (Part p : specs.get(split)) base.check(p.split);
    }

    @Override
    public List<Path> files(String split) {
        List<Path> out = new ArrayList<>();
        for (Part p : specs.getOrDefault(split, List.of())) out.addAll(base.files(p.split));
        return out;
    }

    private long[] bounds(Part p) {
        long n = -1;
        if (needsCount(p.from) || needsCount(p.to)) {
            n = base.numExamples(p.split).orElseThrow(() -> new UserError("slice of '" + p.split
                    + "' needs its size, which " + base.describe() + " cannot tell"));
        }
        long from = p.from == null ? 0 : resolve(p.from, n);
        long to = p.to == null ? Long.MAX_VALUE : resolve(p.to, n);
        return new long[] {from, to};
    }

    private static boolean needsCount(String s) {
        return s != null && (s.endsWith("%") || s.startsWith("-"));
    }

    private static long resolve(String s, long n) {
        long v;
        if (s.endsWith("%")) {
            v = Math.round(Long.parseLong(s.substring(0, s.length() - 1)) / 100.0 * n);
            if (s.startsWith("-")) v = n + v;
        } else {
            v = Long.parseLong(s);
            if (v < 0) v = n + v;
        }
        return Math.max(0, v);
    }

    @Override
    public OptionalLong numExamples(String split) {
        long total = 0;
        for (Part p : specs.getOrDefault(split, List.of())) {
            OptionalLong n = base.numExamples(p.split);
            if (n.isEmpty()) return OptionalLong.empty();
            long[] b = bounds(p);
            total += Math.max(0, Math.min(b[1], n.getAsLong()) - Math.min(b[0], n.getAsLong()));
        }
        return OptionalLong.of(total);
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        check(split);
        List<Part> parts = specs.get(split);
        return new ExampleIterator.Lazy() {
            int partIdx = -1;
            ExampleIterator cur;
            long idxInPart, to;
            long position; // position in the sliced split, for sharding

            @Override
            protected Example compute() {
                while (true) {
                    if (cur == null) {
                        if (++partIdx >= parts.size()) return null;
                        Part p = parts.get(partIdx);
                        long[] b = bounds(p);
                        cur = base.open(p.split, Shard.ALL, badLines);
                        idxInPart = cur.skip(b[0]);
                        to = b[1];
                    }
                    if (idxInPart >= to || !cur.hasNext()) {
                        cur.close();
                        cur = null;
                        continue;
                    }
                    Example e = cur.next();
                    idxInPart++;
                    if (shard.owns(position++)) return e;
                }
            }

            @Override
            public void close() {
                if (cur != null) cur.close();
                cur = null;
                partIdx = parts.size();
            }
        };
    }

    @Override
    public String describe() {
        return base.describe() + " sliced " + specs.keySet();
    }
}
