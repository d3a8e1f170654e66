package dev.t5j.data;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A seqio Task: a source, a chain of preprocessors, output features, a postprocessor and metrics. Reading follows
 * seqio's order: source (or cache) → shard → preprocessors (fresh randomness per epoch) → validate features → trim to
 * sequence lengths → shuffle; epochs repeat this; skip drops the first examples of the whole stream.
 */
public final class Task implements DatasetProvider {
    private final String name;
    private final DataSource source;
    private final List<Preprocessor> preprocessors;
    private final Map<String, Feature> outputFeatures;
    private final Postprocessor postprocessor;
    private final List<String> metricNames;
    private final List<MetricFn> metricFns;
    private final List<ScoreMetricFn> scoreMetricFns;
    private final String description;

    private Task(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        if (b.source == null) throw new UserError("task '" + b.name + "' has no source");
        if (b.outputFeatures.isEmpty()) throw new UserError("task '" + b.name + "' has no output features");
        this.source = b.source;
        this.preprocessors = List.copyOf(b.preprocessors);
        this.outputFeatures = Collections.unmodifiableMap(new LinkedHashMap<>(b.outputFeatures));
        this.postprocessor = b.postprocessor;
        this.metricNames = List.copyOf(b.metricNames);
        this.metricFns = List.copyOf(b.metricFns);
        this.scoreMetricFns = List.copyOf(b.scoreMetricFns);
        this.description = b.description;
        long placeholders = preprocessors.stream().filter(p -> p == Preprocessors.CACHE_PLACEHOLDER).count();
        if (placeholders > 1) throw new UserError("task '" + name + "' has more than one cache_placeholder");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private DataSource source;
        private final List<Preprocessor> preprocessors = new ArrayList<>();
        private final Map<String, Feature> outputFeatures = new LinkedHashMap<>();
        private Postprocessor postprocessor = Postprocessor.IDENTITY;
        private final List<String> metricNames = new ArrayList<>();
        private final List<MetricFn> metricFns = new ArrayList<>();
        private final List<ScoreMetricFn> scoreMetricFns = new ArrayList<>();
        private String description = "";

        private Builder(String name) {
            this.name = name;
        }

        public Builder source(DataSource s) { this.source = s; return this; }
        public Builder preprocessor(Preprocessor p) { preprocessors.add(p); return this; }
        public Builder preprocessors(List<Preprocessor> ps) { preprocessors.addAll(ps); return this; }
        public Builder feature(String name, Feature f) { outputFeatures.put(name, f); return this; }
        public Builder postprocessor(Postprocessor p) { this.postprocessor = p; return this; }
        public Builder metric(String name) { metricNames.add(name); return this; }
        public Builder metric(MetricFn fn) { metricFns.add(fn); return this; }
        public Builder scoreMetric(ScoreMetricFn fn) { scoreMetricFns.add(fn); return this; }
        public Builder description(String d) { this.description = d; return this; }
        public Task build() { return new Task(this); }
    }

    @Override
    public String name() { return name; }
    public DataSource source() { return source; }
    public List<Preprocessor> preprocessors() { return preprocessors; }
    public Map<String, Feature> outputFeatures() { return outputFeatures; }
    public Postprocessor postprocessor() { return postprocessor; }
    public List<String> metricNames() { return metricNames; }
    public List<MetricFn> metricFns() { return metricFns; }
    public List<ScoreMetricFn> scoreMetricFns() { return scoreMetricFns; }
    public String description() { return description; }
    public List<String> splits() { return source.splits(); }

    /**
     * Index of the cache placeholder, or the chain length when there is none (the cache then holds the full output).
     */
    public int cacheBoundary() {
        int i = preprocessors.indexOf(Preprocessors.CACHE_PLACEHOLDER);
        return i < 0 ? preprocessors.size() : i;
    }

    @Override
    public void check(ReadOptions o) {
        if (o.cacheDir() != null && TaskCache.isCached(o.cacheDir(), name, o.split())) {
            TaskCache.open(o.cacheDir(), name, o.split()); // validates COMPLETED and info
            return;
        }
        source.check(o.split());
    }

    @Override
    public List<Mixture.WeightedTask> weightedTasks(ReadOptions options) {
        return List.of(new Mixture.WeightedTask(this, 1.0));
    }

    @Override
    public long numTrainExamples(ReadOptions o) {
        if (o.cacheDir() != null && TaskCache.isCached(o.cacheDir(), name, "train"))
            return TaskCache.open(o.cacheDir(), name, "train").numExamples();
        if (!splits().contains("train"))
            throw new UserError("task '" + name + "' has no 'train' split, so its mixing rate by number of examples"
                    + " is undefined");
        OptionalLong n = source.numExamples("train");
        if (n.isEmpty())
            throw new UserError("task '" + name + "': cannot count examples of " + source.describe()
                    + " for its mixing rate; cache it or give a fixed rate");
        return n.getAsLong();
    }

    PreprocessContext context(ReadOptions o, int epoch) {
        return new PreprocessContext(name, o.split(), o.seed(), epoch, 0, o.shard(), outputFeatures,
                o.sequenceLengths(), o.badLines());
    }

