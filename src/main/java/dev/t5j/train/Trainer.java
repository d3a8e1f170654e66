package dev.t5j.train;

import dev.t5j.adapters.AdapterConfig;
import dev.t5j.adapters.AdapterMethod;
import dev.t5j.adapters.AdapterTraining;
import dev.t5j.data.TrainingBatches;
import dev.t5j.engine.Autocast;
import dev.t5j.engine.ComputeDtype;
import dev.t5j.engine.Profiler;
import dev.t5j.model.InitSchemes;
import dev.t5j.model.Losses;
import dev.t5j.optim.Adafactor;
import dev.t5j.optim.AdamW;
import dev.t5j.optim.Optimizer;
import dev.t5j.optim.Schedule;
import dev.t5j.optim.OptimizerName;
import dev.t5j.run.Replicas;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.run.RunLoop;
import dev.t5j.run.RunTask;
import dev.t5j.common.UserError;
import dev.t5j.data.Batch;
import dev.t5j.data.tasks.DataSetup;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.EncDecFeatureConverter;
import dev.t5j.data.Feature;
import dev.t5j.data.Packing;
import dev.t5j.data.MissingMembers;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.eval.Evaluator;
import dev.t5j.eval.Metrics;
import dev.t5j.model.AttentionMasks;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.tokenizer.Vocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The T5 trainer: a {@link RunTask} for the {@link RunLoop}. It builds data, model and optimizer from a
 * {@link TrainConfig}, and its step is gradient accumulation over {@code grad_accum} micro-batches (packed rows with
 * t5x's masks, padded rows with HF's); its evaluation decodes {@code eval.examples} and scores them with the task's
 * metrics. The run loop does the rest (clipping, optimizer step, logging, checkpoints, resume, report).
 *
 * <p>Data parallelism ({@link Replicas}, issue 15): {@code data.batch_size} is the global batch. Every worker reads
 * the same global stream (so packing windows and the multitask sampler's draws are those of one process) and trains
 * on its slice of rows {@code [rank·B/N, (rank+1)·B/N)}; token counts and loss sums are summed over the workers
 * before the loss is normalised, so the averaged gradient and the logged loss are those of one process with the
 * whole batch. Parameters start from rank 0's; only rank 0 evaluates (the others would compute the same numbers).
 *
 * <p>Exact resume: the data stream restarts at the saved {@link Packing.Position} (trainer_state.json's
 * {@code data_examples}, {@code data_rows_into_window}); dropout and optimizer state are restored by the loop.
 */
public final class Trainer implements RunTask {
    /** What a finished run reports. */
    public record Result(Path runDir, long steps, double finalLoss, List<Evaluator.TaskResult> eval) {}

    private final TrainConfig cfg;
    private final PrintStream log;
    /** Test hook: stop (as if killed) after this step; ≤ 0 = never. */
    private long stopAfterStep;
    private DatasetProvider provider;
    private T5ForConditionalGeneration model;
    private Optimizer opt;
    private TrainingBatches batches;
    private Training training;
    private Packing.Position position = Packing.Position.START;
    /** train.dtype as this CPU runs it (bf16 falls back to fp32 without bf16 units); evaluation stays fp32. */
    private ComputeDtype dtype = ComputeDtype.FP32;
    private List<Evaluator.TaskResult> lastEval = List.of();
    private Vocabulary modelVocab; // carried by every model folder the run writes
    private Path modelVocabFile;
    private AdapterTraining adapters;
    private MultitaskBatches multitask; // [adapters] per-task adapters on a mixture: one sampled task per batch
    /** The task of each micro-batch trained, in order, for tests; the first {@link #STEP_TASKS_KEPT} only. */
    private final List<String> stepTasks = new ArrayList<>();
    /** Bounds {@link #stepTasks} so that a long multitask run does not grow the list without end. */
    static final int STEP_TASKS_KEPT = 100_000;
    private final Replicas replicas;

    public Trainer(TrainConfig cfg, PrintStream log) {
        this(cfg, log, Replicas.SINGLE);
    }

    /** A data-parallel worker: {@code replicas} says which one and exchanges gradients, sums and parameters. */
    public Trainer(TrainConfig cfg, PrintStream log, Replicas replicas) {
        this.cfg = cfg;
        this.log = log;
        this.replicas = replicas;
    }

    /** Test hook: stop after {@code step} as if killed there. */
    void stopAfterStep(long step) {
        this.stopAfterStep = step;
    }

    /**
     * Runs the config in the shared {@link RunLoop}: from scratch, or from the newest checkpoint with {@code resume}.
     */
    public Result run(boolean resume) throws IOException {
        RunLoop.Result r = new RunLoop(loopOptions(), log).stopAfterStep(stopAfterStep).run(this, resume);
        return new Result(r.runDir(), r.steps(), r.finalLoss(), r.finalMetrics().isEmpty() ? List.of() : lastEval);
    }

    /** The run loop's options for this config (a caller that wraps this task in its own loop uses them). */
    public RunLoop.Options loopOptions() {
        return RunLoop.Options.of(cfg.outDir(), cfg.toYaml(), cfg.train().steps())
                .withSeed(cfg.train().seed())
                .withEvalEvery(cfg.eval().every())
                .withCheckpoints(cfg.checkpoint().every(), cfg.checkpoint().keep(), cfg.checkpoint().bestMetric(), true)
                .withClipGradNorm(cfg.optimizer().clipGradNorm())
                .withProgress(replicas.writes())
                .withReplicas(replicas);
    }

    /** [adapters] What this run trains, between {@link #open} and {@link #close} (counts for reports). */
    public AdapterTraining adapterTraining() {
        return adapters;
    }

    @Override
    public void open(RunCheckpoints.Saved from) throws IOException {
        if (cfg.train().threads() != null) Torch.init(cfg.train().threads());
        else Torch.init();
        Torch.setDevice(cfg.train().device(), "train.device");
        if (cfg.data().rows() % replicas.world() != 0)
            throw new UserError("data.batch_size: " + cfg.data().rows() + " rows is not divisible by the "
                    + replicas.world() + " workers (it is the global batch; each worker takes batch_size / N)");
        dtype = cfg.train().dtype().resolve(log);
        DataSetup data = DataSetup.of(cfg.data().spec());
        provider = data.provider("data.task", cfg.data().task());
        ReadOptions train = cfg.data().trainOptions(cfg.train().seed());
        provider = MissingMembers.present(provider, train, cfg.data().allowMissing(), "set data.allow_missing: true",
                log::println);
        if (cfg.data().useCached()) DataSetup.requireCached(provider, train);
        provider.check(train);
        int taskVocab = taskVocabSize(provider, train);
        // The model folder carries the vocabulary its targets were written in (the synthetic tasks' or data.vocab).
        modelVocab = targetsVocabulary(provider, train);
        modelVocabFile = modelVocab == data.vocabulary() ? ModelVocabulary.sourceFile(cfg.data().vocab()) : null;
        checkEvaluation();
        if (from != null) {
            RunCheckpoints.State s = from.state();
            position = new Packing.Position(s.longField("data_examples"), (int) s.longField("data_rows_into_window"));
        }
        model = buildModel(from == null ? null : from.dir(), taskVocab);
        // [adapters] frozen base + adapter hooks; the optimizer and clipping see only the trained parameters
        List<Task> sampled = sampledTasks(train);
        adapters = AdapterTraining.setUp(model, cfg.adapters(), "config", from == null ? null : from.dir(),
                provider instanceof Task ? provider.name() : sampled != null ? sampled.get(0).name() : null,
                cfg.train().seed());
        log.println("t5j: " + adapters.describe());
        // every replica starts from rank 0's parameters (as DDP's constructor does)
        for (Tensor p : model.parameters().values()) replicas.broadcast(p, 0);
        for (Tensor p : adapters.trainable().values()) replicas.broadcast(p, 0);
        opt = buildOptimizer(adapters.trainable());
        Schedule schedule = new Schedule(cfg.schedule().kind(), cfg.schedule().lr(), cfg.schedule().warmup(),
                cfg.train().steps(), cfg.schedule().minRatio());
        training = new Training(opt, schedule, adapters.trainable().values());
        EncDecFeatureConverter conv = new EncDecFeatureConverter(cfg.data().inputsLength(), cfg.data().targetsLength(),
                cfg.data().pack());
        if (sampled != null) // [adapters]
            multitask = MultitaskBatches.open(sampled, train, conv, cfg.data().rows(),
                    cfg.data().taskSampling().temperature(), cfg.train().seed(), from == null ? null : from.state());
        else batches = TrainingBatches.open(provider, train, conv, cfg.data().rows(), false, 1, 0, position);
    }

    /**
     * [adapters] The mixture's tasks when {@code adapters.tasks} lists them (they then train in one run with
     * HyperFormer's one-task-per-batch sampler, each batch selecting its task's adapter or task embedding; with
     * method none or lora every task shares the trained weights, as HyperFormer's full multitask fine-tuning); null
     * otherwise (a single task, or no tasks listed).
     */
    private List<Task> sampledTasks(ReadOptions train) {
        List<String> names = cfg.adapters().adapterNames();
        AdapterMethod.parse("config: adapters.method", cfg.adapters().method());
        if (provider instanceof Task || names.equals(List.of(AdapterConfig.SHARED))) return null;
        List<Task> tasks = Evaluator.tasksOf(provider, train);
        for (Task t : tasks) if (!names.contains(t.name()))
            throw new UserError("config: adapters.tasks: task '" + t.name() + "' of mixture '" + provider.name()
                    + "' has no adapter (tasks: " + String.join(", ", names) + ")");
        return tasks;
    }

    /**
     * [adapters] Every step of a multitask run starts with undefined gradients, as PyTorch's
     * {@code zero_grad(set_to_none=True)} (HF Trainer's): the optimizer skips the adapters of tasks this step did not
     * draw (no momentum or decay step). The optimizers zero gradients instead, which would move those adapters in an
     * uninterrupted run but not in a resumed one (no gradient yet), so resume would not be exact.
     */
    private void clearGradients() {
        for (Tensor p : adapters.trainable().values()) {
            Tensor g = p.mutable_grad();
            if (g.defined()) g.reset();
        }
    }

    /** Test hook: the task of every micro-batch trained so far (multitask adapter runs). */
    List<String> stepTasks() {
        return stepTasks;
    }

    /**
     * Everything the evaluations will need, checked before step 1 rather than after training: a task has the eval
     * split, the tasks' metrics exist, and checkpoint.best_metric names a key the evaluation produces.
     */
    private void checkEvaluation() {
        String split = cfg.eval().split(), best = cfg.checkpoint().bestMetric();
        if (cfg.eval().examples() == 0) {
            if (best != null) throw new UserError("checkpoint.best_metric: '" + best
                    + "' but eval.examples is 0 (no evaluation)");
            return;
        }
        List<String> keys = new ArrayList<>();
        // tasks with metric functions: their keys are known only when they run
        List<String> openPrefixes = new ArrayList<>();
        Set<String> splits = new TreeSet<>();
        for (Task t : Evaluator.tasksOf(provider, ReadOptions.split("train"))) {
            splits.addAll(t.splits());
            if (!t.splits().contains(split)) continue;
            String prefix = "eval/" + t.name() + "/";
            keys.add(prefix + "exact_match_ids");
            keys.add(prefix + "loss");
            for (String name : t.metricNames()) {
                try { // a one-example run names the metric's keys
                    for (String k : Metrics.byName(name).compute(List.of("a"),
                            List.of(List.of("a"))).keySet()) keys.add(prefix + k);
                } catch (IllegalArgumentException e) {
                    throw new UserError(t.name() + ": " + e.getMessage());
                }
            }
            if (!t.metricFns().isEmpty()) openPrefixes.add(prefix);
        }
        if (keys.isEmpty())
            throw new UserError("eval.split: '" + split + "': no task of " + provider.name() + " has it (splits: "
                    + String.join(", ", splits) + ")");
        if (best != null && !keys.contains(best) && openPrefixes.stream().noneMatch(best::startsWith))
            throw new UserError("checkpoint.best_metric: '" + best
                    + "' is not a metric of this run's evaluation (one of: "
                    + String.join(", ", keys.size() > 24 ? keys.subList(0, 24) : keys) + (keys.size() > 24 ? ", ..."
                    : "") + ")");
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "t5j: training %s (%,d parameters) on %s for %d steps -> %s",
                describe(model.config()), model.parameterCount(), provider.name(), cfg.train().steps(), cfg.outDir());
    }

    @Override
    public Training training() {
        return training;
    }

    @Override
    public StepOutput forwardBackward(long step) {
        long t0 = System.nanoTime();
        long p0 = Profiler.start();
        // the last optimizer update may have bypassed version counters (fused AdamW): drop the decode-time copies
        // (stacked q/k/v, packed lm head) so that any no-grad product of this step sees the current weights
        model.weightsChanged();
        model.train(true);
        List<Batch> micro = new ArrayList<>();
        List<String> microTasks = new ArrayList<>();
        if (multitask != null) clearGradients(); // [adapters]
        for (int m = 0; m < cfg.train().gradAccum() && multitask != null; m++) { // [adapters]
            MultitaskBatches.Drawn d = multitask.next(step);
            micro.add(d.batch());
            microTasks.add(d.task());
        }
        for (int m = 0; m < cfg.train().gradAccum() && multitask == null; m++) {
            if (!batches.hasNext()) throw new UserError(provider.name() + ": the training data ran out at step "
                    + step);
            micro.add(batches.next());
        }
        if (multitask == null) position = batches.position();
        double dataSeconds = (System.nanoTime() - t0) / 1e9; // time the step waited for its input pipeline
        Profiler.stop(Profiler.Kind.DATA, p0);
        int world = replicas.world(), share = cfg.data().rows() / world;
        if (world > 1) micro.replaceAll(b -> b.slice(Math.min(b.rows(), replicas.rank() * share),
                Math.min(b.rows(), (replicas.rank() + 1) * share)));
        double localWeight = 0, loss = 0;
        long tokens = 0;
        for (Batch b : micro) localWeight += sum(b.decoderLossWeights());
        // the divisor of one process with the whole batch: real target tokens summed over the replicas; the
        // replicas' gradients are then averaged, so each scales its share by N to make the average their sum
        double weightTotal = sumOverReplicas(localWeight)[0];
        double divisor = cfg.loss().normalize().divisor(weightTotal) / world;
        for (int i = 0; i < micro.size(); i++) {
            Batch b = micro.get(i);
            if (b.rows() == 0) continue;
            if (multitask != null) { // [adapters] this micro-batch's task selects its adapter
                adapters.selectTask(microTasks.get(i));
                if (stepTasks.size() < STEP_TASKS_KEPT) stepTasks.add(microTasks.get(i));
            }
            try (PointerScope s = new PointerScope()) {
                Tensor lossSum;
                try (Autocast a = Autocast.open(dtype)) { // backward runs outside autocast, as PyTorch prescribes
                    lossSum = lossSum(model, b);
                }
                long b0 = Profiler.start();
                lossSum.div(Tensors.scalar(divisor)).backward();
                Profiler.stop(Profiler.Kind.BACKWARD, b0);
                loss += lossSum.item_float();
            }
            tokens += nonPad(b.encoderInputTokens()) + nonPad(b.decoderTargetTokens());
        }
        double[] totals = sumOverReplicas(loss, tokens);
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("loss", totals[0] / Math.max(1, weightTotal));
        return new StepOutput(losses, (long) totals[1], dataSeconds);
    }

    /** {@code values} summed over the replicas (themselves for one process), in double precision. */
    private double[] sumOverReplicas(double... values) {
        if (replicas.world() == 1) return values;
        try (PointerScope s = new PointerScope()) {
            Tensor t = Tensors.doubles(values);
            replicas.allReduceSum(t);
            return Tensors.toDoubles(t);
        }
    }

    @Override
    public Map<String, Double> evaluate(long step, boolean last) {
        if (!replicas.writes()) return Map.of(); // rank 0 evaluates; the other replicas hold the same weights
        model.weightsChanged(); // the optimizer updated the weights since the last decoding
        lastEval = evaluate();
        Map<String, Double> out = new LinkedHashMap<>();
        for (Evaluator.TaskResult r : lastEval) r.metrics().forEach((k, v) -> out.put("eval/" + r.task() + "/" + k, v));
        return out;
    }

    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        Checkpoint.save(model, dir);
        ModelVocabulary.save(dir, modelVocab, modelVocabFile);
        adapters.save(dir.resolve(AdapterTraining.DIR)); // [adapters] checkpoints carry the adapter folder
    }

    @Override
    public Map<String, Object> checkpointFields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("data_examples", position.examples());
        f.put("data_rows_into_window", position.rowsIntoWindow());
        if (multitask != null) f.putAll(multitask.fields()); // [adapters]
        return f;
    }

    @Override
    public void saveFinal(Path runDir) throws IOException {
        Checkpoint.save(model, runDir.resolve("model"));
        ModelVocabulary.save(runDir.resolve("model"), modelVocab, modelVocabFile);
        adapters.save(runDir.resolve(AdapterTraining.DIR));
    }

    @Override
    public void close() {
        if (batches != null) batches.close();
        if (multitask != null) multitask.close();
        if (adapters != null) adapters.close();
        if (opt != null) opt.close();
        if (model != null) model.close();
    }

    private List<Evaluator.TaskResult> evaluate() {
        if (cfg.eval().examples() == 0) return List.of();
        GenerationConfig g = GenerationConfig.beam(cfg.eval().maxNewTokens(), cfg.eval().numBeams());
        Evaluator.Options o = new Evaluator.Options(cfg.eval().split(), cfg.eval().examples(),
                cfg.data().inputsLength(), cfg.data().targetsLength(), g, cfg.eval().batchSize());
        return new Evaluator(model).beforeTask(adapters::selectTask).evaluate(provider, o); // [adapters]
    }

    private T5ForConditionalGeneration buildModel(Path resumeFrom, int taskVocab) {
        TrainConfig.Model mc = cfg.model();
        if (resumeFrom != null) return Checkpoint.load(resumeFrom);
        T5ForConditionalGeneration m;
        if (mc.initFrom() != null) {
            m = Checkpoint.load(Path.of(mc.initFrom()));
            if (mc.dropout() != null || mc.vocabSize() != null)
                log.println("t5j: note: model.dropout/vocab_size are ignored with init_from (the checkpoint's config "
                        + "is used)");
        } else {
            T5Config c = mc.preset() != null ? T5Config.preset(mc.preset()) : T5Config.read(Path.of(mc.config()));
            if (mc.dropout() != null) c = c.withDropout(mc.dropout());
            if (mc.vocabSize() != null) c = c.withVocabSize(mc.vocabSize());
            m = T5ForConditionalGeneration.init(c, cfg.train().seed());
            if (mc.initScheme() != null) {
                try (T5ForConditionalGeneration stats = Checkpoint.load(Path.of(mc.initStatsFrom()))) {
                    InitSchemes.apply(m, stats, mc.initScheme(), cfg.train().seed());
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
                log.println("t5j: initialised with " + mc.initScheme() + " statistics of " + mc.initStatsFrom());
            }
        }
        if (mc.preAttnLnValue() != null) InitSchemes.setPreAttentionNorms(m, mc.preAttnLnValue());
        if (m.config().vocabSize() < taskVocab) {
            int v = m.config().vocabSize();
            m.close();
            throw new UserError("the model's vocabulary has " + v + " ids but task '" + cfg.data().task()
                    + "' uses a vocabulary of "
                    + taskVocab + " ids; use a matching model (or set model.vocab_size >= " + taskVocab + ")");
        }
        return m;
    }

    private Optimizer buildOptimizer(Map<String, Tensor> params) {
        TrainConfig.OptimizerCfg o = cfg.optimizer();
        if (o.name() == OptimizerName.ADAFACTOR) {
            if (o.beta1() > 0) // earlier t5j versions turned 0.9 into 0 silently; now the value given is the value used
                log.println("t5j: note: Adafactor with optimizer.beta1 " + o.beta1()
                        + " keeps momentum (t5x's default, "
                        + "beta1 unset or 0, keeps none)");
            Adafactor.Config t = Adafactor.Config.t5x();
            return new Adafactor(params, new Adafactor.Config(t.factored(), t.multiplyByParameterScale(),
                    o.beta1(), t.decayExponent(), t.clippingThreshold(), o.weightDecay(), t.minDimSizeToFactor(),
                    t.epsilon1(), t.epsilon2()));
        }
        return new AdamW(params, o.beta1(), o.beta2(), o.eps(), o.weightDecay());
    }

    /** The vocabulary of the first task's {@code targets} feature (null when no task has one). */
    private static Vocabulary targetsVocabulary(DatasetProvider p, ReadOptions o) {
        for (Task t : Evaluator.tasksOf(p, o)) {
            Feature f = t.outputFeatures().get("targets");
            if (f != null) return f.vocabulary();
        }
        return null;
    }

    private static int taskVocabSize(DatasetProvider p, ReadOptions o) {
        int max = 0;
        for (Task t : Evaluator.tasksOf(p, o))
            for (Feature f : t.outputFeatures().values()) max = Math.max(max, f.vocabulary().vocabSize());
        return max;
    }

    /** Summed (weighted) token loss of one batch; masks follow t5x for packed rows, HF for padded ones. */
    Tensor lossSum(T5ForConditionalGeneration model, Batch b) {
        Tensor enc = Tensors.longs(b.encoderInputTokens(), 0);
        Tensor decIn = Tensors.longs(b.decoderInputTokens(), 0);
        Tensor tgt = Tensors.longs(b.decoderTargetTokens(), 0);
        Tensor w = Tensors.floats(flatten(b.decoderLossWeights()), b.rows(), b.decoderLossWeights()[0].length);
        Tensor logits;
        if (b.encoderSegmentIds() != null) {
            AttentionMasks.Packed masks = AttentionMasks.packed(b.encoderInputTokens(), b.encoderSegmentIds(),
                    b.decoderTargetTokens(), b.decoderSegmentIds());
            logits = model.logits(model.decode(decIn, model.encode(enc, masks.encoder()), masks.cross(),
                    masks.decoder(), null));
        } else {
            Tensor mask = enc.gt(Tensors.scalar(0));
            logits = model.logits(model.decode(decIn, model.encode(enc, mask), mask, null, null));
        }
        return Losses.crossEntropySum(logits, tgt, w, cfg.loss().zLoss(), cfg.loss().labelSmoothing());
    }

    private static float[] flatten(int[][] a) {
        int n = a[0].length;
        float[] out = new float[a.length * n];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < n; j++) out[i * n + j] = a[i][j];
        return out;
    }

    private static double sum(int[][] a) {
        double s = 0;
        for (int[] r : a) for (int v : r) s += v;
        return s;
    }

    private static long nonPad(int[][] a) {
        long n = 0;
        for (int[] r : a) for (int v : r) if (v != 0) n++;
        return n;
    }

    static String describe(T5Config c) {
        return String.format(Locale.ROOT, "T5 %s d_model %d layers %d/%d", c.isGatedAct() ? "v1.1" : "v1.0",
                c.dModel(), c.numLayers(), c.numDecoderLayers());
    }
}
