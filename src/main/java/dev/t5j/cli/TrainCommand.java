package dev.t5j.cli;

import dev.t5j.atlas.AtlasConfig;
import dev.t5j.atlas.AtlasTrainer;
import dev.t5j.common.UserError;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
import dev.t5j.run.ConfigTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
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

    private int atlas(Path runConfig) throws Exception {
        AtlasConfig cfg = runConfig != null ? AtlasConfig.loadForResume(runConfig, config, overrides, System.out)
                : AtlasConfig.load(config, overrides);
        if (printConfig) {
            System.out.print(cfg.toYaml());
            return 0;
        }
        var r = new AtlasTrainer(cfg, System.out).run(resume);
        r.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %10.3f%n", k, v));
        System.out.println("run directory: " + r.runDir() + " (model: " + r.modelDir() + ")");
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
        Path runConfig = resume ? runConfig() : null;
        boolean atlas = runConfig != null ? AtlasConfig.isAtlasConfig(runConfig) : config != null
                && AtlasConfig.isAtlasConfig(config);
        if (dtype != null) {
            if (atlas) throw new UserError("--dtype: applies to T5 training configs (train.dtype), not to Atlas runs");
            overrides.add("train.dtype=" + dtype.key());
        }
        if (atlas) return atlas(runConfig);
        TrainConfig cfg = runConfig != null ? TrainConfig.loadForResume(runConfig, config, overrides, System.out)
                : TrainConfig.load(config, overrides);
        if (printConfig) {
            System.out.print(cfg.toYaml());
            return 0;
        }
        Trainer.Result r = new Trainer(cfg, System.out).run(resume);
        System.out.printf(Locale.ROOT, "done: %d steps, final train loss %.4f%n", r.steps(), r.finalLoss());
        EvalCommand.printTable(r.eval(), System.out);
        System.out.println("run directory: " + r.runDir() + " (report: " + r.runDir().resolve("report.html") + ")");
        return 0;
    }
}