    /** Runs preprocessors {@code [from, to)} over {@code in}. */
    ExampleIterator applyPreprocessors(ExampleIterator in, int from, int to, PreprocessContext ctx) {
        ExampleIterator it = in;
        for (int i = from; i < to; i++) it = preprocessors.get(i).apply(it, ctx.withStep(i + 1));
        return it;
    }

    /** The examples as they go into the cache: preprocessors before the placeholder, epoch 0, no trim or shuffle. */
    public ExampleIterator openForCache(ReadOptions o, Runnable onSourceExample) {
        source.check(o.split());
        ExampleIterator src = source.open(o.split(), o.shard(), o.badLines());
        if (onSourceExample != null) src = src.map(e -> {
            onSourceExample.run();
            return e;
        });
        return applyPreprocessors(src, 0, cacheBoundary(), context(o, 0));
    }

    @Override
    public ExampleIterator open(ReadOptions o) {
        TaskCache.Reader cache = o.cacheDir() != null && TaskCache.isCached(o.cacheDir(), name, o.split())
                ? TaskCache.open(o.cacheDir(), name, o.split()) : null;
        if (cache == null) source.check(o.split());
        // Fast exact resume from a cache when nothing runs after it: jump straight to (epoch, offset).
        boolean direct = cache != null && cacheBoundary() + 1 >= preprocessors.size() && !o.shuffle() && o.skip() > 0;
        long perEpoch = direct ? cache.numExamples(o.shard()) : 0;
        int startEpoch = direct && perEpoch > 0 ? (int) (o.skip() / perEpoch) : 0;
        long startOffset = direct && perEpoch > 0 ? o.skip() % perEpoch : 0;
        ExampleIterator all = new ExampleIterator.Lazy() {
            int epoch = startEpoch - 1;
            ExampleIterator cur;
            long inEpoch;
            long offset = startOffset;

            @Override
            protected Example compute() {
                while (true) {
                    if (cur == null) {
                        if (o.numEpochs() > 0 && epoch + 1 >= o.numEpochs()) return null;
                        epoch++;
                        cur = openEpoch(o, epoch, cache, offset);
                        offset = 0;
                        inEpoch = 0;
                    }
                    if (cur.hasNext()) {
                        inEpoch++;
                        return cur.next();
                    }
                    cur.close();
                    cur = null;
                    if (inEpoch == 0) {
                        throw new UserError("task '" + name + "' split '" + o.split() + "'"
                                + (o.shard().count() > 1 ? " shard " + o.shard().index() + " of "
                                        + o.shard().count() : "")
                                + " has no examples (" + (cache != null ? "cache "
                                        + cache.dir() : source.describe()) + ")");
                    }
                }
            }

            @Override
            public void close() {
                if (cur != null) cur.close();
                cur = null;
            }
        };
        if (o.skip() > 0 && !direct) all.skip(o.skip());
        return all;
    }

    private ExampleIterator openEpoch(ReadOptions o, int epoch, TaskCache.Reader cache, long cacheOffset) {
        PreprocessContext ctx = context(o, epoch);
        ExampleIterator it;
        if (cache != null) {
            it = cache.open(o.shard(), cacheOffset);
            it = applyPreprocessors(it, cacheBoundary()
                    + 1 > preprocessors.size() ? preprocessors.size() : cacheBoundary() + 1,
                    preprocessors.size(), ctx);
        } else {
            it = source.open(o.split(), o.shard(), o.badLines());
            it = applyPreprocessors(it, 0, preprocessors.size(), ctx);
        }
        Map<String, Integer> lengths = o.trim() ? o.sequenceLengths() : null;
        ExampleIterator pre = it;
        it = ExampleIterator.wrap(new ExampleIterator.Lazy() {
            @Override
            protected Example compute() {
                while (pre.hasNext()) {
                    Example e = pre.next();
                    try {
                        return Preprocessors.trimTo(validate(e), lengths);
                    } catch (BadExampleError bad) {
                        o.badLines().handle(bad); // throws in stop mode
                    }
                }
                return null;
            }
        }, pre);
        if (o.shuffle())
            it = ShuffleBuffer.shuffle(it, o.shuffleBufferSize(), Seeds.mix(o.seed(), Seeds.hash(name), epoch, 0x5EED));
        return it;
    }

    /** seqio's output-feature validation: features must be token ids; required ones must be present. */
    Example validate(Example e) {
        for (var en : outputFeatures.entrySet()) {
            Object v = e.get(en.getKey());
            if (v == null) {
                if (en.getValue().required()) throw new BadExampleError(e.origin(), en.getKey(),
                        "required output feature missing after preprocessing in task '" + name + "'");
            } else if (!(v instanceof int[])) {
                throw new UserError("task '" + name + "': output feature '" + en.getKey() + "' is "
                        + Example.typeName(v)
                        + " after preprocessing, expected token ids (add a 'tokenize' preprocessor)");
            }
        }
        return e;
    }

    @Override
    public String toString() {
        return "Task(" + name + ")";
    }
}
