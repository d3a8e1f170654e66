package dev.t5j.atlas;

import dev.t5j.model.bert.Pooling;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.atlas.tasks.AtlasData;
import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.AtlasTaskOptions;
import dev.t5j.atlas.tasks.AtlasTasks;
import dev.t5j.optim.AtlasSchedule;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Passages;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.IndexBuilder;
import dev.t5j.retrieval.index.IndexDtype;
import dev.t5j.retrieval.index.IndexLoadOptions;
import dev.t5j.retrieval.index.IndexOptions;
import dev.t5j.data.DataVocabularies;
import dev.t5j.tokenizer.Vocabulary;
import dev.t5j.tokenizer.WordPieceVocabulary;
import dev.t5j.optim.AdamW;
import dev.t5j.run.MetricsLog;
import dev.t5j.run.RunReport;
import dev.t5j.train.Trainer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Atlas's train.py: joint training of the fusion-in-decoder reader and the Contriever retriever, retrieving from the
 * passage index inside the loop and re-embedding the corpus on Atlas's refresh schedule.
 *
 * <p>Per step: retrieve {@code retriever_n_context} passages with the current index (filtered by id for mlm/lm/section);
 * the reader's loss uses the first {@code n_context}; when the retriever trains (and {@code step > freeze_retriever_steps})
 * the query and the retrieved passages are re-embedded with gradient and the retriever learns from the reader's
 * teacher ({@link GoldScores}) through {@link RetrieverLoss}. One AdamW updates both, the retriever's parameters in a
 * group with its own learning rate, after one global-norm clip.
 *
 * <p>The run directory gets {@code config.yaml}, {@code metrics.jsonl}, {@code model/} (reader + retriever), the
 * evaluation results jsonl and {@code report.html}.
 */
public final class AtlasTrainer {
    private final AtlasConfig cfg;
    private final PrintStream log;
    private boolean progress = true;

    public AtlasTrainer(AtlasConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
    }

    public AtlasTrainer withProgress(boolean on) {
        this.progress = on;
        return this;
    }

    /** What a run leaves: the final evaluation metrics (keys like {@code eval/exact_match}) and the run directory. */
    public record Result(Map<String, Double> metrics, Path runDir, Path modelDir) {}

    public Result run() throws IOException {
        return run(false);
    }

