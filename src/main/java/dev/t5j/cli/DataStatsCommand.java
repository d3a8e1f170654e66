package dev.t5j.cli;

import java.io.PrintWriter;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.CacheStats;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.TaskCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code t5j data stats}: example counts, token counts and length histograms (from a cache, or computed). */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Example and token counts and length histograms of a task or of each task of a mixture (JSON).")
public final class DataStatsCommand implements Runnable {
    @Mixin
    DataOptions data;

    @Mixin
    ReadingOptions reading;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--cache-dir", description = "read stats.json from this cache when the split is cached")
    Path cacheDir;

    @Option(names = "--verify", description = "with --cache-dir: also verify every shard's CRC32")
    boolean verify;

    @Option(names = "--limit", defaultValue = "0",
            description = "when computing: stop after this many examples per task (0 = all)")
    long limit;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        DatasetProvider p = data.provider();
        ReadOptions o = reading.readOptions(data);
        Map<String, Object> result = new LinkedHashMap<>();
        for (Mixture.WeightedTask wt : p.weightedTasks(o)) {
            if (p instanceof Mixture && !wt.task().splits().contains(o.split())) {
                spec.commandLine().getErr().println("t5j: note: task '" + wt.task().name() + "' has no split '"
                        + o.split() + "'; skipped");
                continue;
            }
            String name = wt.task().name();
            if (cacheDir != null && TaskCache.isCached(cacheDir, name, o.split())) {
                TaskCache.Reader r = TaskCache.open(cacheDir, name, o.split());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("source", "cache " + r.dir());
                m.put("stats", r.stats());
                if (verify) {
                    List<Path> bad = r.verify();
                    if (!bad.isEmpty()) throw new UserError("cache shards fail their CRC32 check: " + bad);
                    m.put("verified", true);
                }
                result.put(name, m);
                continue;
            }
            var v = wt.task().outputFeatures().values().iterator().next().vocabulary();
            CacheStats stats = new CacheStats(v.eosId(), v.padId());
            try (ExampleIterator it = wt.task().open(o)) {
                long k = 0;
                while (it.hasNext() && (limit <= 0 || k < limit)) {
                    Example e = it.next();
                    stats.add(e);
                    k++;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", "computed" + (limit > 0 ? " (first " + limit + " examples)" : ""));
            m.put("stats", stats.toJson());
            result.put(name, m);
        }
        out.println(Json.writePretty(result));
        reading.reportBadLines(spec.commandLine().getErr());
        out.flush();
    }
}
