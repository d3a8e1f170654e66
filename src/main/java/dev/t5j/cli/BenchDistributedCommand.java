package dev.t5j.cli;

import java.util.ArrayList;
import dev.t5j.bench.DistributedBench;
import dev.t5j.common.UserError;
import dev.t5j.distributed.GlooReplicas;
import dev.t5j.distributed.Launcher;
import dev.t5j.distributed.Rendezvous;
import dev.t5j.engine.MachineInfo;
import dev.t5j.engine.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code t5j bench distributed}: the one-process step here, then {@code --nproc} local workers (1 thread each unless
 * {@code --threads}) started by the launcher measure all-reduce bandwidth and their step with the same global batch.
 */
@Command(name = "distributed", mixinStandardHelpOptions = true,
        description = "All-reduce bandwidth over loopback (Gloo) and the t5-small step with 1 and N local workers.")
public final class BenchDistributedCommand implements Callable<Integer> {
    @Option(names = "--nproc", defaultValue = "2", description = "Local workers of the parallel run (default: 2)")
    int nproc;
    @Option(names = "--preset", defaultValue = "t5-small", description = "Model preset (default: t5-small)")
    String preset;
    @Option(names = "--batch", defaultValue = "8", description = "Global batch (default: 8)")
    int batch;
    @Option(names = "--input-len", defaultValue = "128", description = "Input tokens per row (default: 128)")
    int inputLen;
    @Option(names = "--target-len", defaultValue = "32", description = "Target tokens per row (default: 32)")
    int targetLen;
    @Option(names = "--steps", defaultValue = "3", description = "Timed steps, after one warm-up (default: 3)")
    int steps;
    @Option(names = "--threads", defaultValue = "1", description = "libtorch threads per worker (default: 1)")
    int threads;
    @Option(names = "--sizes-mib", split = ",", defaultValue = "1,16,64,256",
            description = "All-reduce buffer sizes in MiB (default: 1,16,64,256; t5-small's gradients are 231 MiB)")
    int[] sizes;
    @Option(names = "--worker", hidden = true, description = "Internal: run as a launched worker")
    boolean worker;

    @Override
    public Integer call() throws Exception {
        if (batch % nproc != 0) throw new UserError("--batch " + batch + " is not divisible by --nproc " + nproc);
        Torch.init(threads);
        DistributedBench.Config c = new DistributedBench.Config(preset, batch, inputLen, targetLen, steps);
        if (worker) {
            try (GlooReplicas g = GlooReplicas.join(Rendezvous.fromEnv(System.getenv(), Duration.ofMinutes(10)))) {
                DistributedBench.allReduceTable(g, sizes, System.out);
                DistributedBench.StepResult r = DistributedBench.step(c, g);
                if (g.writes()) System.out.printf(Locale.ROOT, "%d workers (%d thread each), %d rows each: step "
                                + "%.3f s, all-reduce %.3f s (%.0f%% of the step)%n", g.world(), threads,
                        batch / g.world(), r.stepSeconds(), r.commSeconds(), 100 * r.commSeconds() / r.stepSeconds());
            }
            return 0;
        }
        MachineInfo.print(System.out);
        System.out.printf(Locale.ROOT, "%s training step, global batch %d x (%d in, %d out), AdamW%n", preset, batch,
                inputLen, targetLen);
        DistributedBench.StepResult one = DistributedBench.step(c, null);
        System.out.printf(Locale.ROOT, "1 worker (%d thread), %d rows: step %.3f s%n", threads, batch,
                one.stepSeconds());
        System.out.flush();
        List<String> args = new ArrayList<>(List.of("bench", "distributed", "--worker", "--nproc",
                Integer.toString(nproc), "--preset", preset, "--batch", Integer.toString(batch), "--input-len",
                Integer.toString(inputLen), "--target-len", Integer.toString(targetLen), "--steps",
                Integer.toString(steps), "--threads", Integer.toString(threads)));
        StringBuilder sz = new StringBuilder();
        for (int s : sizes) sz.append(sz.length() == 0 ? "" : ",").append(s);
        args.addAll(List.of("--sizes-mib", sz.toString()));
        return new Launcher(new Launcher.Options(nproc, 1, 0, null, null, Duration.ofMinutes(10), null), System.err)
                .run(T5jCli.class.getName(), args);
    }
}
