package dev.t5j.cli;

import dev.t5j.atlas.AtlasConfig;
import dev.t5j.atlas.AtlasTrainer;
import dev.t5j.common.UserError;
import dev.t5j.distributed.GlooReplicas;
import dev.t5j.distributed.Launcher;
import dev.t5j.distributed.Rendezvous;
import dev.t5j.run.Replicas;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
import dev.t5j.run.ConfigTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code t5j train}: run a training config (YAML/JSON) with overrides; resumable. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train or fine-tune a T5 on a task or mixture from a run config (YAML or JSON).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Run config file (YAML or JSON); omitted = built-in defaults")
    Path config;
    @Option(names = "--set", description = "Override a config key, e.g. --set train.steps=200 (repeatable)")
    List<String> overrides = new ArrayList<>();
    @Option(names = "--resume",
            description = "Continue the run in 'out' from its latest checkpoint, with the run's own "
            + "config.yaml; only train.steps, cadences (eval/checkpoint/log) and threads may be changed")
    boolean resume;
    @Option(names = "--dtype", converter = DtypeOption.class, description = "fp32 or bf16 (mixed precision: bf16 "
            + "matrix products, fp32 weights and optimizer); the same as --set train.dtype=...")
    ComputeDtype dtype;
    @Option(names = "--print-config", description = "Print the resolved config and exit")
    boolean printConfig;
    @Option(names = "--device", description = "cpu, cuda, cuda:N or auto: sets train.device (default cpu)")
    String device;
    @Option(names = "--nproc", paramLabel = "N", description = "Data-parallel workers to start on this machine "
            + "(torchrun's --nproc-per-node); data.batch_size stays the global batch")
    Integer nproc;
    @Option(names = "--nnodes", paramLabel = "M", description = "Machines in the job (default: 1)")
    int nnodes = 1;
    @Option(names = "--node-rank", paramLabel = "R", description = "This machine's index in 0..M-1 (default: 0)")
    int nodeRank;
    @Option(names = "--master-addr", paramLabel = "HOST", description = "Host of rank 0, where workers meet "
            + "(default: 127.0.0.1)")
    String masterAddr;
    @Option(names = "--master-port", paramLabel = "P", description = "Port of the rendezvous on the master (default: "
            + "a free port on one machine, 29500 on several)")
    Integer masterPort;
    @Option(names = "--dist-timeout", paramLabel = "SECONDS", description = "Timeout of the rendezvous and of every "
            + "collective: a worker that dies or hangs stops the job after at most this long (default: 600)")
    Integer distTimeout;

    private int atlas(Path runConfig, Replicas replicas, PrintStream out) throws Exception {
        AtlasConfig cfg = runConfig != null ? AtlasConfig.loadForResume(runConfig, config, overrides, out)
                : AtlasConfig.load(config, overrides);
        if (printConfig) {
            System.out.print(cfg.toYaml());
            return 0;
        }
        var r = new AtlasTrainer(cfg, out, replicas).run(resume);
        r.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "%-40s %10.3f%n", k, v));
        out.println("run directory: " + r.runDir() + " (model: " + r.modelDir() + ")");
        return 0;
    }

    /** With --resume: the run's own config.yaml (in 'out' from --set/--config, else the default run directory). */
    private Path runConfig() {
        String out = ConfigTree.outOf(config, overrides);
        if (out == null) out = TrainConfig.defaults().path("out").asText();
        Path f = Path.of(out).resolve("config.yaml");
        return Files.isRegularFile(f) ? f : null;
    }

    @Override
    public Integer call() throws Exception {
        if (device != null) overrides.add("train.device=" + device);
        if (dtype != null) overrides.add("train.dtype=" + dtype.key());
        if ((nproc != null || nnodes > 1) && !Rendezvous.inEnv(System.getenv()) && !printConfig) return launch();
        if (Rendezvous.inEnv(System.getenv()) && !printConfig) return worker();
        return single();
    }

    private Duration timeout() {
        String env = System.getenv("T5J_DIST_TIMEOUT");
        int s = distTimeout != null ? distTimeout : env != null ? Integer.parseInt(env.trim())
                : (int) Rendezvous.DEFAULT_TIMEOUT.toSeconds();
        if (s < 1) throw new UserError("--dist-timeout must be at least 1 second, got " + s);
        return Duration.ofSeconds(s);
    }

    /** torchrun's role: start this machine's workers (this command without the launcher options) and supervise. */
    private int launch() throws Exception {
        Launcher.Options o = new Launcher.Options(nproc == null ? 1 : nproc, nnodes, nodeRank, masterAddr,
                masterPort, timeout(), null);
        Path runConfig = resume ? runConfig() : null;
        boolean atlas = runConfig != null ? AtlasConfig.isAtlasConfig(runConfig) : config != null
                && AtlasConfig.isAtlasConfig(config);
        Path runDir;
        if (atlas) {
            AtlasConfig cfg = runConfig != null ? AtlasConfig.loadForResume(runConfig, config, overrides,
                    new PrintStream(OutputStream.nullOutputStream())) : AtlasConfig.load(config, overrides);
            runDir = Path.of(cfg.out());
        } else { // the config is checked here, once, before any worker starts
            TrainConfig cfg = runConfig != null ? TrainConfig.loadForResume(runConfig, config, overrides,
                    new PrintStream(OutputStream.nullOutputStream())) : TrainConfig.load(config, overrides);
            if (cfg.data().rows() % o.world() != 0)
                throw new UserError("data.batch_size: " + cfg.data().rows() + " rows is not divisible by the "
                        + o.world() + " workers (it is the global batch; each worker takes batch_size / N)");
            runDir = cfg.outDir();
        }
        List<String> args = new ArrayList<>(List.of("train"));
        if (config != null) args.addAll(List.of("--config", config.toString()));
        for (String s : overrides) args.addAll(List.of("--set", s));
        if (resume) args.add("--resume");
        o = new Launcher.Options(o.nproc(), o.nnodes(), o.nodeRank(), o.masterAddr(), o.masterPort(), o.timeout(),
                runDir);
        return new Launcher(o, System.err).run(T5jCli.class.getName(), args);
    }

    /**
     * One worker of a multi-process run (started by the launcher, torchrun or Slurm): join the process group, train
     * its share; a peer that fails ends this worker with one line naming it and the last checkpoint.
     */
    private int worker() throws Exception {
        Rendezvous rv = Rendezvous.fromEnv(System.getenv(), timeout());
        try (GlooReplicas replicas = GlooReplicas.join(rv)) {
            // the other ranks train silently; their errors still reach stderr
            PrintStream out = rv.rank() == 0 ? System.out : new PrintStream(OutputStream.nullOutputStream());
            Path runConfig = resume ? runConfig() : null;
            try {
                return run(runConfig, replicas, out);
            } catch (GlooReplicas.PeerFailure e) {
                String outKey = ConfigTree.outOf(runConfig != null ? runConfig : config, overrides);
                Path runDir = Path.of(outKey != null ? outKey : TrainConfig.defaults().path("out").asText());
                System.err.println("t5j: error: " + e.getMessage() + ". " + Launcher.lastCheckpoint(runDir));
                System.err.flush();
                return Launcher.PEER_FAILED;
            }
        }
    }

    private int single() throws Exception {
        return run(resume ? runConfig() : null, Replicas.SINGLE, System.out);
    }

    private int run(Path runConfig, Replicas replicas, PrintStream out) throws Exception {
        boolean atlas = runConfig != null ? AtlasConfig.isAtlasConfig(runConfig) : config != null
                && AtlasConfig.isAtlasConfig(config);
        if (atlas && dtype != null)
            throw new UserError("--dtype: applies to T5 training configs (train.dtype), not to Atlas runs");
        if (atlas) return atlas(runConfig, replicas, out);
        TrainConfig cfg = runConfig != null ? TrainConfig.loadForResume(runConfig, config, overrides, out)
                : TrainConfig.load(config, overrides);
        if (printConfig) {
            System.out.print(cfg.toYaml());
            return 0;
        }
        Trainer.Result r = new Trainer(cfg, out, replicas).run(resume);
        out.printf(Locale.ROOT, "done: %d steps, final train loss %.4f%n", r.steps(), r.finalLoss());
        EvalCommand.printTable(r.eval(), out);
        out.println("run directory: " + r.runDir() + " (report: " + r.runDir().resolve("report.html") + ")");
        return 0;
    }
}
