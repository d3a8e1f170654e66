package dev.t5j.demo;

import dev.t5j.adapters.AdapterFolder;
import dev.t5j.adapters.AdapterModule;
import dev.t5j.adapters.AdapterTraining;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.data.tasks.DataSetup;
import dev.t5j.data.tasks.DataSpec;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.Torch;
import dev.t5j.eval.Evaluator;
import dev.t5j.eval.GlueMetrics;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
import com.sun.management.OperatingSystemMXBean;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code t5j adapters demo} (issue 12 item 7): one small T5 pretrained on the synthetic {@code synthetic_easy}
 * mixture, then fine-tuned on four GLUE-shaped synthetic tasks ({@link GlueShapedTasks}) four ways with the same
 * steps, batches and seed: full multitask fine-tuning, Houlsby adapters, HyperFormer++ and LoRA. Every run trains with
 * HyperFormer's one-task-per-batch sampler (reference B.4), so all four see the same batches in the same order. The
 * table: trained-parameter fraction, median step time, optimizer-state bytes and each task's HyperFormer metrics on
 * held-out test examples, decoded from the saved model / adapter folder (predictions written under
 * {@code predictions/}).
 */
public final class AdapterDemo {
    /** The demonstration's knobs (the defaults are what docs/adapters.md and BENCHMARKS.md report). */
    public record Options(Path out, long pretrainSteps, long steps, int batchSize, int trainExamples,
                          int testExamples, double lr, int threads, long seed) {
        public static Options defaults(Path out) {
            return new Options(out, 1000, 500, 32, 2000, 400, 1e-3, 1, 0);
        }
    }

    /** One fine-tuning method: its table name, run folder and config overrides. */
    record Method(String name, String dir, List<String> overrides) {}

    /** One row of the table. */
    public record Row(String method, long trained, long total, double fraction, double stepSeconds,
                      double trainSeconds, long optimizerBytes, Map<String, Map<String, Double>> scores,
                      double average) {}

    public record Result(List<Row> rows, Map<String, Double> pretraining, Path summary, Path report) {}

    static final int POOL = 68; // content tokens t0..t67, the quickstart's synth_pool
    static final int INPUTS_LENGTH = 32;
    static final int TARGETS_LENGTH = 4;

    private final Options o;
    private final PrintStream log;

