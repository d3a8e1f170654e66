package dev.t5j.synth;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The 18 token-level tasks of the reference ({@code simpler_tasks_data_gen/tasks_with_tokens.py}), one instance per
 * task.
 *
 * <p>Example layout (atlas-ruse-t0-synthetic.md §D.3): inputs = {@code encode(generatorName) + [taskDivider] + seq} for
 * unary tasks, {@code ... + seq1 + [argDivider] + seq2} for binary ones; the arguments are resampled until their length
 * (the input without the prefix) is in [minLength, maxLength]; an empty output becomes {@code [emptyMarker]}. The
 * samplers follow the reference functions named in each case below; their derived ranges (count's L-2, replace's L-3,
 * sort's and the set operations' L-1) are computed from the length range as the reference does.
 */
public final class TokenTask implements SyntheticTask {
    /**
     * The 18 tasks; {@code paperName} is the id used by the paper's scripts, {@code generatorName} the task-name
     * prefix.
     */
    public enum Kind {
        IDENTITY("identity", "copy", true),
        REVERSE("reverse", "reverse", true),
        SET("set", "set", true),
        FIRST_TOKEN("first_token", "first_char", true),
        LAST_TOKEN("last_token", "last_char", true),
        DEDUPLICATE("deduplicate", "deduplicate", true),
        LENGTH("length", "length", true),
        LONGEST_WORD("longest_word", "longest_word", true),
        DUPLICATE("duplicate", "duplicate", true),
        COUNT("count", "count", false),
        DELETE("delete", "delete", false),
        SEARCH("search", "search", false),
        SORT("sort", "sort", false),
        REPLACE("replace", "replace", false),
        UNION("union", "union", false),
        INTERSECT("intersect", "intersect", false),
        SET1_MINUS_SET2("set1_minus_set2", "set_1_minus_2", false),
        SET2_MINUS_SET1("set2_minus_set1", "set_2_minus_1", false);

        public final String paperName;
        public final String generatorName;
        public final boolean unary;

        Kind(String paperName, String generatorName, boolean unary) {
            this.paperName = paperName;
            this.generatorName = generatorName;
            this.unary = unary;
        }
    }

    private final Kind kind;
    private final TokenSpace space;
    private final int minLength;
    private final int maxLength;
    private final int[] prefix;

    public TokenTask(Kind kind, TokenSpace space, int minLength, int maxLength) {
        if (minLength < 4 || maxLength <= minLength)
            throw new IllegalArgumentException("length range must satisfy 4 <= min < max, got [" + minLength + ", "
                    + maxLength + "]");
        this.kind = kind;
        this.space = space;
        this.minLength = minLength;
        this.maxLength = maxLength;
        int[] name = space.encodeText(kind.generatorName);
        prefix = Arrays.copyOf(name, name.length + 1);
        prefix[name.length] = space.taskDivider();
    }

