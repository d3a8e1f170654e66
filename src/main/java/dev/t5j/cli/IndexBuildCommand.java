package dev.t5j.cli;

import dev.t5j.retrieval.index.HnswIndex;
import dev.t5j.retrieval.index.HnswOptions;
import dev.t5j.common.DirectoryLock;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Passages;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.IndexBuilder;
import dev.t5j.retrieval.index.IndexDtype;
import dev.t5j.retrieval.index.IndexOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code t5j index build}: embed a passage corpus with a retriever's passage encoder and save an exact flat index. */
@Command(name = "build", mixinStandardHelpOptions = true, description =
        "Embed passages (Atlas jsonl) and save a flat inner-product index.")
public final class IndexBuildCommand implements Callable<Integer> {
    @Option(names = "--passages", required = true, split = ",", description =
            "Passage jsonl file(s): id, title, text[, section]")
    List<Path> passages;
    @Option(names = "--retriever", required = true, description =
            "Retriever directory (HF Contriever/BERT or t5j retriever)")
    Path retriever;
    @Option(names = "--out", required = true, description = "Index directory to write (atomically)")
    Path out;
    @Option(names = "--shards", defaultValue = "1", description = "Embedding shards (default ${DEFAULT-VALUE})")
    int shards;
    @Option(names = "--dtype", defaultValue = "fp16", description = "fp16 (Atlas) or fp32 (default ${DEFAULT-VALUE})")
    String dtype;
    @Option(names = "--batch-size", defaultValue = "64",
            description = "Passages embedded per batch (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--max-passages", description = "Read at most this many passages")
    Integer maxPassages;
    @Option(names = "--threads", defaultValue = "1", description =
            "libtorch threads (default ${DEFAULT-VALUE}; more only on an otherwise idle machine)")
    int threads;
    @Option(names = "--hnsw", description =
            "Also build an approximate HNSW index (Lucene) over the embeddings and save that instead")
    boolean hnsw;
    @Option(names = "--ef-search", defaultValue = "100", description = "HNSW search beam (default ${DEFAULT-VALUE})")
    int efSearch;

    @Override
    public Integer call() throws Exception {
        if (shards < 1 || batchSize < 1) throw new UserError("--shards and --batch-size must be >= 1");
        Torch.init(threads);
        Torch.setThreads(threads);
        List<Passage> ps = maxPassages == null ? Passages.load(passages) : Passages.load(passages, maxPassages);
        long t0 = System.nanoTime();
        try (DirectoryLock lock = DirectoryLock.forOutput(out, "index"); // one writer per index
             Retriever r = Retriever.load(retriever);
             Progress p = new Progress("embed passages", ps.size(), "passage");
             FlatIndex index = IndexBuilder.build(ps, r.passageEmbedder(batchSize).withProgress(false),
                     new IndexOptions(shards, IndexDtype.parse(dtype), batchSize), p)) {
            double s = (System.nanoTime() - t0) / 1e9;
            if (hnsw) {
                try (Progress hp = new Progress("hnsw graph", index.size(), "passage");
                     HnswIndex h = HnswIndex.build(index, HnswOptions.defaults().withEfSearch(efSearch), hp)) {
                    h.save(out);
                }
            } else {
                index.save(out);
            }
            System.out.printf(Locale.ROOT,
                    "indexed %d passages (dim %d, %s, %d shards) in %s (%.0f passages/s) -> %s%n",
                    index.size(), index.dim(), dtype, shards, Progress.formatSeconds(s), ps.size() / s, out);
        }
        return 0;
    }
}
