package dev.t5j.eval;

import dev.t5j.data.ScoreMetricFn;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Feature;
import dev.t5j.data.MetricFn;
import dev.t5j.data.Mixture;
import dev.t5j.data.Postprocessor;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import dev.t5j.decoding.DecodingLimits;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.decoding.Generator;
import dev.t5j.decoding.Scorer;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * seqio-style evaluation of a model on every task of a task or mixture: decode the split's first examples, decode ids
 * to text, apply the task's postprocessor, and compute its metrics; plus teacher-forced loss and exact id match.
 */
public final class Evaluator {
    public record Options(String split, int examples, int inputsLength, int targetsLength, GenerationConfig generation,
            int batchSize) {}

    /** One evaluated example, for {@code t5j predict}. */
    public record Prediction(String task, String inputs, String prediction, List<String> references,
            int[] predictionIds, boolean exactIds) {}

    public record TaskResult(String task, int examples, Map<String, Double> metrics, List<Prediction> predictions) {}

    private final T5ForConditionalGeneration model;
    /** Called with each task's name before it is evaluated (selects a task's adapter); null = nothing. */
    private Consumer<String> beforeTask;

    public Evaluator(T5ForConditionalGeneration model) {
        this.model = model;
    }

    /** Calls {@code f} with each task's name before that task is evaluated (per-task adapters switch there). */
    public Evaluator beforeTask(Consumer<String> f) {
        this.beforeTask = f;
        return this;
    }

    /** The tasks of {@code provider}: itself, or a mixture's tasks (nested mixtures flattened). */
    public static List<Task> tasksOf(DatasetProvider provider, ReadOptions o) {
        if (provider instanceof Task t) return List.of(t);
        List<Task> out = new ArrayList<>();
        for (Mixture.WeightedTask wt : provider.weightedTasks(o)) if (!out.contains(wt.task())) out.add(wt.task());
        return out;
    }

    public List<TaskResult> evaluate(DatasetProvider provider, Options o) {
        long rows = o.examples() > 0 ? Math.min(o.batchSize(), o.examples()) : o.batchSize();
        DecodingLimits.check(model.config(), rows * o.generation().numBeams(), o.generation().maxNewTokens());
        ReadOptions ro = ReadOptions.split(o.split()).withSequenceLengths(Map.of("inputs", o.inputsLength(), "targets",
                o.targetsLength()));
        List<TaskResult> results = new ArrayList<>();
        for (Task t : tasksOf(provider, ReadOptions.split("train"))) {
            if (!t.splits().contains(o.split())) continue; // e.g. a mixture member without a validation split
            if (beforeTask != null) beforeTask.accept(t.name());
            results.add(evaluateTask(t, ro, o));
        }
        if (results.isEmpty()) throw new UserError(provider.name() + ": no task has a '" + o.split()
                + "' split to evaluate");
        return results;
    }

    /** A vocabulary with more ids than the model has embedding rows would crash libtorch mid-run: refuse it first. */
    private void checkFitsModel(Task task) {
        int rows = model.config().vocabSize();
        for (Map.Entry<String, Feature> f : task.outputFeatures().entrySet()) {
            Vocabulary v = f.getValue().vocabulary();
            if (v != null && v.vocabSize() > rows)
                throw new UserError(task.name() + ": the " + f.getKey() + " vocabulary has " + v.vocabSize()
                        + " ids but the model's embedding has " + rows + " rows (vocab_size in its config.json);"
                        + " evaluate with the vocabulary the model was trained with (--vocab)");
        }
    }

    private TaskResult evaluateTask(Task task, ReadOptions ro, Options o) {
        List<Example> examples = new ArrayList<>();
        try (ExampleIterator it = task.open(ro)) {
            while (it.hasNext() && examples.size() < o.examples()) examples.add(it.next());
        }
        if (examples.isEmpty()) throw new UserError(task.name() + ": split '" + o.split() + "' has no examples");
        Vocabulary vocab = task.outputFeatures().get("targets").vocabulary();
        checkFitsModel(task);
        Postprocessor post = task.postprocessor() == null ? Postprocessor.IDENTITY : task.postprocessor();
        int n = examples.size();
        int[][] inputs = new int[n][];
        int[][] targets = new int[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = nonEmpty(examples.get(i).tokens("inputs"), model.config().eosTokenId());
            targets[i] = nonEmpty(examples.get(i).tokens("targets"), model.config().eosTokenId());
        }
        Generator gen = new Generator(model);
        Scorer scorer = new Scorer(model);
        int[][] preds = new int[n][];
        double[] scores = new double[n]; // per-example log-likelihood of the targets, for score-based metrics
        double lossSum = 0;
        long lossTokens = 0;
        try (Progress bar = new Progress("eval " + task.name(), n, "examples")) { // stderr: rate and ETA
            for (int s = 0; s < n; s += o.batchSize()) {
                int e = Math.min(n, s + o.batchSize());
                int[][] bi = Arrays.copyOfRange(inputs, s, e);
                int[][] bt = Arrays.copyOfRange(targets, s, e);
                Generator.Result r = gen.generate(bi, o.generation());
                System.arraycopy(r.sequences(), 0, preds, s, e - s);
                Scorer.Score[] sc = scorer.score(bi, bt, false);
                for (int k = 0; k < sc.length; k++) {
                    scores[s + k] = sc[k].sum();
                    lossSum -= sc[k].sum();
                    lossTokens += sc[k].tokenLogProbs().length;
                }
                bar.step(e - s);
            }
        }
        List<Object> predObjs = new ArrayList<>();
        List<Object> targetObjs = new ArrayList<>();
        List<String> predTexts = new ArrayList<>();
        List<List<String>> refTexts = new ArrayList<>();
        List<Prediction> out = new ArrayList<>();
        int exact = 0;
        for (int i = 0; i < n; i++) {
            int[] p = stripEos(preds[i], model.config().eosTokenId());
            int[] t = stripEos(targets[i], model.config().eosTokenId());
            boolean same = Arrays.equals(p, t);
            if (same) exact++;
            String predText = vocab.decode(p);
            String targetText = vocab.decode(t);
            Object pp = post.apply(predText, examples.get(i), false);
            Object tp = post.apply(targetText, examples.get(i), true);
            predObjs.add(pp);
            targetObjs.add(tp);
            predTexts.add(String.valueOf(pp));
            List<String> refs = tp instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(tp));
            refTexts.add(refs);
            out.add(new Prediction(task.name(), vocab.decode(stripEos(inputs[i], model.config().eosTokenId())),
                    predText, refs, preds[i], same));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("exact_match_ids", 100.0 * exact / n);
        metrics.put("loss", lossTokens == 0 ? Double.NaN : lossSum / lossTokens);
        for (String name : task.metricNames()) metrics.putAll(Metrics.byName(name).compute(predTexts, refTexts));
        for (MetricFn fn : task.metricFns()) metrics.putAll(fn.compute(targetObjs, predObjs));
        for (ScoreMetricFn fn : task.scoreMetricFns()) metrics.putAll(fn.compute(targetObjs, scores));
        return new TaskResult(task.name(), n, metrics, out);
    }

    private static int[] nonEmpty(int[] ids, int eos) {
        return ids == null || ids.length == 0 ? new int[]{eos} : ids;
    }

    static int[] stripEos(int[] ids, int eos) {
        int end = ids.length;
        for (int i = 0; i < ids.length; i++) if (ids[i] == eos) { end = i; break; }
        return Arrays.copyOf(ids, end);
    }
}
