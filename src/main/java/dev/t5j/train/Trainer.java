package dev.t5j.train;

import dev.t5j.adapters.AdapterTraining;
import dev.t5j.data.TrainingBatches;
import dev.t5j.model.InitSchemes;
import dev.t5j.model.Losses;
import dev.t5j.optim.Adafactor;
import dev.t5j.optim.AdamW;
import dev.t5j.optim.Optimizer;
import dev.t5j.optim.Schedule;
import dev.t5j.run.MetricsLog;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.run.RunReport;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.data.Batch;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.tasks.DataCatalogs;
import dev.t5j.data.DataVocabularies;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.EncDecFeatureConverter;
import dev.t5j.data.Feature;
import dev.t5j.data.Packing;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.tasks.SyntheticTaskDefs;
import dev.t5j.data.Task;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import dev.t5j.eval.Evaluator;
import dev.t5j.model.AttentionMasks;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.synth.SimpleVocabulary;
import dev.t5j.synth.SyntheticTasks;
import dev.t5j.synth.TokenSpace;
import dev.t5j.tokenizer.Vocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a {@link TrainConfig}: builds data, model and optimizer, trains with gradient accumulation and clipping, logs
 * every step to {@code metrics.jsonl}, evaluates, checkpoints, and writes {@code report.html}.
 *
 * <p>Exact resume: dropout draws come from libtorch's generator re-seeded from (seed, step) at every step, the data
 * stream restarts at the saved {@link Packing.Position}, and the optimizer state is restored bit for bit, so a
 * resumed run reproduces the uninterrupted run's losses step by step.
 */
public final class Trainer {
    /** What a finished run reports. */
    public record Result(Path runDir, long steps, double finalLoss, List<Evaluator.TaskResult> eval) {}

    private final TrainConfig cfg;
    private final PrintStream log;
    /** Test hook: stop (as if killed) after this step; ≤ 0 = never. */
    private long stopAfterStep;

    public Trainer(TrainConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
    }

    void stopAfterStep(long step) {
        this.stopAfterStep = step;
    }

    /** The catalog a run reads from: standard tasks plus synthetic tasks with the run's lengths and pool. */
    public static DataCatalog catalog(TrainConfig.Data d, Vocabulary vocab) {
        List<Path> files = d.taskFiles() == null ? List.of() : d.taskFiles().stream().map(Path::of).toList();
        DataCatalog c = new DataCatalog();
        Map<String, String> skipped = SyntheticTaskDefs.register(c, vocab, synthOptions(d, vocab), 0);
        if (skipped.containsKey(d.task())) throw new UserError("data.task: '" + d.task() + "' cannot run with these settings: " + skipped.get(d.task()));
        DataCatalog std = DataCatalogs.standard(vocab, DataCatalogs.dataDir(d.dataDir() == null ? null : Path.of(d.dataDir())), files);
        for (String n : std.taskNames()) if (!c.contains(n)) c.put(std.get(n));
        for (String n : std.mixtureNames()) if (!c.contains(n)) c.put(std.get(n));
        return c;
    }

    static SyntheticTasks.Options synthOptions(TrainConfig.Data d, Vocabulary vocab) {
        SyntheticTasks.Options o = SyntheticTasks.Options.defaults();
        if (d.synthLength() != null) o = new SyntheticTasks.Options(o.space(), d.synthLength().get(0), d.synthLength().get(1));
        if (d.synthPool() != null) {
            Vocabulary fv = SyntheticTaskDefs.featureVocabulary(vocab);
            TokenSpace space = fv instanceof SimpleVocabulary sv ? TokenSpace.of(sv) : TokenSpace.of(fv);
            int[] pool = space.pool();
            if (d.synthPool() < 68 || d.synthPool() > pool.length) // LIME needs 68 distinct tokens
                throw new UserError("data.synth_pool: must be in [68, " + pool.length + "], got " + d.synthPool());
            o = o.withSpace(space.withPool(java.util.Arrays.copyOf(pool, d.synthPool())));
        }
        return o;
    }

