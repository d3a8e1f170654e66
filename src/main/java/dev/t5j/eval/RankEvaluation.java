package dev.t5j.eval;

import dev.t5j.common.UserError;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.Task;
import dev.t5j.data.prompted.PromptedTasks;
import dev.t5j.decoding.RankScorer;
import dev.t5j.model.T5ForConditionalGeneration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * T0's zero-shot evaluation on {@code _score_eval} tasks (one row per choice with {@code is_correct} and {@code idx}):
 * rows of one example are regrouped, scored by {@link RankScorer}, and reported as accuracy per prompt (task) and
 * the median and mean over the prompts of each dataset (T0 reports medians; t-zero evaluation/run_eval.py).
 */
public final class RankEvaluation {
    private RankEvaluation() {}

    /** Accuracy ×100 of one prompt (task) on {@code examples} examples. */
    public record PromptResult(String task, String dataset, double accuracy, int examples) {}

    /** Median and mean accuracy over the prompts of one dataset. */
    public record DatasetResult(String dataset, int prompts, double median, double mean) {}

    /** Results, and the tasks skipped because their data cannot be read (only with allowMissing). */
    public record Report(List<PromptResult> prompts, List<DatasetResult> datasets, List<String> missing) {}

    /** Evaluates every task of {@code p} (a score_eval task or a mixture of them); {@code limit} examples per task (0:
     * all). */
    public static Report evaluate(T5ForConditionalGeneration model, DatasetProvider p, String split, int batch,
                                  int limit, boolean allowMissing) {
        List<PromptResult> prompts = new ArrayList<>();
        List<Task> tasks = tasksOf(p, split);
        RankScorer scorer = new RankScorer(model, batch);
        List<String> missing = new ArrayList<>();
        for (Task t : tasks) {
            try {
                t.check(ReadOptions.split(split));
            } catch (UserError e) {
                missing.add(t.name() + " (" + t.source().describe() + ")");
            }
        }
        if (!missing.isEmpty() && !allowMissing)
            throw new UserError(p.name() + ": " + missing.size() + " of " + tasks.size()
                    + " tasks cannot be read for split '"
                    + split + "': " + missing + "; pass --allow-missing to evaluate the others");
        for (Task t : tasks) {
            if (missing.stream().anyMatch(s -> s.startsWith(t.name() + " ("))) continue;
            List<RankScorer.Item> items = new ArrayList<>();
            List<Integer> correct = new ArrayList<>();
            read(t, split, limit, items, correct);
            RankScorer.Result[] r = scorer.score(items);
            int hit = 0;
            for (int i = 0; i < r.length; i++) if (r[i].prediction() == correct.get(i)) hit++;
            prompts.add(new PromptResult(t.name(), t.source().describe(), r.length == 0 ? 0 : 100.0 * hit / r.length,
                    r.length));
        }
        return new Report(prompts, summarize(prompts), missing);
    }

    /**
     * Whether {@code p} is a {@code _score_eval} task or a mixture of only such tasks (e.g.
     * {@code t0_eval_score_eval}): evaluated by rank classification rather than generation.
     */
    public static boolean isScoreEval(DatasetProvider p, String split) {
        List<Task> tasks = tasksOf(p, split);
        return !tasks.isEmpty() && tasks.stream().allMatch(t -> t.name().endsWith(PromptedTasks.SCORE_EVAL));
    }

    private static List<Task> tasksOf(DatasetProvider p, String split) {
        return p instanceof Mixture m ? m.weightedTasks(ReadOptions.split(split)).stream()
                .map(Mixture.WeightedTask::task).toList() : List.of((Task) p);
    }

    /** Regroups a score_eval task's rows into examples (rows of one example are consecutive, same idx). */
    static void read(Task t, String split, int limit, List<RankScorer.Item> items, List<Integer> correct) {
        List<int[]> choices = new ArrayList<>();
        int[] input = null;
        int right = -1;
        Object idx = null;
        try (ExampleIterator it = t.open(ReadOptions.split(split).withEpochs(1))) {
            while (it.hasNext()) {
                Example e = it.next();
                if (!e.has("is_correct") || !e.has("idx"))
                    throw new UserError("task '" + t.name() + "' is not a rank-classification (_score_eval) task");
                if (idx != null && !idx.equals(e.get("idx"))) {
                    items.add(new RankScorer.Item(input, choices.toArray(new int[0][])));
                    correct.add(right);
                    choices.clear();
                    right = -1;
                    if (limit > 0 && items.size() >= limit) return;
                }
                idx = e.get("idx");
                input = e.tokens("inputs");
                if (Boolean.TRUE.equals(e.get("is_correct")) && right < 0) right = choices.size();
                choices.add(e.tokens("targets"));
            }
        }
        if (idx != null && (limit <= 0 || items.size() < limit)) {
            items.add(new RankScorer.Item(input, choices.toArray(new int[0][])));
            correct.add(right);
        }
    }

    static List<DatasetResult> summarize(List<PromptResult> prompts) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (PromptResult p : prompts) by.computeIfAbsent(p.dataset(), k -> new ArrayList<>()).add(p.accuracy());
        List<DatasetResult> out = new ArrayList<>();
        by.forEach((d, accs) -> {
            double[] a = accs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
            out.add(new DatasetResult(d, a.length, median, Arrays.stream(a).average().orElse(0)));
        });
        return out;
    }
}
