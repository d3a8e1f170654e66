package dev.t5j.cli;

import dev.t5j.engine.MachineInfo;
import dev.t5j.engine.Torch;
import dev.t5j.bench.RetrieverBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code t5j bench retriever}: corpus embedding passages/s of a randomly initialised Contriever (thin shell over
 * {@link RetrieverBench}).
 */
@Command(name = "retriever", mixinStandardHelpOptions = true,
        description =
                "Corpus embedding throughput (passages/s, GFLOP/s) of a Contriever: length-sorted batches vs file " +
                "order, per thread count.")
public final class BenchRetrieverCommand implements Callable<Integer> {
    @Option(names = "--passages", required = true, description = "Atlas passages jsonl (id, title, text[, section])")
    Path passages;
    @Option(names = "--vocab", required = true, description = "BERT uncased vocab.txt")
    Path vocab;
    @Option(names = "--preset", split = ",", defaultValue = "contriever,tiny", description =
            "BERT presets, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> presets;
    @Option(names = "--count", defaultValue = "256", description = "passages to embed (default: ${DEFAULT-VALUE})")
    int count;
    @Option(names = "--max-length", defaultValue = "200", description =
            "text_maxlength, capped at 512 (default: ${DEFAULT-VALUE}, Atlas's)")
    int maxLength;
    @Option(names = "--batch", defaultValue = "32", description =
            "passages per forward pass (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--threads", split = ",", defaultValue = "1,2", description =
            "libtorch thread counts to measure (default: ${DEFAULT-VALUE})")
    List<Integer> threads;
    @Option(names = "--seed", defaultValue = "0",
            description = "Random seed of the retriever and inputs (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Torch.init();
        MachineInfo.print(System.out);
        RetrieverBench.run(new RetrieverBench.Config(presets, passages, vocab, count, maxLength, batch, threads, seed),
                System.out);
        return 0;
    }
}