    public AdapterDemo(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    /** The four methods; the adapter settings are HyperFormer's configs (reduction 32, gelu_new, layer norms). */
    static List<Method> methods() {
        String tasks = "adapters.tasks=[" + String.join(", ", GlueShapedTasks.NAMES) + "]";
        List<String> hyper = List.of("adapters.reduction_factor=32", "adapters.non_linearity=gelu_new",
                "adapters.unfreeze_layer_norms=true");
        List<Method> m = new ArrayList<>();
        m.add(new Method("full fine-tuning", "full", List.of("adapters.method=none", tasks)));
        List<String> a = new ArrayList<>(List.of("adapters.method=adapter", tasks));
        a.addAll(hyper);
        m.add(new Method("adapters (Houlsby)", "adapter", a));
        List<String> h = new ArrayList<>(List.of("adapters.method=hyperformer++", tasks));
        h.addAll(hyper);
        // HyperFormer's hypernetwork sizes (64/128/64) are for d_model 768; scaled by 128/768 for this base, else
        // the shared generator alone would be a fifth of the model
        h.addAll(List.of("adapters.task_embedding_dim=16", "adapters.task_hidden_dim=32",
                "adapters.projected_task_embedding_dim=16"));
        m.add(new Method("HyperFormer++", "hyperformer-pp", h));
        m.add(new Method("LoRA (r 8, q v)", "lora", List.of("adapters.method=lora", tasks, "adapters.r=8",
                "adapters.lora_alpha=16", "adapters.target_modules=[q, v]")));
        return m;
    }

    public Result run() throws IOException {
        long wall0 = System.nanoTime();
        long cpu0 = cpuNanos();
        Torch.init(o.threads());
        Torch.setThreads(o.threads());
        AtomicFiles.writeString(o.out().resolve("config.json"), Json.writePretty(resolvedConfig()) + "\n");
        Path data = o.out().resolve("data");
        // the synthetic tasks' built-in vocabulary, as a file every run names (data.vocab), so that pretraining and
        // the GLUE-shaped tasks share one id space
        ModelVocabulary.save(data.resolve("vocab"), new SimpleVocabulary(), null);
        Path vocab = data.resolve("vocab").resolve("t5j_vocab.json");
        Map<String, Integer> train = new LinkedHashMap<>();
        // unequal sizes, as GLUE's: the sampler then draws tasks ∝ n_i^(1/10)
        int[] share = {2, 4, 2, 1};
        for (int i = 0; i < GlueShapedTasks.NAMES.size(); i++)
            train.put(GlueShapedTasks.NAMES.get(i), Math.max(o.batchSize(), o.trainExamples() * share[i] / 2));
        Path tasksFile = GlueShapedTasks.write(data, new GlueShapedTasks.Sizes(train, o.testExamples(),
                o.testExamples()), POOL, o.seed());

        log.printf(Locale.ROOT, "t5j: [1/5] pretraining a small T5 on synthetic_easy for %d steps%n",
                o.pretrainSteps());
        Path pretrainDir = o.out().resolve("pretrain");
        AtomicFiles.deleteRecursively(pretrainDir);
        Trainer.Result pre = new Trainer(TrainConfig.load(null, pretrainOverrides(vocab, pretrainDir)), log)
                .run(false);
        Map<String, Double> preScores = new LinkedHashMap<>();
        for (Evaluator.TaskResult t : pre.eval()) preScores.put(t.task(), t.metrics().get("exact_match_ids"));
        Path base = pretrainDir.resolve("model");
        log.println("t5j: pretrained base " + base + "; held-out exact match, %: " + percentages(preScores));

        List<Row> rows = new ArrayList<>();
        List<Method> methods = methods();
        for (int i = 0; i < methods.size(); i++) {
            Method m = methods.get(i);
            log.printf(Locale.ROOT, "t5j: [%d/5] %s on %s, %d steps (elapsed %.0f s)%n", i + 2, m.name(),
                    String.join(", ", GlueShapedTasks.NAMES), o.steps(), (System.nanoTime() - wall0) / 1e9);
            Path runDir = o.out().resolve(m.dir());
            AtomicFiles.deleteRecursively(runDir);
            List<String> ov = new ArrayList<>(fineTuneOverrides(vocab, tasksFile, base, runDir));
            ov.addAll(m.overrides());
            TimedRun.Figures f = TimedRun.run(new Trainer(TrainConfig.load(null, ov), log), log);
            Map<String, Map<String, Double>> scores = evaluate(base, runDir, vocab, tasksFile,
                    o.out().resolve("predictions").resolve(m.dir()));
            double avg = GlueMetrics.average(scores.values());
            rows.add(new Row(m.name(), f.trained(), f.total(), (double) f.trained() / f.total(),
                    f.medianStepSeconds(), f.trainSeconds(), f.optimizerBytes(), scores, avg));
            log.printf(Locale.ROOT, "t5j: %s: %s; average %.1f%n", m.name(), f.describe(), avg);
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        Path summary = o.out().resolve("summary.json");
        AtomicFiles.writeString(summary, Json.writePretty(summary(rows, preScores, wall, cpu)) + "\n");
        String table = table(rows);
        Path report = o.out().resolve("report.md");
        AtomicFiles.writeString(report, report(table, preScores, wall, cpu));
        log.println();
        log.print(table);
        log.printf(Locale.ROOT, "wall %.0f s, process CPU %.0f s; summary %s, report %s%n", wall, cpu, summary,
                report);
        return new Result(rows, preScores, summary, report);
    }

    private Map<String, Object> resolvedConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("out", o.out().toString());
        c.put("pretrain_steps", o.pretrainSteps());
        c.put("steps", o.steps());
        c.put("batch_size", o.batchSize());
        c.put("train_examples", o.trainExamples());
        c.put("test_examples", o.testExamples());
        c.put("lr", o.lr());
        c.put("threads", o.threads());
        c.put("seed", o.seed());
        c.put("tasks", GlueShapedTasks.NAMES);
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Method m : methods()) ms.add(Map.of("name", m.name(), "dir", m.dir(), "overrides", m.overrides()));
        c.put("methods", ms);
        return c;
    }

