package dev.t5j.atlas;

import dev.t5j.atlas.tasks.AtlasBatches;
import dev.t5j.atlas.tasks.AtlasData;
import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.AtlasTaskOptions;
import dev.t5j.atlas.tasks.AtlasTasks;
import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.model.bert.Pooling;
import dev.t5j.optim.AdamW;
import dev.t5j.optim.Optimizer;
import dev.t5j.optim.Schedule;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.IndexLoadOptions;
import dev.t5j.retrieval.index.PassageIndex;
import dev.t5j.retrieval.index.ShardedIndex;
import dev.t5j.engine.Tensors;
import dev.t5j.run.Replicas;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.run.RunLoop;
import dev.t5j.run.RunTask;
import dev.t5j.run.StepSeeds;
import dev.t5j.data.DataVocabularies;
import dev.t5j.tokenizer.Vocabulary;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Atlas's train.py as a {@link RunTask} of the shared {@link RunLoop}: joint training of the fusion-in-decoder reader
 * and the Contriever retriever, retrieving from the passage index inside the loop and re-embedding the corpus on
 * Atlas's refresh schedule.
 *
 * <p>Per step: retrieve {@code retriever_n_context} passages with the current index (filtered by id for
 * mlm/lm/section); the reader's loss uses the first {@code n_context}; when the retriever trains (and
 * {@code step > freeze_retriever_steps}) the query and the retrieved passages are re-embedded with gradient and the
 * retriever learns from the reader's teacher ({@link GoldScores}) through {@link RetrieverLoss}. One AdamW updates
 * both, the retriever's parameters in a group with its own learning rate, after one global-norm clip (the loop's).
 *
 * <p>Checkpoints hold {@code model/} (reader, retriever, vocabulary) and {@code index/}: the passage index as it was
 * (built by the retriever of the last refresh, not the current one), so that a resumed run retrieves exactly what
 * the uninterrupted run would have; trainer_state.json adds {@code kind: atlas}, {@code index_stale} and the data
 * position. The run directory gets {@code config.yaml}, {@code metrics.jsonl}, {@code model/}, the evaluation
 * results jsonl and {@code report.html}.
 */
public final class AtlasTrainer implements RunTask {
    /** Subdirectories of an Atlas checkpoint. */
    public static final String MODEL = "model", INDEX = "index";
    static final String KIND = "atlas";

    private final AtlasConfig cfg;
    private final PrintStream log;
    private Replicas replicas;
    private boolean progress;
    private long stopAfterStep;
    private AtlasRetrieval retrieval;
    private AtlasModel model;
    private AtlasTask task;
    private List<Path> trainFiles, evalFiles;
    private List<Passage> passages;
    private PassageIndex index;
    /** Where every rank saved its shards of the index for the next checkpoint (several ranks only). */
    private Path stagedIndex;
    private IndexRefreshSchedule refresh;
    private AdamW opt;
    private Map<String, Tensor> params;
    private Training training;
    private AtlasBatches batches;
    /** The retriever changed since the index was built. */
    private boolean stale;

    public AtlasTrainer(AtlasConfig cfg, PrintStream log) {
        this(cfg, log, Replicas.SINGLE);
    }

    /**
     * A data-parallel worker (issue 15): every rank reads the global batch ({@code train.batch_size}) and trains on
     * its slice of examples; its mean losses are averaged over the ranks, as Atlas's DDP does. Parameters start from
     * rank 0's; only rank 0 writes (the run loop) and writes evaluation results.
     */
    public AtlasTrainer(AtlasConfig cfg, PrintStream log, Replicas replicas) {
        this.cfg = cfg;
        this.log = log;
        this.replicas = replicas;
        this.progress = replicas.writes();
        this.retrieval = new AtlasRetrieval(cfg, log, progress).withReplicas(replicas);
    }

    /**
     * Runs as one replica of a data-parallel job: gradients are averaged by the run loop, and the passage index is
     * sharded across the ranks ({@link ShardedIndex}: each embeds, holds, searches and saves its shards).
     */
    public AtlasTrainer withReplicas(Replicas r) {
        this.replicas = r;
        this.retrieval = new AtlasRetrieval(cfg, log, progress).withReplicas(r);
        return this;
    }

    public AtlasTrainer withProgress(boolean on) {
        this.progress = on;
        this.retrieval = new AtlasRetrieval(cfg, log, on).withReplicas(replicas);
        return this;
    }

    /** Test hook: stop after {@code step} as if killed there. */
    AtlasTrainer stopAfterStep(long step) {
        this.stopAfterStep = step;
        return this;
    }