    public Result run(boolean resume) throws IOException {
        if (cfg.train().threads() != null) Torch.init(cfg.train().threads());
        else Torch.init();
        Path runDir = cfg.outDir();
        RunCheckpoints ckpts = new RunCheckpoints(runDir);
        AdapterTraining[] adapterRef = new AdapterTraining[1]; // [adapters] checkpoints carry the adapter folder
        ckpts.withExtra(dir -> adapterRef[0].save(dir.resolve(AdapterTraining.DIR)));
        Path resumeFrom = resume ? ckpts.latest() : null;
        if (resume && resumeFrom == null) log.println("t5j: no checkpoint in " + ckpts.dir() + "; starting from scratch");
        if (!resume && Files.exists(runDir.resolve("metrics.jsonl")))
            throw new UserError(runDir + ": holds a previous run; pass --resume to continue it or choose another 'out'");
        Vocabulary vocab = DataVocabularies.resolve(cfg.data().vocab());
        DataCatalog catalog = catalog(cfg.data(), vocab);
        DatasetProvider provider = catalog.get(cfg.data().task());
        Map<String, Integer> lengths = Map.of("inputs", cfg.data().inputsLength(), "targets", cfg.data().targetsLength());
        ReadOptions train = ReadOptions.split("train").withSequenceLengths(lengths).withShuffle(cfg.data().shuffle(), cfg.train().seed()).withEpochs(0);
        provider.check(catalog, train);
        int taskVocab = taskVocabSize(provider, catalog, train);
        // Inputs are valid: the resolved config goes into the run directory before anything else is written.
        Files.createDirectories(runDir);
        AtomicFiles.writeString(runDir.resolve("config.yaml"), cfg.toYaml());

        State st = new State();
        long resumeStep = resumeFrom == null ? 0 : RunCheckpoints.readState(resumeFrom).step();
        try (T5ForConditionalGeneration model = buildModel(resumeFrom, taskVocab);
             // [adapters] frozen base + adapter hooks; the optimizer and clipping see only the trained parameters
             AdapterTraining adapters = AdapterTraining.setUp(model, cfg.adapters(), "config", resumeFrom,
                     provider instanceof Task ? provider.name() : null, cfg.train().seed());
             Optimizer opt = buildOptimizer(adapters.trainable());
             MetricsLog metrics = resumeFrom == null ? new MetricsLog(runDir) : MetricsLog.resume(runDir, resumeStep)) {
            if (resumeFrom != null) {
                RunCheckpoints.loadOptimizer(resumeFrom, opt);
                RunCheckpoints.State s = RunCheckpoints.readState(resumeFrom);
                st.step = s.step();
                st.position = s.dataPosition();
                st.best = s.metrics().getOrDefault("best", Double.NEGATIVE_INFINITY);
                log.println("t5j: resumed " + runDir + " at step " + st.step + " from " + resumeFrom.getFileName());
            }
            log.printf(Locale.ROOT, "t5j: training %s (%,d parameters) on %s for %d steps -> %s%n",
                    describe(model.config()), model.parameterCount(), provider.name(), cfg.train().steps(), runDir);
            adapterRef[0] = adapters;
            log.println("t5j: " + adapters.describe()); // [adapters]
            EncDecFeatureConverter conv = new EncDecFeatureConverter(cfg.data().inputsLength(), cfg.data().targetsLength(), cfg.data().pack());
            Schedule sched = new Schedule(cfg.schedule().kind(), cfg.schedule().lr(), cfg.schedule().warmup(), cfg.train().steps(), cfg.schedule().minRatio());
            List<Evaluator.TaskResult> lastEval = List.of();
            double lastLoss = Double.NaN;
            try (TrainingBatches batches = TrainingBatches.open(provider, catalog, train, conv,
                    cfg.data().batchSize(), false, 1, 0, st.position);
                 Progress progress = new Progress("train", cfg.train().steps(), "steps")) {
                progress.step(st.step);
                while (st.step < cfg.train().steps()) {
                    long t0 = System.nanoTime();
                    long step = st.step; // 0-based index of this update
                    Torch.seed(mix(cfg.train().seed(), step)); // dropout masks depend on (seed, step) only
                    model.train(true);
                    double loss = 0;
                    long tokens = 0;
                    double weightTotal = 0;
                    List<Batch> micro = new ArrayList<>();
                    for (int m = 0; m < cfg.train().gradAccum(); m++) {
                        if (!batches.hasNext()) throw new UserError(provider.name() + ": the training data ran out at step " + step);
                        micro.add(batches.next());
                    }
                    long dataNanos = System.nanoTime() - t0; // time the step waited for its input pipeline
                    for (Batch b : micro) weightTotal += sum(b.decoderLossWeights());
                    double normalizer = normalizer(weightTotal);
                    for (Batch b : micro) {
                        try (PointerScope s = new PointerScope()) {
                            Tensor lossSum = lossSum(model, b);
                            lossSum.div(Tensors.scalar(normalizer)).backward();
                            loss += lossSum.item_float();
                        }
                        tokens += nonPad(b.encoderInputTokens()) + nonPad(b.decoderTargetTokens());
                    }
                    st.position = batches.position();
                    double gradNorm = clipGradients(adapters.trainable().values(), cfg.optimizer().clipGradNorm()); // [adapters]
                    double meanLoss = loss / Math.max(1, weightTotal);
                    if (!Double.isFinite(meanLoss) || !Double.isFinite(gradNorm)) {
                        Path last = ckpts.latest();
                        throw new UserError(String.format(Locale.ROOT, "step %d: %s is %s; stopping. The last good checkpoint is %s",
                                step + 1, Double.isFinite(meanLoss) ? "the gradient norm" : "the loss", Double.isFinite(meanLoss) ? gradNorm : meanLoss,
                                last == null ? "none (no checkpoint was written yet)" : last.toString()));
                    }
                    double lr = sched.at(step);
                    opt.step(lr);
                    st.step++;
                    lastLoss = meanLoss;
                    double sec = (System.nanoTime() - t0) / 1e9;
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", st.step);
                    rec.put("loss", meanLoss);
                    rec.put("lr", lr);
                    rec.put("grad_norm", gradNorm);
                    rec.put("tokens_per_sec", tokens / sec);
                    rec.put("data_frac", dataNanos / 1e9 / sec);
                    boolean evalNow = cfg.eval().every() > 0 && st.step % cfg.eval().every() == 0 && st.step < cfg.train().steps();
                    if (evalNow) {
                        lastEval = evaluate(model, catalog, provider, adapters);
                        putEval(rec, lastEval);
                    }
                    metrics.log(rec);
                    progress.setExtra(String.format(Locale.ROOT, "loss %.4f lr %.2e %.0f tok/s", meanLoss, lr, tokens / sec));
                    progress.step(1);
                    boolean ckptNow = cfg.checkpoint().every() > 0 && st.step % cfg.checkpoint().every() == 0;
                    if (ckptNow) checkpoint(model, opt, ckpts, st, rec);
                    if (stopAfterStep > 0 && st.step >= stopAfterStep) return new Result(runDir, st.step, lastLoss, List.of());
                }
            }
            lastEval = evaluate(model, catalog, provider, adapters);
            Map<String, Object> fin = new LinkedHashMap<>();
            fin.put("step", st.step);
            putEval(fin, lastEval);
            metrics.log(fin);
            checkpoint(model, opt, ckpts, st, fin);
            Checkpoint.save(model, runDir.resolve("model"));
            adapters.save(runDir.resolve(AdapterTraining.DIR)); // [adapters]
            writeReport(runDir, lastEval);
            return new Result(runDir, st.step, lastLoss, lastEval);
        }
    }