    /**
     * @param resume continue from the newest checkpoint in {@code <out>/checkpoints}: weights, optimizer state, the index
     *               as it was and the data position are restored, so the run continues as if never stopped
     */
    public Result run(boolean resume) throws IOException {
        Torch.init(cfg.train().threads() == null ? 1 : cfg.train().threads());
        Torch.setThreads(cfg.train().threads() == null ? 1 : cfg.train().threads());
        Torch.seed(cfg.train().seed());
        if (!AtlasTasks.NAMES.contains(cfg.task().name()))
            throw new UserError("task.name: '" + cfg.task().name() + "' is not an Atlas task (" + String.join(", ", AtlasTasks.NAMES) + ")");
        AtlasTask task;
        List<Path> trainFiles = paths(cfg.task().trainData());
        List<Path> evalFiles = paths(cfg.task().evalData());
        for (Path p : concat(trainFiles, evalFiles)) if (!Files.isRegularFile(p)) throw new UserError(p + ": task data file not found");
        if (cfg.train().steps() > 0 && trainFiles.isEmpty()) throw new UserError("task.train_data: no training files (or set train.steps: 0 to only evaluate)");
        Path runDir = Path.of(cfg.out());
        Path ckpt = resume ? AtlasCheckpoints.latest(runDir) : null;
        if (resume && ckpt == null) throw new UserError(runDir + ": no checkpoint to resume from (set train.checkpoint_every)");
        if (!resume && !AtlasCheckpoints.list(runDir).isEmpty())
            throw new UserError(runDir + " already holds checkpoints of a run: use --resume to continue it, or another out");
        AtlasCheckpoints.State state = ckpt == null ? new AtlasCheckpoints.State(0, false) : AtlasCheckpoints.readState(ckpt);
        Files.createDirectories(runDir);
        AtomicFiles.writeString(runDir.resolve("config.yaml"), cfg.toYaml());

        try (AtlasModel model = ckpt == null ? buildModel() : resumedModel(ckpt)) {
            task = task(cfg, model.vocab());
            List<Passage> passages = loadPassages();
            FlatIndex index = null;
            IndexRefreshSchedule refresh = IndexRefreshSchedule.parse(cfg.index().refresh());
            Map<String, Double> finalMetrics;
            try (MetricsLog metrics = ckpt == null ? new MetricsLog(runDir) : MetricsLog.resume(runDir, state.step())) {
                if (cfg.usesRetrieval()) {
                    index = ckpt != null && Files.isDirectory(ckpt.resolve(AtlasCheckpoints.INDEX))
                            ? FlatIndex.load(ckpt.resolve(AtlasCheckpoints.INDEX), IndexLoadOptions.defaults().withShards(cfg.index().shards()))
                            : initialIndex(model, passages);
                    model.setIndex(index);
                }
                GoldScoreMode mode = cfg.goldScoreMode();
                Map<String, Tensor> params = model.trainableParameters();
                AdamW opt = new AdamW(params, 0.9, cfg.optimizer().beta2(), cfg.optimizer().eps(), cfg.optimizer().weightDecay())
                        .withGroup("retriever.", cfg.optimizer().lrRetriever() / cfg.optimizer().lr());
                if (ckpt != null) RunCheckpoints.loadOptimizer(ckpt, opt);
                AtlasSchedule schedule = new AtlasSchedule(cfg.optimizer().scheduler(), cfg.optimizer().lr(), cfg.optimizer().warmup(), cfg.train().steps());
                Iterator<List<AtlasExample>> batches = cfg.train().steps() > 0
                        ? AtlasData.trainingBatches(task, trainFiles, 0, 1, cfg.train().batchSize(), true, cfg.train().seed())
                        : null;
                long steps = cfg.train().steps();
                for (long i = 0; i < state.step(); i++) batches.next(); // the data position: the same seeded stream, replayed
                try (Progress bar = new Progress("atlas train", steps, "step", System.err, progress && steps > 0)) {
                    double lossSum = 0, readerSum = 0, retrSum = 0;
                    int n = 0;
                    boolean stale = state.indexStale(); // the retriever changed since the index was built
                    bar.step(state.step());
                    if (ckpt != null) log.println("t5j: resumed from " + ckpt + " at step " + state.step());
                    for (long step = state.step(); step < steps; step++) {
                        // Atlas increments its step before this test and after the refresh test: step + 1 here, step there
                        boolean trainRetriever = cfg.usesRetrieval() && cfg.atlas().trainRetriever() && step + 1 > cfg.atlas().freezeRetrieverSteps();
                        if (cfg.usesRetrieval() && step > 0 && refresh.isTimeToRefresh(step, cfg.atlas().trainRetriever(), cfg.atlas().freezeRetrieverSteps())) {
                            long t0 = System.nanoTime();
                            FlatIndex fresh = buildIndex(model, passages, "refresh index @" + step);
                            Map<String, Object> ev = new LinkedHashMap<>();
                            ev.put("step", step);
                            ev.put("index_refresh", true);
                            ev.put("refresh_seconds", (System.nanoTime() - t0) / 1e9);
                            metrics.log(ev);
                            model.setIndex(fresh);
                            index.close();
                            index = fresh;
                            saveIndex(index);
                            stale = false;
                        }
                        Torch.seed(Trainer.mix(cfg.train().seed(), step));
                        StepLosses l = step(model, task, batches.next(), trainRetriever, mode, opt, params.values(), schedule.at(step));
                        stale |= trainRetriever && !cfg.retriever().querySideTraining();
                        lossSum += l.total;
                        readerSum += l.reader;
                        retrSum += l.retriever;
                        n++;
                        bar.step(1);
                        if ((step + 1) % cfg.train().logEvery() == 0 || step + 1 == steps) {
                            Map<String, Object> rec = new LinkedHashMap<>();
                            rec.put("step", step + 1);
                            rec.put("loss", lossSum / n);
                            rec.put("reader_loss", readerSum / n);
                            if (trainRetriever) rec.put("retriever_loss", retrSum / n);
                            rec.put("lr", schedule.at(step));
                            rec.put("grad_norm", l.gradNorm);
                            metrics.log(rec);
                            bar.setExtra(String.format("loss %.3f", lossSum / n));
                            lossSum = readerSum = retrSum = 0;
                            n = 0;
                        }
                        if (!Double.isFinite(l.total))
                            throw new UserError("training stopped at step " + (step + 1) + ": the loss is " + l.total + " (lower optimizer.lr?)");
                        if (cfg.train().evalEvery() > 0 && (step + 1) % cfg.train().evalEvery() == 0 && step + 1 < steps && !evalFiles.isEmpty())
                            logEval(metrics, step + 1, evaluate(model, task, evalFiles, runDir, step + 1, false));
                        if (cfg.train().checkpointEvery() > 0 && (step + 1) % cfg.train().checkpointEvery() == 0 && step + 1 < steps) {
                            AtlasCheckpoints.save(runDir, model, opt, index, new AtlasCheckpoints.State(step + 1, stale));
                            AtlasCheckpoints.prune(runDir, 2);
                        }
                    }
                    if (stale && !evalFiles.isEmpty()) {
                        // the final evaluation uses an index of the final retriever, so that it equals `t5j eval` on the saved model
                        FlatIndex fresh = buildIndex(model, passages, "final index");
                        model.setIndex(fresh);
                        index.close();
                        index = fresh;
                        saveIndex(index);
                    }
                }
                opt.close();
                finalMetrics = evalFiles.isEmpty() ? Map.of() : evaluate(model, task, evalFiles, runDir, steps, cfg.eval().writeResults());
                if (!finalMetrics.isEmpty()) logEval(metrics, steps, finalMetrics);
            } finally {
                if (index != null) index.close();
            }
            Path modelDir = runDir.resolve("model");
            model.save(modelDir);
            RunReport.write(runDir, finalMetrics, cfg.toYaml());
            return new Result(finalMetrics, runDir, modelDir);
        }
    }

