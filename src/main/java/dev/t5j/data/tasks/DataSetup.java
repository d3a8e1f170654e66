package dev.t5j.data.tasks;

import dev.t5j.common.UserError;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.prompted.PromptedTasks;
import dev.t5j.data.DataVocabularies;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.TaskCache;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.synth.SyntheticTasks;
import dev.t5j.synth.TokenSpace;
import dev.t5j.tokenizer.Vocabulary;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * THE place where a {@link DataSpec} becomes a catalog and a vocabulary, for train, eval, predict, the data commands
 * and Atlas: the synthetic tasks (with the spec's lengths and pool), the closed-book QA tasks, then the task files
 * (which may replace a built-in).
 */
public final class DataSetup {
    private final DataCatalog catalog;
    private final Vocabulary vocabulary;
    /** Synthetic tasks that cannot run with these settings → why (e.g. the pool is too small). */
    private final Map<String, String> skipped;

    private DataSetup(DataCatalog catalog, Vocabulary vocabulary, Map<String, String> skipped) {
        this.catalog = catalog;
        this.vocabulary = vocabulary;
        this.skipped = skipped;
    }

    public static DataSetup of(DataSpec spec) {
        Vocabulary vocab = DataVocabularies.resolve(spec.vocab());
        DataCatalog c = new DataCatalog();
        Map<String, String> skipped = SyntheticTaskDefs.register(c, vocab, synthOptions(spec, vocab), 0);
        Path dataDir = dataDir(spec.dataDir() == null ? null : Path.of(spec.dataDir()));
        ClosedBookQa.register(c, vocab, dataDir);
        PromptedTasks.register(c, vocab, dataDir);
        GlueTasks.register(c, vocab, dataDir);
        PreprocessorRegistry reg = PreprocessorRegistry.standard();
        for (String f : spec.taskFiles()) TaskConfig.load(Path.of(f), c, vocab, dataDir, reg);
        return new DataSetup(c, vocab, Map.copyOf(skipped));
    }

    /** {@code --data-dir}, else {@code $T5J_DATA_DIR}, else {@code ./data}. */
    public static Path dataDir(Path flag) {
        if (flag != null) return flag;
        String env = System.getenv("T5J_DATA_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("data");
    }

    public DataCatalog catalog() {
        return catalog;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The task or mixture {@code name}; {@code field} names the option or key it came from, for errors. */
    public DatasetProvider provider(String field, String name) {
        if (skipped.containsKey(name))
            throw new UserError(field + ": '" + name + "' cannot run with these settings: " + skipped.get(name));
        try {
            return catalog.get(name);
        } catch (UserError e) {
            throw new UserError(field + ": " + e.getMessage());
        }
    }

    /**
     * seqio {@code use_cached=True}: every task {@code p} reads (with a positive rate) must have a complete cache of
     * {@code o.split()} in {@code o.cacheDir()}; reading does not fall back to the source.
     */
    public static void requireCached(DatasetProvider p, ReadOptions o) {
        for (Mixture.WeightedTask wt : p.weightedTasks(o))
            if (wt.weight() > 0 && !TaskCache.isCached(o.cacheDir(), wt.task().name(), o.split()))
                throw new UserError("data.use_cached: task '" + wt.task().name() + "' has no complete cache of split '"
                        + o.split() + "' in " + o.cacheDir() + " (write it with: t5j data cache --task "
                        + wt.task().name() + " --split " + o.split() + " --out " + o.cacheDir() + ")");
    }

    static SyntheticTasks.Options synthOptions(DataSpec d, Vocabulary vocab) {
        SyntheticTasks.Options o = SyntheticTasks.Options.defaults();
        List<Integer> len = d.synthLength();
        if (len != null) {
            if (len.size() != 2 || len.get(0) < 1 || len.get(0) > len.get(1))
                throw new UserError("data.synth_length: expected [min, max] with 1 <= min <= max, got " + len);
            o = new SyntheticTasks.Options(o.space(), len.get(0), len.get(1));
        }
        if (d.synthPool() != null) {
            Vocabulary fv = SyntheticTaskDefs.featureVocabulary(vocab);
            TokenSpace space = fv instanceof SimpleVocabulary sv ? TokenSpace.of(sv) : TokenSpace.of(fv);
            int[] pool = space.pool();
            if (d.synthPool() < 68 || d.synthPool() > pool.length) // LIME needs 68 distinct tokens
                throw new UserError("data.synth_pool: must be in [68, " + pool.length + "], got " + d.synthPool());
            o = o.withSpace(space.withPool(Arrays.copyOf(pool, d.synthPool())));
        }
        return o;
    }
}