    @Override
    public String name() {
        return kind.paperName;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public SyntheticExample generate(RandomGenerator rng) {
        int[][] args;
        while (true) {
            args = sample(rng);
            int len = kind.unary ? args[0].length : args[0].length + 1 + args[1].length;
            if (len >= minLength && len <= maxLength) break;
        }
        int[] out = output(args[0], kind.unary ? null : args[1]);
        if (out.length == 0) out = new int[]{space.emptyMarker()};
        int argLen = kind.unary ? args[0].length : args[0].length + 1 + args[1].length;
        int[] in = new int[prefix.length + argLen];
        System.arraycopy(prefix, 0, in, 0, prefix.length);
        System.arraycopy(args[0], 0, in, prefix.length, args[0].length);
        if (!kind.unary) {
            in[prefix.length + args[0].length] = space.argDivider();
            System.arraycopy(args[1], 0, in, prefix.length + args[0].length + 1, args[1].length);
        }
        return new SyntheticExample(in, out);
    }

    /** The task's function of its (already sampled) arguments; {@code b} is null for unary tasks. */
    public int[] output(int[] a, int[] b) {
        return switch (kind) {
            case IDENTITY -> a.clone();
            case REVERSE -> TaskFunctions.reverse(a);
            case SET -> TaskFunctions.set(a);
            case FIRST_TOKEN -> new int[]{a[0]};
            case LAST_TOKEN -> new int[]{a[a.length - 1]};
            case DEDUPLICATE -> TaskFunctions.deduplicate(a);
            case LENGTH -> space.encodeNumber(a.length);
            case LONGEST_WORD -> TaskFunctions.longestWord(a, space.wordDivider());
            case DUPLICATE -> TaskFunctions.duplicate(a);
            case COUNT -> space.encodeNumber(TaskFunctions.count(a, b[0]));
            case DELETE -> TaskFunctions.delete(a, b);
            case SEARCH -> space.encodeText(TaskFunctions.indexOf(a, b) >= 0 ? "yes" : "no");
            case SORT -> TaskFunctions.sort(a, b);
            case REPLACE -> TaskFunctions.replace(a, b);
            case UNION -> TaskFunctions.union(a, b);
            case INTERSECT -> TaskFunctions.intersect(a, b);
            case SET1_MINUS_SET2 -> TaskFunctions.minus(a, b);
            case SET2_MINUS_SET1 -> TaskFunctions.minus(b, a);
        };
    }

    private int[][] sample(RandomGenerator r) {
        int[] pool = space.pool();
        return switch (kind) {
            // gen_rand_token_id_list_given_length_range
            case IDENTITY, REVERSE, FIRST_TOKEN, LAST_TOKEN, LENGTH, DUPLICATE ->
                    new int[][]{Rand.choices(r, pool, Rand.randint(r, minLength, maxLength))};
            // generate_set_data / generate_deduplicate_data
            case SET -> new int[][]{runs(r, pool, Rand.randint(r, minLength, maxLength), null, true)};
            case DEDUPLICATE -> new int[][]{runs(r, pool, Rand.randint(r, minLength, maxLength), null, false)};
            case LONGEST_WORD -> new int[][]{words(r, pool)};
            case COUNT -> count(r, pool);
            case DELETE -> Rand.uniform(r) > 0.25 ? queryPresent(r, pool, 0.5) : queryAbsent(r, pool);
            case SEARCH -> Rand.uniform(r) > 0.5 ? queryPresent(r, pool, 0.5) : queryAbsent(r, pool);
            case SORT -> sortData(r, pool);
            case REPLACE -> replaceData(r, pool);
            case UNION, INTERSECT, SET1_MINUS_SET2, SET2_MINUS_SET1 -> setOpData(r, pool);
        };
    }

    /**
     * {@code _generate_deduplicate_data}: {@code num_parts ~ U[1, n]} (or len(chars) when given), a no-zero multinomial
     * partition of n, one random token per part (from {@code chars} when given) repeated part-size times, optionally
     * shuffled.
     */
    static int[] runs(RandomGenerator r, int[] pool, int n, int[] chars, boolean shuffle) {
        int parts = chars == null ? Rand.randint(r, 1, n) : chars.length;
        int[] sizes = Rand.partitionNoZeros(r, n, parts);
        int[] tokens = Rand.choices(r, chars == null ? pool : chars, parts);
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < parts; i++) for (int j = 0; j < sizes[i]; j++) out[k++] = tokens[i];
        if (shuffle) Rand.shuffle(r, out);
        return out;
    }

    /** {@code generate_longest_word_data}: 1..max/2 words of random tokens joined by the word divider. */
    private int[] words(RandomGenerator r, int[] pool) {
        int maxWords = maxLength / 2;
        int numWords = Rand.randint(r, 1, maxWords);
        int spaces = numWords - 1;
        int maxLetters = maxLength - spaces;
        int minLetters = Math.max(minLength - spaces, numWords);
        int letters = Rand.randint(r, minLetters, maxLetters);
        int[] lengths = Rand.partitionNoZeros(r, letters, numWords);
        int[] out = new int[letters + spaces];
        int k = 0;
        for (int i = 0; i < numWords; i++) {
            for (int j = 0; j < lengths[i]; j++) out[k++] = Rand.choice(r, pool);
            if (i < spaces) out[k++] = space.wordDivider();
        }
        return out;
    }

    /**
     * {@code generate_count_data}: the query placed U[0, L] times among random tokens, shuffled; L ~ U[min-2, max-2].
     */
    private int[][] count(RandomGenerator r, int[] pool) {
        int n = Rand.randint(r, minLength - 2, maxLength - 2);
        int q = Rand.choice(r, pool);
        int qn = Rand.randint(r, 0, n);
        int[] seq = new int[n];
        for (int i = 0; i < qn; i++) seq[i] = q;
        for (int i = qn; i < n; i++) seq[i] = Rand.choice(r, pool);
        Rand.shuffle(r, seq);
        return new int[][]{seq, {q}};
    }