    /** What a run leaves: the final evaluation metrics (keys like {@code eval/exact_match}) and the run directory. */
    public record Result(Map<String, Double> metrics, Path runDir, Path modelDir) {}

    public Result run() throws IOException {
        return run(false);
    }

    /**
     * @param resume continue from the newest checkpoint in {@code <out>/checkpoints}: weights, optimizer state, the
     * index
     *               as it was and the data position are restored, so the run continues as if never stopped
     */
    public Result run(boolean resume) throws IOException {
        Path runDir = Path.of(cfg.out());
        RunLoop.Options o = RunLoop.Options.of(runDir, cfg.toYaml(), cfg.train().steps())
                .withSeed(cfg.train().seed())
                .withLogEvery(cfg.train().logEvery())
                .withEvalEvery(cfg.train().evalEvery())
                .withCheckpoints(cfg.train().checkpointEvery(), cfg.train().checkpointKeep(), null, false)
                .withClipGradNorm(cfg.optimizer().clip())
                .withProgress(progress)
                .withReplicas(replicas);
        RunLoop.Result r = new RunLoop(o, log).stopAfterStep(stopAfterStep).run(this, resume);
        return new Result(r.finalMetrics(), runDir, runDir.resolve("model"));
    }

    @Override
    public void open(RunCheckpoints.Saved from) throws IOException {
        int threads = cfg.train().threads() == null ? 1 : cfg.train().threads();
        Torch.init(threads);
        Torch.setThreads(threads);
        Torch.setDevice(cfg.train().device(), "train.device");
        Torch.seed(cfg.train().seed());
        if (!AtlasTasks.NAMES.contains(cfg.task().name()))
            throw new UserError("task.name: '" + cfg.task().name() + "' is not an Atlas task ("
                    + String.join(", ", AtlasTasks.NAMES) + ")");
        trainFiles = AtlasConfig.paths(cfg.task().trainData());
        evalFiles = AtlasConfig.paths(cfg.task().evalData());
        for (Path p : concat(trainFiles, evalFiles))
            if (!Files.isRegularFile(p)) throw new UserError(p + ": task data file not found");
        if (cfg.train().steps() > 0 && trainFiles.isEmpty())
            throw new UserError("task.train_data: no training files (or set train.steps: 0 to only evaluate)");
        if (from != null && !KIND.equals(from.state().field("kind")))
            throw new UserError(from.state().file() + ": not an Atlas trainer state (field 'kind' is not \"atlas\")");
        model = from == null ? buildModel() : resumedModel(from.dir());
        task = task(cfg, model.vocab());
        passages = retrieval.loadPassages();
        refresh = IndexRefreshSchedule.parse(cfg.index().refresh());
        if (cfg.usesRetrieval()) {
            index = from != null && Files.isDirectory(from.dir().resolve(INDEX))
                    ? retrieval.load(from.dir().resolve(INDEX),
                    IndexLoadOptions.defaults().withShards(cfg.index().shards()))
                    : retrieval.initialIndex(model, passages);
            model.setIndex(index);
        }
        params = model.trainableParameters();
        if (cfg.train().batchSize() % replicas.world() != 0)
            throw new UserError("train.batch_size: " + cfg.train().batchSize() + " is not divisible by the "
                    + replicas.world() + " workers (it is the global batch; each worker takes batch_size / N)");
        for (Tensor p : params.values()) replicas.broadcast(p, 0); // every replica starts from rank 0's weights
        AtlasConfig.Optim oc = cfg.optimizer();
        opt = new AdamW(params, oc.beta1(), oc.beta2(), oc.eps(), oc.weightDecay())
                .withGroup("retriever.", oc.lrRetriever() / oc.lr());
        training = new Training(opt, Schedule.atlas(oc.scheduler(), oc.lr(), oc.warmup(), cfg.train().steps()),
                params.values());
        if (cfg.train().steps() > 0) {
            batches = AtlasData.trainingBatches(task, trainFiles, 0, 1, cfg.train().batchSize(), true,
                    cfg.train().seed());
            if (from != null) seek(from.state());
        }
        stale = from != null && from.state().booleanField("index_stale");
    }

    /** Restores the data position; a checkpoint written before positions were saved replays the stream to its step. */
    private void seek(RunCheckpoints.State s) {
        Long state = s.optionalLong(DATA_EPOCH_STATE);
        if (state != null) {
            batches.seek(new AtlasBatches.Position(state, (int) s.longField(DATA_BATCHES_INTO_EPOCH)));
        } else {
            for (long i = 0; i < s.step(); i++) batches.next();
        }
    }

