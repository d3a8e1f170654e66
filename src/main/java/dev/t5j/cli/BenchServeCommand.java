package dev.t5j.cli;

import dev.t5j.api.T5j;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.MachineInfo;
import dev.t5j.serve.ServeBench;
import dev.t5j.serve.ServeSoak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j bench serve}: server throughput and latency under 1/8/32 concurrent clients on 127.0.0.1. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "HTTP server throughput and p50/p99 latency with concurrent clients on 127.0.0.1, against "
                + "t5j generate's tokens/s on the same input (the anchor).")
public final class BenchServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    VocabOption vocabOption = new VocabOption();
    @Option(names = "--clients", split = ",", defaultValue = "1,8,32",
            description = "Concurrency levels (default ${DEFAULT-VALUE})")
    List<Integer> clients;
    @Option(names = "--requests", defaultValue = "4",
            description = "Requests per client per level (default ${DEFAULT-VALUE})")
    int requests;
    @Option(names = "--tokens", defaultValue = "32",
            description = "Tokens generated per request (default ${DEFAULT-VALUE})")
    int tokens;
    @Option(names = "--text", defaultValue = "reverse <extra_id_0> t1 t2 t3 t4 t5 t6 t7 t8",
            description = "The prompt (default: ${DEFAULT-VALUE})")
    String text;
    @Option(names = "--rounds", defaultValue = "3",
            description = "Times each level is measured, levels interleaved; tokens/s is the median round's "
                    + "(default ${DEFAULT-VALUE})")
    int rounds;
    @Option(names = "--soak", paramLabel = "N",
            description = "Instead of the levels: N requests of mixed traffic (answers checked, bad requests, "
                    + "hang-ups) from the largest --clients, native memory before and after")
    Integer soak;

    @Override
    public Integer call() throws Exception {
        ServeBench.Config cfg = new ServeBench.Config(clients, requests, tokens, text, rounds);
        ServeSoak.Config soakCfg = soak == null ? null : new ServeSoak.Config(soak,
                clients.stream().mapToInt(Integer::intValue).max().orElse(1), tokens);
        model.apply();
        MachineInfo.print(System.out);
        try (T5j t5 = model.loadText(null, ComputeDtype.FP32, vocabOption.vocab)) {
            if (soakCfg != null) ServeSoak.run(t5, soakCfg, System.out);
            else ServeBench.run(t5, cfg, System.out);
        }
        return 0;
    }
}