    /** The base: the quickstart's model and recipe on synthetic_easy (copy, reverse, set, sort, first/last). */
    private List<String> pretrainOverrides(Path vocab, Path dir) {
        List<String> ov = new ArrayList<>();
        for (String s : Quickstart.overrides(dir.toString()))
            if (!s.startsWith("train.steps=") && !s.startsWith("eval.") && !s.startsWith("checkpoint.")
                    && !s.startsWith("schedule.warmup=") && !s.startsWith("train.threads=")
                    && !s.startsWith("data.inputs_length=") && !s.startsWith("data.targets_length=")) ov.add(s);
        // rows are padded to the lengths: 16/12 hold every example of lengths 4-10 (prefix, marker and EOS included)
        // at a third of the quickstart's 40/32 cost per step
        ov.addAll(List.of("data.vocab=" + vocab, "data.inputs_length=16", "data.targets_length=12",
                "train.steps=" + o.pretrainSteps(),
                "schedule.warmup=" + Math.min(200, o.pretrainSteps() / 10), "train.threads=" + o.threads(),
                "train.seed=" + o.seed(), "eval.every=0", "eval.examples=" + Math.min(100, o.testExamples()),
                "eval.max_new_tokens=12", "checkpoint.every=0", "checkpoint.keep=1", "train.log_every=50"));
        return ov;
    }

    private List<String> fineTuneOverrides(Path vocab, Path tasksFile, Path base, Path runDir) {
        return List.of("out=" + runDir, "model.preset=null", "model.init_from=" + base,
                "data.task=" + GlueShapedTasks.MIXTURE, "data.task_files=[" + tasksFile + "]", "data.vocab=" + vocab,
                "data.inputs_length=" + INPUTS_LENGTH, "data.targets_length=" + TARGETS_LENGTH,
                "data.batch_size=" + o.batchSize(), "optimizer.name=adamw", "optimizer.weight_decay=0.0",
                "schedule.kind=linear", "schedule.lr=" + o.lr(), "schedule.warmup=" + o.steps() / 10,
                "train.steps=" + o.steps(), "train.seed=" + o.seed(), "train.threads=" + o.threads(),
                "train.log_every=25", "eval.examples=0", "checkpoint.every=0", "checkpoint.keep=1");
    }

    /**
     * Each task's HyperFormer metrics on its test split, decoded greedily from the run's saved result: the fine-tuned
     * model, or the pretrained base with the run's adapter folder attached (each task selecting its adapter). Writes
     * {@code predDir/<task>.jsonl} ({@code t5j metrics} reads it).
     */
    private Map<String, Map<String, Double>> evaluate(Path base, Path runDir, Path vocab, Path tasksFile,
                                                      Path predDir) throws IOException {
        Path adapter = runDir.resolve(AdapterTraining.DIR);
        boolean full = !Files.isDirectory(adapter);
        DatasetProvider mixture = DataSetup.of(new DataSpec(vocab.toString(), null, List.of(tasksFile.toString()),
                null, null)).provider("data.task", GlueShapedTasks.MIXTURE);
        Evaluator.Options eo = new Evaluator.Options("test", o.testExamples(), INPUTS_LENGTH, TARGETS_LENGTH,
                GenerationConfig.greedy(TARGETS_LENGTH), 100);
        List<Evaluator.TaskResult> results;
        try (T5ForConditionalGeneration model = Checkpoint.load(full ? runDir.resolve("model") : base);
             AdapterModule module = full ? null : AdapterFolder.attach(adapter, model, null)) {
            Evaluator ev = new Evaluator(model);
            if (module != null) ev.beforeTask(t -> {
                if (module.tasks().contains(t)) module.setTask(t); // a shared LoRA serves every task
            });
            results = ev.evaluate(mixture, eo);
        }
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        for (Evaluator.TaskResult r : results) {
            StringBuilder sb = new StringBuilder();
            for (Evaluator.Prediction p : r.predictions()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("inputs", p.inputs());
                line.put("prediction", p.prediction());
                line.put("references", p.references());
                sb.append(Json.write(line)).append('\n');
            }
            AtomicFiles.writeString(predDir.resolve(r.task() + ".jsonl"), sb.toString());
            Map<String, Double> m = new LinkedHashMap<>(r.metrics());
            m.remove("loss");
            m.remove("exact_match_ids");
            scores.put(r.task(), m);
        }
        return scores;
    }

