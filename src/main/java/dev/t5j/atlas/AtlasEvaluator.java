package dev.t5j.atlas;

import dev.t5j.engine.Tensors;
import dev.t5j.atlas.tasks.AtlasData;
import dev.t5j.atlas.tasks.AtlasExample;
import dev.t5j.atlas.tasks.AtlasMetrics;
import dev.t5j.atlas.tasks.AtlasResult;
import dev.t5j.atlas.tasks.AtlasTask;
import dev.t5j.atlas.tasks.HfText;
import dev.t5j.atlas.tasks.MultipleChoiceTask;
import dev.t5j.atlas.tasks.ResultsWriter;
import dev.t5j.common.Progress;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.model.FusionInDecoder;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.retrieval.Passage;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Atlas's evaluate.py for one model and a list of task files: retrieve, read, generate, score with the task's metrics
 * (100 × mean, eval_loss as is), debias multiple choice over its permutations, and optionally write Atlas's results
 * jsonl. Adds {@code answer_recall@k} when retrieving: the share of examples with an answer string (normalized as
 * SQuAD) in the title or text of one of the top-k passages, DPR's top-k retrieval accuracy.
 */
public final class AtlasEvaluator {
    private final AtlasConfig cfg;
    private final AtlasRetrieval retrieval;

    AtlasEvaluator(AtlasConfig cfg, AtlasRetrieval retrieval) {
        this.cfg = cfg;
        this.retrieval = retrieval;
    }

    /** Metrics over all files, keyed {@code eval/<metric>} (one file) or {@code eval/<file stem>/<metric>}. */
    public Map<String, Double> evaluate(AtlasModel model, AtlasTask task, List<Path> files, Path outDir, long step,
            boolean write) throws IOException {
        Map<String, Double> all = new LinkedHashMap<>();
        for (Path f : files) {
            Map<String, Double> m = evaluateFile(model, task, f, outDir, step, write);
            String prefix = files.size() == 1 ? "eval/" : "eval/" + stem(f) + "/";
            m.forEach((k, v) -> all.put(prefix + k, v));
        }
        return all;
    }

    static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    Map<String, Double> evaluateFile(AtlasModel model, AtlasTask task, Path file, Path outDir, long step,
            boolean write) throws IOException {
        AtlasConfig.Atlas a = cfg.atlas();
        List<AtlasExample> examples = AtlasData.loadEval(task, List.of(file), 0, 1, evalRandom());
        if (cfg.eval().examples() > 0 && examples.size() > cfg.eval().examples()) examples = examples.subList(0,
                cfg.eval().examples());
        AtlasMetrics.Accumulator recall = new AtlasMetrics.Accumulator();
        List<Double> losses = new ArrayList<>();
        List<AtlasResult> results = new ArrayList<>();
        List<Integer> recallAt = cfg.usesRetrieval() ? cfg.eval().recallAt() : List.of();
        int kRetrieve = a.nContext();
        for (int r : recallAt) kRetrieve = Math.max(kRetrieve, r);
        boolean mc = task instanceof MultipleChoiceTask;
        boolean was = model.t5().isTraining();
        model.train(false);
        try (Progress bar = new Progress("eval " + file.getFileName(), examples.size(), "example", System.err, true)) {
            for (int from = 0; from < examples.size(); from += cfg.eval().batchSize()) {
                List<AtlasExample> batch = examples.subList(from, Math.min(examples.size(), from
                        + cfg.eval().batchSize()));
                List<String> queries = new ArrayList<>();
                for (AtlasExample e : batch) queries.add(e.query());
                List<List<Passage>> passages = new ArrayList<>();
                List<float[]> scores = new ArrayList<>();
                if (cfg.usesRetrieval()) {
                    for (AtlasModel.Retrieved r : retrieval.retrieve(model, task, batch, queries, kRetrieve)) {
                        passages.add(r.passages());
                        scores.add(r.scores());
                    }
                } else {
                    for (List<Passage> ps : retrieval.passagesFor(model, task, batch, queries, a.nContext())) {
                        passages.add(ps);
                        scores.add(null);
                    }
                }
                for (int i = 0; i < batch.size(); i++)
                    for (int k : recallAt) recall.add("answer_recall@" + k, answerInTop(batch.get(i).answers(),
                            passages.get(i), k) ? 1 : 0);
                Read read = read(model, batch, queries, passages, losses, mc);
                List<String> generations = read.generations();
                float[][] choice = read.choiceLogits();
                for (int i = 0; i < batch.size(); i++) {
                    AtlasExample e = batch.get(i);
                    List<Passage> used = passages.get(i).subList(0, Math.min(passages.get(i).size(), a.nContext()));
                    float[] sc = scores.get(i) == null ? null : Arrays.copyOf(scores.get(i), used.size());
                    Map<String, Double> cl = mc && choice != null
                            ? ((MultipleChoiceTask) task).choiceLogits(choice[i]) : null;
                    results.add(new AtlasResult(e, generations.get(i), used, sc, cl));
                }
                bar.step(batch.size());
            }
        } finally {
            model.train(was);
        }
        AtlasEvaluation.Report report = AtlasEvaluation.evaluate(task, results, losses);
        if (write) AtlasEvaluation.writeResults(report, new ResultsWriter(true), ResultsWriter.resultsPath(outDir,
                file, step));
        Map<String, Double> out = new LinkedHashMap<>(report.metrics());
        List<String> names = new ArrayList<>();
        for (int k : recallAt) names.add("answer_recall@" + k);
        out.putAll(recall.summary(names));
        return out;
    }

