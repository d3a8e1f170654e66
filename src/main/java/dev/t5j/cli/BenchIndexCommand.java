package dev.t5j.cli;

import dev.t5j.retrieval.index.HnswOptions;
import dev.t5j.retrieval.index.IndexBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code t5j bench index}: flat and HNSW passage index speed and recall (BENCHMARKS.md, "Passage index"). */
@Command(name = "index", mixinStandardHelpOptions = true,
        description =
                "Benchmark the passage index: flat search q/s (fp32/fp16, batch 1/64) vs a plain-Java scan, HNSW " +
                "build/recall/q/s.")
public final class BenchIndexCommand implements Runnable {
    @Option(names = "--passages", defaultValue = "200000", description = "corpus size (default: ${DEFAULT-VALUE})")
    int passages;

    @Option(names = "--dim", defaultValue = "768", description = "embedding size (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--queries", defaultValue = "50", description = "single queries timed (default: ${DEFAULT-VALUE})")
    int queries1;

    @Option(names = "--batches", defaultValue = "5", description =
            "batches of 64 queries timed (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--no-reference", description = "skip the plain-Java reference scan")
    boolean noReference;

    @Option(names = "--no-ann", description = "skip the HNSW index")
    boolean noAnn;

    @Option(names = "--hnsw-m", defaultValue = "16",
            description = "HNSW: neighbours per node (default ${DEFAULT-VALUE})")
    int m;

    @Option(names = "--hnsw-beam", defaultValue = "100",
            description = "HNSW: candidate list size when building and searching (default ${DEFAULT-VALUE})")
    int beam;

    @Option(names = "--hnsw-partitions", description = "HNSW graphs (default: one per core)")
    Integer partitions;

    @Option(names = "--ann-queries", defaultValue = "200",
            description = "Queries for the approximate-search recall and speed (default ${DEFAULT-VALUE})")
    int annQueries;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        int parts = partitions != null ? partitions : cores;
        var c = new IndexBench.Config(passages, dim, queries1, batches, !noReference, !noAnn, new HnswOptions(m, beam,
                100, parts, cores), annQueries, 42);
        var rows = IndexBench.run(c, out);
        out.println();
        out.print(IndexBench.markdown(c, rows));
        out.flush();
    }
}