    /**
     * {@code generate_at_least_one_query_in_seq_data}: query length ~ U[1, ⌊(max-1)/(1+1/p)⌋], sequence length ~
     * U[qlen/p, max-1-qlen], the query inserted U[1, ⌊seq/qlen⌋] times between random runs (multinomial, may be empty).
     */
    private int[][] queryPresent(RandomGenerator r, int[] pool, double proportion) {
        int maxTotal = maxLength - 1;
        int maxQuery = (int) (maxTotal / (1 + 1 / proportion));
        int qn = Rand.randint(r, 1, maxQuery);
        int sn = Rand.randint(r, (int) (qn / proportion), maxTotal - qn);
        int[] query = Rand.choices(r, pool, qn);
        int occurrences = Rand.randint(r, 1, sn / qn);
        int[] parts = Rand.partition(r, sn - occurrences * qn, occurrences + 1);
        int[] seq = new int[sn];
        int k = 0;
        for (int i = 0; i < parts.length; i++) {
            for (int j = 0; j < parts[i]; j++) seq[k++] = Rand.choice(r, pool);
            if (i < occurrences) {
                System.arraycopy(query, 0, seq, k, qn);
                k += qn;
            }
        }
        return new int[][]{seq, query};
    }

    /**
     * {@code generate_no_query_in_seq_data}: 1% of the time a query longer than the sequence; otherwise seq ~
     * U[min,max],
     * query ~ U[min, seq], both resampled while {@code str(query)[1:-1] in str(seq)} (the reference's string test).
     */
    private int[][] queryAbsent(RandomGenerator r, int[] pool) {
        if (Rand.uniform(r) < 0.01) {
            int qn = Rand.randint(r, minLength + 1, maxLength);
            int[] query = Rand.choices(r, pool, qn);
            int sn = Rand.randint(r, 0, qn - 1);
            return new int[][]{Rand.choices(r, pool, sn), query};
        }
        int sn = Rand.randint(r, minLength, maxLength);
        int qn = Rand.randint(r, minLength, sn);
        while (true) {
            int[] query = Rand.choices(r, pool, qn);
            int[] seq = Rand.choices(r, pool, sn);
            if (!reprContains(seq, query)) return new int[][]{seq, query};
        }
    }

    /** {@code str(query)[1:-1] in str(seq)}: substring test on the Python list reprs. */
    static boolean reprContains(int[] seq, int[] query) {
        StringBuilder s = new StringBuilder();
        SynthTsv.appendList(s, seq);
        StringBuilder q = new StringBuilder();
        SynthTsv.appendList(q, query);
        return s.indexOf(q.substring(1, q.length() - 1)) >= 0;
    }

    /** {@code generate_sort_data}: order = U[min/2, (max-1)/2] random tokens; seq drawn from order in shuffled runs. */
    private int[][] sortData(RandomGenerator r, int[] pool) {
        int maxTotal = maxLength - 1;
        int on = Rand.randint(r, minLength / 2, maxTotal / 2);
        int[] order = Rand.choices(r, pool, on);
        int sn = Rand.randint(r, on, maxTotal - on);
        return new int[][]{runs(r, pool, sn, order, true), order};
    }

    /**
     * {@code generate_replace_data}: seq ~ U[min-3, max-3] random tokens; query = [k, v], k a distinct value of seq.
     */
    private int[][] replaceData(RandomGenerator r, int[] pool) {
        int n = Rand.randint(r, minLength - 3, maxLength - 3);
        int[] seq = Rand.choices(r, pool, n);
        int[] distinct = TaskFunctions.set(seq);
        int k = Rand.choice(r, distinct);
        int v = Rand.choice(r, pool);
        return new int[][]{seq, {k, v}};
    }

    /**
     * {@code generate_set_op_data}: total ~ U[min-1, max-1], len1 ~ U[0, total], len2 = total - len1, both drawn from a
     * shared random sub-vocabulary of ⌊total/2⌋ distinct tokens.
     */
    private int[][] setOpData(RandomGenerator r, int[] pool) {
        int total = Rand.randint(r, minLength - 1, maxLength - 1);
        int n1 = Rand.randint(r, 0, total);
        int[] sub = Rand.sample(r, pool, total / 2);
        return new int[][]{Rand.choices(r, sub, n1), Rand.choices(r, sub, total - n1)};
    }
}