    static final String DATA_EPOCH_STATE = "data_epoch_state", DATA_BATCHES_INTO_EPOCH = "data_batches_into_epoch";

    @Override
    public String describe() {
        return "t5j: training Atlas (" + task.getClass().getSimpleName() + ", "
                + (cfg.usesRetrieval() ? passages.size() + " passages" : cfg.atlas().closedBook() ? "closed-book"
                : "file passages")
                + ") for " + cfg.train().steps() + " steps -> " + cfg.out();
    }

    @Override
    public Training training() {
        return training;
    }

    @Override
    public Map<String, Object> beforeStep(long step) throws IOException {
        if (!cfg.usesRetrieval() || step == 0
                || !refresh.isTimeToRefresh(step, cfg.atlas().trainRetriever(), cfg.atlas().freezeRetrieverSteps()))
            return null;
        long t0 = System.nanoTime();
        replaceIndex(retrieval.index(model, passages, "refresh index @" + step));
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("step", step);
        ev.put("index_refresh", true);
        ev.put("refresh_seconds", (System.nanoTime() - t0) / 1e9);
        return ev;
    }

    private void replaceIndex(PassageIndex fresh) throws IOException {
        model.setIndex(fresh);
        index.close();
        index = fresh;
        retrieval.saveIndex(index); // a collective on several ranks: each writes its shards
        stale = false;
    }

    @Override
    public StepOutput forwardBackward(long step) {
        // the last optimizer update may have bypassed version counters (fused AdamW): the reader's no-grad scoring
        // below (distillation targets) must not use decode-time copies of older weights
        model.reader().t5().weightsChanged();
        // Atlas increments its step before this test and after the refresh test: step + 1 here, step there
        boolean trainRetriever = cfg.usesRetrieval() && cfg.atlas().trainRetriever()
                && step + 1 > cfg.atlas().freezeRetrieverSteps();
        List<AtlasExample> batch = batches.next();
        int share = batch.size() / replicas.world();
        if (replicas.world() > 1) batch = batch.subList(Math.min(batch.size(), replicas.rank() * share),
                Math.min(batch.size(), (replicas.rank() + 1) * share));
        Map<String, Double> losses = lossesAndGradients(batch, trainRetriever);
        if (replicas.world() > 1) losses = meanOverReplicas(losses);
        stale |= trainRetriever && !cfg.retriever().querySideTraining();
        return new StepOutput(losses, 0, 0);
    }

    /** Each loss averaged over the replicas: the whole batch's loss (the reader's part is weighted to be exact). */
    private Map<String, Double> meanOverReplicas(Map<String, Double> losses) {
        double[] v = losses.values().stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Double> out = new LinkedHashMap<>();
        try (PointerScope s = new PointerScope()) {
            Tensor t = Tensors.doubles(v);
            replicas.allReduceSum(t);
            double[] sum = Tensors.toDoubles(t);
            int i = 0;
            for (String k : losses.keySet()) out.put(k, sum[i++] / replicas.world());
        }
        return out;
    }

    @Override
    public Map<String, Double> evaluate(long step, boolean last) throws IOException {
        if (evalFiles.isEmpty()) return Map.of();
        model.reader().t5().weightsChanged(); // the optimizer updated the reader since the last decoding
        if (last && stale) // the final evaluation uses an index of the final retriever, so that it equals `t5j eval`
            replaceIndex(retrieval.index(model, passages, "final index"));
        // every rank evaluates the whole evaluation set: its queries are the same on every rank
        if (index instanceof ShardedIndex s) s.setSharedQueries(true);
        Map<String, Double> m;
        try {
            m = evaluator().evaluate(model, task, evalFiles, Path.of(cfg.out()), step,
                    last && cfg.eval().writeResults() && replicas.writes());
        } finally {
            if (index instanceof ShardedIndex s) s.setSharedQueries(false);
        }
        log.println("t5j: eval @" + step + ": " + m);
        return m;
    }

    private AtlasEvaluator evaluator() {
        return new AtlasEvaluator(cfg, retrieval);
    }

    /** Several ranks: every rank saves its shards of the index (a collective) for the writer's checkpoint. */
    @Override
    public void beforeCheckpoint(long step) throws IOException {
        if (!(index instanceof ShardedIndex s)) return;
        stagedIndex = Path.of(cfg.out()).resolve(STAGED_INDEX);
        s.save(stagedIndex);
    }

