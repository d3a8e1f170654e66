package dev.t5j.demo;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Four synthetic downstream tasks shaped like GLUE tasks, for {@code t5j adapters demo}: a tiny T5 trained for minutes
 * on a CPU is at chance on real GLUE, so each task keeps a GLUE task's form (single sentence or pair, class or score),
 * HyperFormer's text-to-text layout ({@code "<task> sentence1 ... sentence2 ..."} → the label as text) and that GLUE
 * task's metrics (reference B.5), over the content tokens {@code t0..t(pool-1)} of the synthetic pretraining tasks:
 * <ul>
 *   <li>{@code ordered} (like CoLA, Matthews correlation): are the tokens in ascending order?</li>
 *   <li>{@code majority} (like SST-2, accuracy): are most tokens from the lower half of the pool?</li>
 *   <li>{@code same_set} (like MRPC, F1 and accuracy): is sentence2 a permutation of sentence1, or one token
 *       changed?</li>
 *   <li>{@code overlap} (like STS-B, Pearson and Spearman): how many of the 5 tokens do the two sentences share
 *       (0–5)?</li>
 * </ul>
 * Labels are balanced; examples are drawn from a generator seeded by (seed, task, split) only.
 */
public final class GlueShapedTasks {
    /** Task names, in table order. */
    public static final List<String> NAMES = List.of("ordered", "majority", "same_set", "overlap");
    /** HyperFormer's metrics of the GLUE task each one imitates (metric names as task files give them). */
    public static final Map<String, List<String>> METRICS = Map.of(
            "ordered", List.of("mcc"),
            "majority", List.of("accuracy"),
            "same_set", List.of("f1_invalid", "accuracy"),
            "overlap", List.of("pearson", "spearman"));
    /** The mixture of the four tasks the fine-tuning runs train on. */
    public static final String MIXTURE = "glue_shaped";

    /** How many examples each task has per split. */
    public record Sizes(Map<String, Integer> train, int validation, int test) {}

    private GlueShapedTasks() {}

    /** One example: HyperFormer-format inputs and the label text. */
    record Row(String inputs, String targets) {}

    /** Draws example {@code i} of {@code task} over a pool of {@code pool} content tokens. */
    static Row example(String task, int pool, SplittableRandom r) {
        return switch (task) {
            case "ordered" -> ordered(pool, r);
            case "majority" -> majority(pool, r);
            case "same_set" -> sameSet(pool, r);
            case "overlap" -> overlap(pool, r);
            default -> throw new IllegalArgumentException("unknown task " + task);
        };
    }

    private static Row ordered(int pool, SplittableRandom r) {
        List<Integer> s = distinct(pool, 4 + r.nextInt(5), List.of(), r);
        Collections.sort(s);
        boolean yes = r.nextBoolean();
        if (!yes) {
            List<Integer> sorted = new ArrayList<>(s);
            do shuffle(s, r); while (s.equals(sorted));
        }
        return new Row("ordered sentence " + text(s), yes ? "1" : "0");
    }

    private static Row majority(int pool, SplittableRandom r) {
        int n = 5 + 2 * r.nextInt(3); // odd: no ties
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < n; i++) s.add(r.nextInt(pool));
        long low = s.stream().filter(t -> t < pool / 2).count();
        return new Row("majority sentence " + text(s), 2 * low > n ? "1" : "0");
    }

    private static Row sameSet(int pool, SplittableRandom r) {
        List<Integer> a = distinct(pool, 4 + r.nextInt(4), List.of(), r);
        List<Integer> b = new ArrayList<>(a);
        shuffle(b, r);
        boolean yes = r.nextBoolean();
        if (!yes) b.set(r.nextInt(b.size()), distinct(pool, 1, a, r).get(0));
        return new Row("same_set sentence1 " + text(a) + " sentence2 " + text(b), yes ? "1" : "0");
    }

    private static Row overlap(int pool, SplittableRandom r) {
        List<Integer> a = distinct(pool, 5, List.of(), r);
        int shared = r.nextInt(6);
        List<Integer> b = new ArrayList<>(a.subList(0, shared));
        b.addAll(distinct(pool, 5 - shared, a, r));
        shuffle(a, r);
        shuffle(b, r);
        return new Row("overlap sentence1 " + text(a) + " sentence2 " + text(b), Integer.toString(shared));
    }

    private static List<Integer> distinct(int pool, int n, List<Integer> avoid, SplittableRandom r) {
        List<Integer> out = new ArrayList<>();
        while (out.size() < n) {
            int t = r.nextInt(pool);
            if (!out.contains(t) && !avoid.contains(t)) out.add(t);
        }
        return out;
    }

    private static void shuffle(List<Integer> l, SplittableRandom r) {
        for (int i = l.size() - 1; i > 0; i--) Collections.swap(l, i, r.nextInt(i + 1));
    }

    private static String text(List<Integer> s) {
        StringBuilder sb = new StringBuilder();
        for (int t : s) sb.append(sb.length() == 0 ? "" : " ").append('t').append(t);
        return sb.toString();
    }

    /**
     * Writes every task's {@code train/validation/test.jsonl} ({@code {"inputs", "targets"}}) under {@code dir} and
     * {@code tasks.yaml}, a task file defining the tasks (tokenized with the run's {@code data.vocab}) and the
     * mixture {@link #MIXTURE}; returns the task file.
     */
    public static Path write(Path dir, Sizes sizes, int pool, long seed) throws IOException {
        StringBuilder yaml = new StringBuilder("# written by t5j adapters demo (GlueShapedTasks)\n");
        yaml.append("tasks:\n");
        for (String task : NAMES) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            counts.put("train", sizes.train().get(task));
            counts.put("validation", sizes.validation());
            counts.put("test", sizes.test());
            int k = 0;
            for (Map.Entry<String, Integer> split : counts.entrySet()) {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + task.hashCode() * 31L + k++);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < split.getValue(); i++) {
                    Row row = example(task, pool, r);
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("inputs", row.inputs());
                    line.put("targets", row.targets());
                    sb.append(Json.write(line)).append('\n');
                }
                AtomicFiles.writeString(dir.resolve(task).resolve(split.getKey() + ".jsonl"), sb.toString());
            }
            yaml.append("  - name: ").append(task).append('\n')
                    .append("    source: {type: jsonl, fields: [inputs, targets], splits: {train: ").append(task)
                    .append("/train.jsonl, validation: ").append(task).append("/validation.jsonl, test: ")
                    .append(task).append("/test.jsonl}}\n")
                    .append("    preprocessors: [tokenize, append_eos]\n")
                    .append("    metrics: [").append(String.join(", ", METRICS.get(task))).append("]\n");
        }
        yaml.append("mixtures:\n  - name: ").append(MIXTURE).append("\n    default_rate: 1.0\n    tasks: [")
                .append(String.join(", ", NAMES)).append("]\n");
        Path file = dir.resolve("tasks.yaml");
        AtomicFiles.writeString(file, yaml.toString());
        return file;
    }
}