    private Map<String, Object> summary(List<Row> rows, Map<String, Double> pre, double wall, double cpu) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("config", resolvedConfig());
        s.put("pretraining_exact_match", pre);
        s.put("wall_seconds", wall);
        s.put("process_cpu_seconds", cpu);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("dir", methods().get(rows.indexOf(r)).dir());
            m.put("trained_parameters", r.trained());
            m.put("total_parameters", r.total());
            m.put("trained_fraction", r.fraction());
            m.put("median_step_seconds", r.stepSeconds());
            m.put("train_seconds", r.trainSeconds());
            m.put("optimizer_state_bytes", r.optimizerBytes());
            m.put("scores", r.scores());
            m.put("average", r.average());
            rs.add(m);
        }
        s.put("methods", rs);
        return s;
    }

    /** The markdown table of the report (and of BENCHMARKS.md). */
    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| method | trained params | fraction | step ms | optimizer state |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|");
        Map<String, Map<String, Double>> first = rows.get(0).scores();
        for (Map.Entry<String, Map<String, Double>> t : first.entrySet())
            for (String k : t.getValue().keySet()) {
                sb.append(' ').append(t.getKey()).append(' ').append(k).append(" |");
                rule.append("---:|");
            }
        sb.append(" average |\n");
        rule.append("---:|\n");
        sb.append(rule);
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.2f %% | %.1f | %s |", r.method(), r.trained(),
                    100 * r.fraction(), 1000 * r.stepSeconds(), bytes(r.optimizerBytes())));
            for (Map.Entry<String, Map<String, Double>> t : first.entrySet())
                for (String k : t.getValue().keySet())
                    sb.append(String.format(Locale.ROOT, " %.1f |", r.scores().get(t.getKey()).get(k)));
            sb.append(String.format(Locale.ROOT, " %.1f |%n", r.average()));
        }
        return sb.toString();
    }

    private String report(String table, Map<String, Double> pre, double wall, double cpu) {
        return "# t5j adapters demo\n\n"
                + String.format(Locale.ROOT, "Base: T5 (quickstart preset) pretrained %d steps on synthetic_easy "
                        + "(held-out exact match, %%: %s). Fine-tuning: %d steps, batch %d, AdamW, linear schedule, "
                        + "lr %s, seed %d, HyperFormer's task sampler (T = 10) on %s; scores on %d test examples per "
                        + "task.%n%n",
                o.pretrainSteps(), percentages(pre), o.steps(), o.batchSize(), o.lr(), o.seed(),
                String.join(", ", GlueShapedTasks.NAMES), o.testExamples())
                + table
                + String.format(Locale.ROOT, "%nWall time %.0f s, process CPU time %.0f s, %d thread(s).%n", wall, cpu,
                        o.threads());
    }

    static String percentages(Map<String, Double> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.1f", k, v)));
        return String.join(", ", parts);
    }

    static String bytes(long b) {
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.2f MiB", b / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }

    /** CPU time of this process (all threads, JIT and GC included): the unloaded wall time's estimate. */
    static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
            return os.getProcessCpuTime();
        return 0;
    }
}