    static final String STAGED_INDEX = ".index-for-checkpoint";

    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        model.save(dir.resolve(MODEL));
        if (index instanceof ShardedIndex) copyStagedIndex(dir.resolve(INDEX));
        else if (index != null) index.save(dir.resolve(INDEX));
    }

    /** The index every rank saved in {@link #beforeCheckpoint}: hard-linked where possible, else copied. */
    private void copyStagedIndex(Path to) throws IOException {
        if (stagedIndex == null) throw new IllegalStateException("beforeCheckpoint did not stage the index");
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(stagedIndex)) {
            for (Path f : files.toList()) {
                try {
                    Files.createLink(to.resolve(f.getFileName()), f);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }

    @Override
    public Map<String, Object> checkpointFields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", KIND);
        f.put("index_stale", stale);
        AtlasBatches.Position p = batches.position();
        f.put(DATA_EPOCH_STATE, p.epochState());
        f.put(DATA_BATCHES_INTO_EPOCH, p.batchesIntoEpoch());
        return f;
    }

    @Override
    public void saveFinal(Path runDir) throws IOException {
        model.save(runDir.resolve("model"));
    }

    @Override
    public void close() {
        if (opt != null) opt.close();
        if (index != null) index.close();
        if (model != null) model.close();
    }

    /**
     * {@code t5j eval} on a saved Atlas model: builds (or loads) the index with the model's retriever, evaluates
     * {@code task.eval_data} and writes results under {@code <out>/eval}.
     */
    public Map<String, Double> evaluateOnly(Path modelDir) throws IOException {
        int threads = cfg.train().threads() == null ? 1 : cfg.train().threads();
        Torch.init(threads);
        Torch.setThreads(threads);
        Torch.setDevice(cfg.train().device(), "train.device");
        List<Path> files = AtlasConfig.paths(cfg.task().evalData());
        if (files.isEmpty()) throw new UserError("task.eval_data: no evaluation files");
        for (Path p : files) if (!Files.isRegularFile(p)) throw new UserError(p + ": task data file not found");
        try (AtlasModel m = AtlasModel.load(modelDir, false)) {
            m.setRetrieverFormat(cfg.atlas().retrieverFormat());
            if (cfg.usesRetrieval() && m.retriever() == null)
                throw new UserError(modelDir + ": a closed-book model has no retriever; set atlas.closed_book: true");
            AtlasTask t = task(cfg, m.vocab());
            PassageIndex idx = cfg.usesRetrieval() ? retrieval.initialIndex(m, retrieval.loadPassages()) : null;
            if (idx instanceof ShardedIndex s) s.setSharedQueries(true);
            try {
                m.setIndex(idx);
                Path outDir = Path.of(cfg.out()).resolve("eval");
                Files.createDirectories(outDir);
                return evaluator().evaluate(m, t, files, outDir, 0, cfg.eval().writeResults() && replicas.writes());
            } finally {
                if (idx != null) idx.close();
            }
        }
    }

    /** The losses of one batch, after {@code backward()} inside its own PointerScope (parameters live outside). */
    private Map<String, Double> lossesAndGradients(List<AtlasExample> batch, boolean trainRetriever) {
        GoldScoreMode mode = cfg.goldScoreMode();
        AtlasConfig.Atlas a = cfg.atlas();
        List<String> queries = new ArrayList<>(), targets = new ArrayList<>();
        for (AtlasExample e : batch) {
            queries.add(e.query());
            targets.add(e.target());
        }
        List<List<Passage>> passages = retrieval.passagesFor(model, task, batch, queries, a.retrieverNContext());
        model.train(true);
        try (PointerScope s = new PointerScope()) {
            Vocabulary v = model.vocab();
            ReaderInputs.Encoded in = ReaderInputs.encode(queries, passages, cfg.readerContexts(), cfg.readerFormat(),
                    v, a.textMaxlength());
            Tensor labels = ReaderInputs.labels(targets, v, a.targetMaxlength());
            Tensor readerLoss = model.reader().loss(in.idsTensor(), in.maskTensor(), labels);
            if (replicas.world() > 1) readerLoss = readerLoss.mul(new Scalar(globalTokenShare(labels)));
            Tensor loss = readerLoss;
            double retrieverLoss = 0;
            if (trainRetriever) {
                int k = a.retrieverNContext();
                Tensor q = model.retriever().queryEmbeddings(queries, true);
                List<String> texts = new ArrayList<>(batch.size() * k);
                for (List<Passage> ps : passages)
                    for (int j = 0; j < k; j++) texts.add(j < ps.size()
                            ? ReaderInputs.retrieverText(a.retrieverFormat(), ps.get(j)) : "");
                Tensor p = model.retriever().passageEmbeddings(texts, true).view(batch.size(), k, -1);
                Tensor score = RetrieverLoss.scores(q, p);
                ReaderInputs.Encoded all = ReaderInputs.encode(queries, passages, k, a.encoderFormat(), v,
                        a.textMaxlength());
                Tensor rl;
                if (mode == GoldScoreMode.EMDR) {
                    Tensor gold = GoldScores.emdrTokenLogProbs(model.reader(), all.idsTensor(), all.maskTensor(),
                            labels, a.temperatureGold());
                    rl = RetrieverLoss.emdr(score, gold, labels, a.temperatureScore());
                } else {
                    Tensor gold = GoldScores.compute(mode, model.reader(), all.idsTensor(), all.maskTensor(), labels,
                            a.temperatureGold());
                    rl = RetrieverLoss.kl(score, gold, a.temperatureScore(), a.temperatureGold());
                }
                retrieverLoss = rl.item_float();
                loss = loss.add(rl);
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("loss", (double) loss.item_float());
            out.put("reader_loss", (double) readerLoss.item_float());
            if (trainRetriever) out.put("retriever_loss", retrieverLoss);
            loss.backward();
            return out;
        }
    }

    /**
     * The weight that turns this rank's token-mean reader loss into its part of the whole batch's token mean, times
     * the ranks (the run loop averages gradients and {@link #meanOverReplicas} losses over the ranks): with T_r target
     * tokens here and T in all, (S_r / T_r) · (T_r · N / T) averaged over N ranks is S / T, one process's loss.
     */
    private double globalTokenShare(Tensor labels) {
        double local = labels.ne(new Scalar(T5ForConditionalGeneration.IGNORE_INDEX)).sum().item_long();
        Tensor t = Tensors.doubles(local);
        replicas.allReduceSum(t);
        double all = Tensors.toDoubles(t)[0];
        return all == 0 ? 1 : local * replicas.world() / all;
    }

    // ------------------------------------------------------------------ setup

    static AtlasTask task(AtlasConfig cfg, Vocabulary vocab) {
        AtlasConfig.TaskCfg t = cfg.task();
        try {
            AtlasTaskOptions o = new AtlasTaskOptions(t.qaPromptFormat(), t.mlmNoiseDensity(),
                    t.mlmMeanNoiseSpanLength(), t.minWordsPerLmInstance(),
                    cfg.atlas().textMaxlength(), t.minLmContextRatio(), t.maxLmContextRatio(),
                            t.multipleChoiceNumOptions(),
                    t.multipleChoiceTrainPermutations(), t.multipleChoiceEvalPermutations(), vocab);
            return AtlasTasks.byName(t.name(), o);
        } catch (IllegalArgumentException e) { // option checks and a malformed qa_prompt_format
            throw new UserError("task: " + e.getMessage());
        }
    }

    AtlasModel buildModel() {
        AtlasConfig.Reader rc = cfg.reader();
        Path vocabFile = rc.vocab() != null ? Path.of(rc.vocab()) : null;
        if (vocabFile == null && rc.initFrom() != null
                && Files.isRegularFile(Path.of(rc.initFrom()).resolve("spiece.model")))
            vocabFile = Path.of(rc.initFrom()).resolve("spiece.model");
        if (vocabFile == null)
            throw new UserError("reader.vocab: required (a T5 SentencePiece .model; Atlas prompts use the <extra_id_0> "
                    + "sentinel)");
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
            throw new UserError("the reader's vocabulary has " + have + " ids but " + vocabFile + " has "
                    + vocab.vocabSize());
        }
        Retriever retriever = cfg.usesRetrieval() ? buildRetriever() : null;
        AtlasModel m = new AtlasModel(t5, vocab, vocabFile, retriever);
        m.setRetrieverFormat(cfg.atlas().retrieverFormat());
        return m;
    }

    /** The model of a checkpoint, with the config's retriever settings applied again. */
    AtlasModel resumedModel(Path ckpt) {
        AtlasModel m = AtlasModel.load(ckpt.resolve(MODEL), false);
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
            if (rc.vocab() == null)
                throw new UserError("retriever.vocab: required with retriever.preset (a BERT vocab.txt)");
            WordPieceVocabulary wp = WordPieceVocabulary.load(Path.of(rc.vocab()));
            BertConfig bc = BertConfig.preset(rc.preset()).withVocabSize(wp.vocabSize())
                    .withPooling(Pooling.parse(rc.pooling(), "retriever.pooling"));
            Contriever c = Contriever.init(bc, wp, StepSeeds.mix(cfg.train().seed(), -1));
            r = Retriever.tied(c, rc.maxLength());
            if (untie) r.untie();
        }
        if (rc.querySideTraining()) r.setPassageFrozen(true);
        return r;
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