    /**
     * {@code t5j eval} on a saved Atlas model: builds (or loads) the index with the model's retriever, evaluates
     * {@code task.eval_data} and writes results under {@code <out>/eval}.
     */
    public Map<String, Double> evaluateOnly(Path modelDir) throws IOException {
        int threads = cfg.train().threads() == null ? 1 : cfg.train().threads();
        Torch.init(threads);
        Torch.setThreads(threads);
        List<Path> evalFiles = paths(cfg.task().evalData());
        if (evalFiles.isEmpty()) throw new UserError("task.eval_data: no evaluation files");
        for (Path p : evalFiles) if (!Files.isRegularFile(p)) throw new UserError(p + ": task data file not found");
        try (AtlasModel model = AtlasModel.load(modelDir, false)) {
            model.setRetrieverFormat(cfg.atlas().retrieverFormat());
            if (cfg.usesRetrieval() && model.retriever() == null)
                throw new UserError(modelDir + ": a closed-book model has no retriever; set atlas.closed_book: true");
            AtlasTask task = task(cfg, model.vocab());
            FlatIndex index = cfg.usesRetrieval() ? initialIndex(model, loadPassages()) : null;
            try {
                model.setIndex(index);
                Path outDir = Path.of(cfg.out()).resolve("eval");
                Files.createDirectories(outDir);
                return evaluate(model, task, evalFiles, outDir, 0, cfg.eval().writeResults());
            } finally {
                if (index != null) index.close();
            }
        }
    }

    record StepLosses(double total, double reader, double retriever, double gradNorm) {}

    /** One optimisation step on one batch, inside its own PointerScope (parameters and optimizer state live outside). */
    StepLosses step(AtlasModel model, AtlasTask task, List<AtlasExample> batch, boolean trainRetriever, GoldScoreMode mode, AdamW opt,
                    java.util.Collection<Tensor> params, double lr) {
        AtlasConfig.Atlas a = cfg.atlas();
        List<String> queries = new ArrayList<>(), targets = new ArrayList<>();
        for (AtlasExample e : batch) {
            queries.add(e.query());
            targets.add(e.target());
        }
        List<List<Passage>> passages = passagesFor(model, task, batch, queries, a.retrieverNContext());
        model.train(true);
        try (PointerScope s = new PointerScope()) {
            Vocabulary v = model.vocab();
            ReaderInputs.Encoded in = ReaderInputs.encode(queries, passages, cfg.readerContexts(), cfg.readerFormat(), v, a.textMaxlength());
            Tensor labels = ReaderInputs.labels(targets, v, a.targetMaxlength());
            Tensor readerLoss = model.reader().loss(in.idsTensor(), in.maskTensor(), labels);
            Tensor loss = readerLoss;
            double retrieverLoss = 0;
            if (trainRetriever) {
                int k = a.retrieverNContext();
                Tensor q = model.retriever().queryEmbeddings(queries, true);
                List<String> texts = new ArrayList<>(batch.size() * k);
                for (List<Passage> ps : passages)
                    for (int j = 0; j < k; j++) texts.add(j < ps.size() ? ReaderInputs.retrieverText(a.retrieverFormat(), ps.get(j)) : "");
                Tensor p = model.retriever().passageEmbeddings(texts, true).view(batch.size(), k, -1);
                Tensor score = RetrieverLoss.scores(q, p);
                ReaderInputs.Encoded all = ReaderInputs.encode(queries, passages, k, a.encoderFormat(), v, a.textMaxlength());
                Tensor rl;
                if (mode == GoldScoreMode.EMDR) {
                    Tensor gold = GoldScores.emdrTokenLogProbs(model.reader(), all.idsTensor(), all.maskTensor(), labels, a.temperatureGold());
                    rl = RetrieverLoss.emdr(score, gold, labels, a.temperatureScore());
                } else {
                    Tensor gold = GoldScores.compute(mode, model.reader(), all.idsTensor(), all.maskTensor(), labels, a.temperatureGold());
                    rl = RetrieverLoss.kl(score, gold, a.temperatureScore(), a.temperatureGold());
                }
                retrieverLoss = rl.item_float();
                loss = loss.add(rl);
            }
            double total = loss.item_float();
            double reader = readerLoss.item_float();
            loss.backward();
            double norm = Trainer.clipGradients(params, cfg.optimizer().clip());
            opt.step(lr);
            return new StepLosses(total, reader, retrieverLoss, norm);
        }
    }