    /** Mutable loop state. */
    private static final class State {
        long step;
        Packing.Position position = Packing.Position.START;
        double best = Double.NEGATIVE_INFINITY;
    }

    private void checkpoint(T5ForConditionalGeneration model, Optimizer opt, RunCheckpoints ckpts, State st, Map<String, Object> rec) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        rec.forEach((k, v) -> { if (v instanceof Number n) m.put(k, n.doubleValue()); });
        String bestKey = cfg.checkpoint().bestMetric();
        boolean isBest = bestKey != null && m.containsKey(bestKey) && m.get(bestKey) > st.best;
        if (isBest) st.best = m.get(bestKey);
        m.put("best", st.best);
        RunCheckpoints.State s = new RunCheckpoints.State(st.step, st.position, m);
        ckpts.save(model, opt, s);
        ckpts.prune(cfg.checkpoint().keep());
        if (isBest) ckpts.saveBest(model, opt, s);
    }

    private List<Evaluator.TaskResult> evaluate(T5ForConditionalGeneration model, DataCatalog catalog, DatasetProvider provider,
                                                AdapterTraining adapters) {
        if (cfg.eval().examples() == 0) return List.of();
        GenerationConfig g = new GenerationConfig(cfg.eval().maxNewTokens(), 0, cfg.eval().numBeams(), 1.0, GenerationConfig.LengthPenalty.HF, false, false, 1, 0, 1, 0);
        Evaluator.Options o = new Evaluator.Options(cfg.eval().split(), cfg.eval().examples(), cfg.data().inputsLength(), cfg.data().targetsLength(), g, cfg.eval().batchSize());
        return new Evaluator(model, catalog).beforeTask(adapters::selectTask).evaluate(provider, o); // [adapters]
    }

    private static void putEval(Map<String, Object> rec, List<Evaluator.TaskResult> results) {
        for (Evaluator.TaskResult r : results) r.metrics().forEach((k, v) -> rec.put("eval/" + r.task() + "/" + k, v));
    }

    private void writeReport(Path runDir, List<Evaluator.TaskResult> eval) throws IOException {
        Map<String, Double> fin = new LinkedHashMap<>();
        for (Evaluator.TaskResult r : eval) r.metrics().forEach((k, v) -> fin.put(r.task() + "/" + k, v));
        RunReport.write(runDir, MetricsLog.read(runDir.resolve("metrics.jsonl")), fin, cfg.toYaml());
    }

    private T5ForConditionalGeneration buildModel(Path resumeFrom, int taskVocab) {
        TrainConfig.Model mc = cfg.model();
        if (resumeFrom != null) return Checkpoint.load(resumeFrom);
        T5ForConditionalGeneration m;
        if (mc.initFrom() != null) {
            m = Checkpoint.load(Path.of(mc.initFrom()));
            if (mc.dropout() != null || mc.vocabSize() != null)
                log.println("t5j: note: model.dropout/vocab_size are ignored with init_from (the checkpoint's config is used)");
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
            throw new UserError("the model's vocabulary has " + v + " ids but task '" + cfg.data().task() + "' uses a vocabulary of "
                    + taskVocab + " ids; use a matching model (or set model.vocab_size >= " + taskVocab + ")");
        }
        return m;
    }

    private Optimizer buildOptimizer(Map<String, Tensor> params) {
        TrainConfig.OptimizerCfg o = cfg.optimizer();
        if (o.name().equals("adafactor")) {
            Adafactor.Config t = Adafactor.Config.t5x();
            return new Adafactor(params, new Adafactor.Config(t.factored(), t.multiplyByParameterScale(), o.beta1() == 0.9 ? 0.0 : o.beta1(),
                    t.decayExponent(), t.clippingThreshold(), o.weightDecay(), t.minDimSizeToFactor(), t.epsilon1(), t.epsilon2()));
        }
        return new AdamW(params, o.beta1(), o.beta2(), o.eps(), o.weightDecay());
    }

    private static int taskVocabSize(DatasetProvider p, DataCatalog catalog, ReadOptions o) {
        int max = 0;
        for (Task t : Evaluator.tasksOf(p, catalog, o))
            for (Feature f : t.outputFeatures().values()) max = Math.max(max, f.vocabulary().vocabSize());
        return max;
    }

    private double normalizer(double realTokens) {
        return switch (cfg.loss().normalize()) {
            case "tokens" -> Math.max(1.0, realTokens);
            case "sum" -> 1.0;
            default -> Double.parseDouble(cfg.loss().normalize());
        };
    }

    /** Summed (weighted) token loss of one batch; masks follow t5x for packed rows, HF for padded ones. */
    Tensor lossSum(T5ForConditionalGeneration model, Batch b) {
        Tensor enc = Tensors.longs(b.encoderInputTokens(), 0);
        Tensor decIn = Tensors.longs(b.decoderInputTokens(), 0);
        Tensor tgt = Tensors.longs(b.decoderTargetTokens(), 0);
        Tensor w = Tensors.floats(flatten(b.decoderLossWeights()), b.rows(), b.decoderLossWeights()[0].length);
        Tensor logits;
        if (b.encoderSegmentIds() != null) {
            AttentionMasks.Packed masks = AttentionMasks.packed(b.encoderInputTokens(), b.encoderSegmentIds(), b.decoderTargetTokens(), b.decoderSegmentIds());
            logits = model.logits(model.decode(decIn, model.encode(enc, masks.encoder()), masks.cross(), masks.decoder(), null));
        } else {
            Tensor mask = enc.gt(Tensors.scalar(0));
            logits = model.logits(model.decode(decIn, model.encode(enc, mask), mask, null, null));
        }
        return Losses.crossEntropySum(logits, tgt, w, cfg.loss().zLoss(), cfg.loss().labelSmoothing());
    }

    /** Global-norm clipping over all gradients; returns the norm before clipping. */
    public static double clipGradients(Iterable<Tensor> params, double maxNorm) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            double sq = 0;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g.defined()) sq += g.square().sum().item_float();
            }
            double norm = Math.sqrt(sq);
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                double scale = maxNorm / (norm + 1e-6);
                for (Tensor p : params) {
                    Tensor g = p.grad();
                    if (g.defined()) g.mul_(Tensors.scalar(scale));
                }
            }
            return norm;
        }
    }

    public static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
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
        return String.format(Locale.ROOT, "T5 %s d_model %d layers %d/%d", c.isGatedAct() ? "v1.1" : "v1.0", c.dModel(), c.numLayers(), c.numDecoderLayers());
    }
}