    /** The evaluation's own randomness (e.g. answer choices of multiple-choice permutations), fixed per run seed. */
    private Random evalRandom() {
        return new Random(cfg.train().seed() + 17);
    }

    private static boolean hasTargets(List<AtlasExample> batch) {
        for (AtlasExample e : batch) if (e.target() == null) return false;
        return true;
    }

    static boolean answerInTop(List<String> answers, List<Passage> passages, int k) {
        for (int j = 0; j < Math.min(k, passages.size()); j++) {
            String hay = " " + AtlasMetrics.normalizeAnswer(passages.get(j).title() + " " + passages.get(j).text())
                    + " ";
            for (String ans : answers) {
                String n = AtlasMetrics.normalizeAnswer(ans);
                if (!n.isEmpty() && hay.contains(" " + n + " ")) return true;
            }
        }
        return false;
    }

    /** One reader encoding of the batch serves generation and the teacher-forced pass. */
    private record Read(List<String> generations, float[][] choiceLogits) {}

    private Read read(AtlasModel model, List<AtlasExample> batch, List<String> queries, List<List<Passage>> passages,
                      List<Double> losses, boolean mc) {
        GenerationConfig g = cfg.eval().numBeams() > 1 ? GenerationConfig.beam(cfg.eval().maxNewTokens(),
                cfg.eval().numBeams())
                : GenerationConfig.greedy(cfg.eval().maxNewTokens());
        List<String> out = new ArrayList<>();
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            ReaderInputs.Encoded in = ReaderInputs.encode(queries, passages, cfg.readerContexts(), cfg.readerFormat(),
                    model.vocab(),
                    cfg.atlas().textMaxlength());
            FusionInDecoder.Encoded enc = model.reader().encode(in.idsTensor(), in.maskTensor());
            Generator.Result r = new Generator(model.t5()).generateFromEncoded(enc.hidden(), enc.mask(), g);
            for (int[] ids : r.sequences()) out.add(HfText.prediction(model.vocab(), ids));
            return new Read(out, hasTargets(batch) ? teacherForced(model, enc, batch, losses, mc) : null);
        }
    }

    /**
     * Teacher-forced pass over the encoded batch: adds eval_loss; for multiple choice, the logits at decoder position
     * 1.
     */
    private float[][] teacherForced(AtlasModel model, FusionInDecoder.Encoded enc, List<AtlasExample> batch,
            List<Double> losses, boolean mc) {
        List<String> targets = new ArrayList<>();
        for (AtlasExample e : batch) targets.add(e.target());
        Tensor labels = ReaderInputs.labels(targets, model.vocab(), cfg.atlas().targetMaxlength());
        Tensor logits = model.reader().logits(enc, model.t5().shiftRight(labels));
        losses.add((double) T5ForConditionalGeneration.loss(logits, labels).item_float());
        if (!mc || logits.size(1) < 2) return null;
        Tensor pos1 = logits.select(1, 1).contiguous(); // [B, V]
        float[] flat = Tensors.toFloats(pos1);
        int v = (int) pos1.size(1);
        float[][] rows = new float[batch.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = Arrays.copyOfRange(flat, i * v, (i + 1) * v);
        return rows;
    }
}