    /** Retrieved (or the file's, or none for closed-book) passages for each example of a batch. */
    List<List<Passage>> passagesFor(AtlasModel model, AtlasTask task, List<AtlasExample> batch, List<String> queries, int k) {
        AtlasConfig.Atlas a = cfg.atlas();
        List<List<Passage>> out = new ArrayList<>(batch.size());
        if (a.closedBook()) {
            for (int i = 0; i < batch.size(); i++) out.add(List.of());
        } else if (a.useFilePassages()) {
            for (AtlasExample e : batch) out.add(e.passages());
        } else {
            for (AtlasModel.Retrieved r : retrieve(model, task, batch, queries, k)) out.add(r.passages());
        }
        return out;
    }

    List<AtlasModel.Retrieved> retrieve(AtlasModel model, AtlasTask task, List<AtlasExample> batch, List<String> queries, int k) {
        AtlasConfig.Atlas a = cfg.atlas();
        List<String> filter = null;
        if (task.filterById()) {
            filter = new ArrayList<>();
            for (AtlasExample e : batch) filter.add(e.filterId());
        }
        int rerank = a.retrieveWithRerank() ? a.nToRerankWithRetrieveWithRerank() : 0;
        return model.retrieve(queries, k, filter, a.filteringOverretrieveRatio(), rerank);
    }

    Map<String, Double> evaluate(AtlasModel model, AtlasTask task, List<Path> evalFiles, Path runDir, long step, boolean write) throws IOException {
        return new AtlasEvaluator(cfg, this, log).evaluate(model, task, evalFiles, runDir, step, write);
    }

    private void logEval(MetricsLog metrics, long step, Map<String, Double> m) throws IOException {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.putAll(m);
        metrics.log(rec);
        log.println("t5j: eval @" + step + ": " + m);
    }

    // ------------------------------------------------------------------ setup

    static AtlasTask task(AtlasConfig cfg, Vocabulary vocab) {
        AtlasConfig.TaskCfg t = cfg.task();
        try {
            AtlasTaskOptions o = new AtlasTaskOptions(t.qaPromptFormat(), t.mlmNoiseDensity(), t.mlmMeanNoiseSpanLength(), t.minWordsPerLmInstance(),
                    cfg.atlas().textMaxlength(), t.minLmContextRatio(), t.maxLmContextRatio(), t.multipleChoiceNumOptions(),
                    t.multipleChoiceTrainPermutations(), t.multipleChoiceEvalPermutations(), vocab);
            return AtlasTasks.byName(t.name(), o);
        } catch (IllegalArgumentException e) { // option checks and a malformed qa_prompt_format
            throw new UserError("task: " + e.getMessage());
        }
    }

