package dev.t5j.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Registry of the 21 synthetic pre-training tasks of Wu, Li, Liang (2022) by the names of the paper's scripts, plus the
 * three LIME modes and the reference's generator names as aliases ({@code copy}, {@code first_char}, ...).
 *
 * <p>Determinism: {@link #exampleRandom(long, long)} gives example {@code i} of a run seeded {@code s} its own
 * {@link SplittableRandom}, so a file of N examples is the same whatever the number of threads that wrote it.
 */
public final class SyntheticTasks {
    /** The paper's 21 task ids ({@code pretrain.sh}), in its order. */
    public static final List<String> PAPER_TASKS = List.of("lime", "nonsense_summary", "nesting_language", "set",
            "identity",
            "delete", "sort", "union", "replace", "duplicate", "intersect", "reverse", "deduplicate", "search",
                    "longest_word",
            "length", "count", "first_token", "last_token", "set1_minus_set2", "set2_minus_set1");

    public static final int DEFAULT_MIN_LENGTH = 10;
    public static final int DEFAULT_MAX_LENGTH = 220;

    private static final Map<String, String> ALIASES;

    static {
        Map<String, String> a = new LinkedHashMap<>();
        for (TokenTask.Kind k : TokenTask.Kind.values()) a.put(k.generatorName, k.paperName);
        a.put("lime_deduct", "lime_deduct");
        a.put("lime_induct", "lime_induct");
        a.put("lime_abduct", "lime_abduct");
        ALIASES = Collections.unmodifiableMap(a);
    }

    private SyntheticTasks() {}

    /** Parameters shared by all tasks: the token space and the length range of the (prefix-less) inputs. */
    public record Options(TokenSpace space, int minLength, int maxLength) {
        public static Options defaults() {
            return new Options(TokenSpace.small(), DEFAULT_MIN_LENGTH, DEFAULT_MAX_LENGTH);
        }

        public Options withSpace(TokenSpace s) {
            return new Options(s, minLength, maxLength);
        }
    }

    /** Every accepted name: the 21 paper ids, the LIME modes, and the generator-name aliases. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(PAPER_TASKS);
        for (String a : ALIASES.keySet()) if (!out.contains(a)) out.add(a);
        return out;
    }

    public static SyntheticTask byName(String name) {
        return byName(name, Options.defaults());
    }

    /** @throws IllegalArgumentException for an unknown name or options the task cannot work with */
    public static SyntheticTask byName(String name, Options o) {
        String canonical = ALIASES.getOrDefault(name, name);
        switch (canonical) {
            case "lime":
                return new LimeTask(null, o.space(), o.minLength(), o.maxLength());
            case "lime_deduct":
                return new LimeTask(LimeTask.Mode.DEDUCT, o.space(), o.minLength(), o.maxLength());
            case "lime_induct":
                return new LimeTask(LimeTask.Mode.INDUCT, o.space(), o.minLength(), o.maxLength());
            case "lime_abduct":
                return new LimeTask(LimeTask.Mode.ABDUCT, o.space(), o.minLength(), o.maxLength());
            case "nonsense_summary":
                return new NonsenseSummaryTask(o.space());
            case "nesting_language":
                return new NestingLanguageTask(o.space(), o.minLength(), o.maxLength(), 0.5);
            default:
                for (TokenTask.Kind k : TokenTask.Kind.values())
                    if (k.paperName.equals(canonical)) return new TokenTask(k, o.space(), o.minLength(), o.maxLength());
                throw new IllegalArgumentException("unknown synthetic task '" + name + "'; known: " + String.join(", ",
                        names()));
        }
    }

    /** The generator of example {@code index} in a run seeded {@code seed}. */
    public static SplittableRandom exampleRandom(long seed, long index) {
        // Two rounds of the SplitMix64 finaliser decorrelate neighbouring (seed, index) pairs before seeding.
        return new SplittableRandom(mix64(mix64(seed) + index * 0x9E3779B97F4A7C15L));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Example {@code index} of task {@code task} in a run seeded {@code seed}. */
    public static SyntheticTask.SyntheticExample example(SyntheticTask task, long seed, long index) {
        // The task name enters the seed so that tasks of one mixture run do not share random streams.
        return task.generate(exampleRandom(seed + 0x632BE59BD9B4E019L * task.name().hashCode(), index));
    }
}
