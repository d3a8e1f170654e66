package dev.t5j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a task's chain on single raw examples and keeps three stages for {@code t5j data show}: the raw example,
 * the examples just before the first tokenize step ("preprocessed"), and the final examples ("tokenized"; a raw
 * example can yield several, e.g. one per salient span). Stream-level steps see one example at a time here.
 */
public final class ExampleInspector {
    private ExampleInspector() {}

    public record Stages(Example raw, List<Example> preprocessed, List<Example> tokenized) {}

    public static List<Stages> inspect(Task task, ReadOptions o, int n) {
        task.source().check(o.split());
        List<Stages> out = new ArrayList<>();
        PreprocessContext ctx = task.context(o, 0);
        try (ExampleIterator src = task.source().open(o.split(), o.shard(), o.badLines())) {
            while (out.size() < n && src.hasNext()) {
                Example raw = src.next();
                List<Example> cur = List.of(raw);
                List<Example> pre = null;
                List<Preprocessor> ps = task.preprocessors();
                for (int i = 0; i < ps.size(); i++) {
                    if (pre == null && ps.get(i).name().startsWith("tokenize")) pre = cur;
                    List<Example> next = new ArrayList<>();
                    try (ExampleIterator it = ps.get(i).apply(ExampleIterator.of(cur), ctx.withStep(i + 1))) {
                        it.forEachRemaining(next::add);
                    }
                    cur = next;
                }
                List<Example> fin = new ArrayList<>();
                for (Example e : cur) fin.add(Preprocessors.trimTo(task.validate(e), o.sequenceLengths()));
                out.add(new Stages(raw, pre, fin));
            }
        }
        return out;
    }

    /** Human-readable: one block per raw example, one line per field, stages labelled in a left column. */
    public static String format(Task task, List<Stages> stages) {
        StringBuilder sb = new StringBuilder();
        int k = 0;
        for (Stages s : stages) {
            sb.append("=== ").append(task.name()).append(" #").append(++k).append("  (").append(s.raw().origin())
                    .append(")\n");
            block(sb, "raw", s.raw(), null);
            if (s.preprocessed() != null)
                for (int i = 0; i < s.preprocessed().size(); i++)
                    block(sb, s.preprocessed().size() > 1 ? "preprocessed[" + i + "]" : "preprocessed",
                            s.preprocessed().get(i), null);
            if (s.tokenized().isEmpty()) sb.append(pad("tokenized")).append("(dropped by the preprocessors)\n");
            for (int i = 0; i < s.tokenized().size(); i++)
                block(sb, s.tokenized().size() > 1 ? "tokenized[" + i + "]" : "tokenized", s.tokenized().get(i), task);
        }
        return sb.toString();
    }

    private static String pad(String label) {
        return String.format("%-18s", label);
    }

    private static void block(StringBuilder sb, String label, Example e, Task task) {
        boolean first = true;
        for (var en : e.asMap().entrySet()) {
            if (task != null && en.getKey().endsWith("_pretokenized")) continue;
            sb.append(pad(first ? label : "")).append(en.getKey()).append(": ").append(render(en.getKey(),
                    en.getValue(), task)).append('\n');
            first = false;
        }
        if (first) sb.append(pad(label)).append("{}\n");
    }

    private static String render(String key, Object v, Task task) {
        if (v instanceof int[] ids) {
            Feature f = task == null ? null : task.outputFeatures().get(key);
            String ids_ = ids.length > 40 ? Arrays.toString(Arrays.copyOf(ids, 40)).replace("]", ", ...]")
                    : Arrays.toString(ids);
            String text = f == null ? "" : "  \"" + escape(f.vocabulary().decode(ids)) + "\"";
            return ids_ + " (" + ids.length + " ids)" + text;
        }
        if (v instanceof String s) return "\"" + escape(s) + "\"";
        if (v instanceof List<?> l) {
            List<String> q = new ArrayList<>();
            for (Object o : l) q.add("\"" + escape(String.valueOf(o)) + "\"");
            return q.toString();
        }
        return String.valueOf(v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t");
    }

    /** Machine-readable: one JSON-able map per raw example. */
    public static Map<String, Object> toJson(Stages s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", s.raw().origin().toString());
        m.put("raw", s.raw().asMap());
        m.put("preprocessed", s.preprocessed() == null ? null : s.preprocessed().stream().map(Example::asMap).toList());
        m.put("tokenized", s.tokenized().stream().map(Example::asMap).toList());
        return m;
    }
}