    AtlasModel buildModel() {
        AtlasConfig.Reader rc = cfg.reader();
        Path vocabFile = rc.vocab() != null ? Path.of(rc.vocab()) : null;
        if (vocabFile == null && rc.initFrom() != null && Files.isRegularFile(Path.of(rc.initFrom()).resolve("spiece.model")))
            vocabFile = Path.of(rc.initFrom()).resolve("spiece.model");
        if (vocabFile == null) throw new UserError("reader.vocab: required (a T5 SentencePiece .model; Atlas prompts use the <extra_id_0> sentinel)");
        Vocabulary vocab = DataVocabularies.load(vocabFile);
        T5ForConditionalGeneration t5;
        if (rc.initFrom() != null) {
            t5 = Checkpoint.load(Path.of(rc.initFrom()));
        } else {
            T5Config c = rc.preset() != null ? T5Config.preset(rc.preset()) : T5Config.read(Path.of(rc.config()));
            c = c.withDropout(rc.dropout());
            if (c.vocabSize() < vocab.vocabSize()) c = c.withVocabSize(vocab.vocabSize());
            t5 = T5ForConditionalGeneration.init(c, cfg.train().seed());
        }
        if (t5.config().vocabSize() < vocab.vocabSize()) {
            int have = t5.config().vocabSize();
            t5.close();
            throw new UserError("the reader's vocabulary has " + have + " ids but " + vocabFile + " has " + vocab.vocabSize());
        }
        Retriever retriever = cfg.usesRetrieval() ? buildRetriever() : null;
        AtlasModel m = new AtlasModel(t5, vocab, vocabFile, retriever);
        m.setRetrieverFormat(cfg.atlas().retrieverFormat());
        return m;
    }

    /** The model of a checkpoint, with the config's retriever settings applied again. */
    AtlasModel resumedModel(Path ckpt) {
        AtlasModel m = AtlasModel.load(ckpt.resolve(AtlasCheckpoints.MODEL), false);
        if (m.retriever() != null && cfg.retriever().querySideTraining()) m.retriever().setPassageFrozen(true);
        m.setRetrieverFormat(cfg.atlas().retrieverFormat());
        return m;
    }

    Retriever buildRetriever() {
        AtlasConfig.Retriever rc = cfg.retriever();
        boolean untie = rc.querySideTraining() || !rc.queryTied();
        Retriever r;
        if (rc.initFrom() != null) {
            r = Retriever.load(Path.of(rc.initFrom()), untie);
        } else {
            if (rc.vocab() == null) throw new UserError("retriever.vocab: required with retriever.preset (a BERT vocab.txt)");
            WordPieceVocabulary wp = WordPieceVocabulary.load(Path.of(rc.vocab()));
            BertConfig bc = BertConfig.preset(rc.preset()).withVocabSize(wp.vocabSize()).withPooling(Pooling.parse(rc.pooling(), "retriever.pooling"));
            Contriever c = Contriever.init(bc, wp, Trainer.mix(cfg.train().seed(), -1));
            r = Retriever.tied(c, rc.maxLength());
            if (untie) r.untie();
        }
        if (rc.querySideTraining()) r.setPassageFrozen(true);
        return r;
    }

    List<Passage> loadPassages() {
        if (!cfg.usesRetrieval() || cfg.index().passages().isEmpty()) return List.of();
        Integer max = cfg.index().maxPassages();
        return max == null ? Passages.load(paths(cfg.index().passages())) : Passages.load(paths(cfg.index().passages()), max);
    }

    FlatIndex initialIndex(AtlasModel model, List<Passage> passages) throws IOException {
        AtlasConfig.Index ic = cfg.index();
        if (ic.load() != null) {
            FlatIndex loaded = FlatIndex.load(Path.of(ic.load()),
                    IndexLoadOptions.expecting(model.retriever().fingerprint()).withShards(ic.shards()).withForce(ic.force()));
            log.println("t5j: loaded index " + ic.load() + " (" + loaded.size() + " passages)");
            return loaded;
        }
        FlatIndex built = buildIndex(model, passages, "build index");
        saveIndex(built);
        return built;
    }

    FlatIndex buildIndex(AtlasModel model, List<Passage> passages, String label) {
        AtlasConfig.Index ic = cfg.index();
        if (passages.size() < cfg.atlas().retrieverNContext())
            throw new UserError("index: " + passages.size() + " passages, fewer than atlas.retriever_n_context (" + cfg.atlas().retrieverNContext() + ")");
        try (Progress p = new Progress(label, passages.size(), "passage", System.err, progress)) {
            return IndexBuilder.build(passages, ps -> ReaderInputs.retrieverText(cfg.atlas().retrieverFormat(), ps), model.retriever().passageEmbedder(ic.embedBatchSize()).withProgress(false),
                    new IndexOptions(ic.shards(), IndexDtype.parse(ic.dtype()), ic.embedBatchSize()), p);
        }
    }

    private void saveIndex(FlatIndex index) throws IOException {
        if (cfg.index().save() != null) index.save(Path.of(cfg.index().save()));
    }

    static List<Path> paths(List<String> files) {
        List<Path> out = new ArrayList<>();
        if (files != null) for (String f : files) out.add(Path.of(f));
        return out;
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    Random evalRandom() {
        return new Random(cfg.train().seed() + 17);
    }
}
