package dev.t5j.demo;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.decoding.RankScorer;
import dev.t5j.eval.WilsonInterval;
import dev.t5j.prompts.PromptTemplate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code t5j t0 demo} measured and where it writes it: {@code metrics.jsonl} (one line per model and template),
 * {@code predictions.jsonl} (one line per scored example: choices' scores, prediction, label), {@code report.json}
 * and {@code report.md}. Accuracies are per template with a 95% Wilson score interval ({@link WilsonInterval}); per
 * dataset, the median over templates (T0 reports medians) and the mean.
 */
final class T0DemoReport {
    /** One template evaluated with one model. */
    record PromptScore(String model, String group, String dataset, String template, int examples, int correct,
                       double accuracy, double ciLow, double ciHigh) {}

    /** Templates of one dataset and group, one model: median, mean, min and max accuracy (%). */
    record DatasetScore(String model, String group, String dataset, int prompts, double median, double mean,
                        double min, double max) {}

    /** The report's figures. */
    record Summary(List<PromptScore> prompts, List<DatasetScore> datasets, Map<String, Double> seconds) {}

    private final T0Demo.Options options;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final Map<String, Object> decontamination = new LinkedHashMap<>();
    private final Map<String, Object> training = new LinkedHashMap<>();
    private final Map<String, List<String>> trainingTasks = new LinkedHashMap<>();
    private final List<PromptScore> prompts = new ArrayList<>();
    private final StringBuilder predictions = new StringBuilder();

    T0DemoReport(T0Demo.Options options) {
        this.options = options;
    }

    void stage(String name, long startNanos) {
        seconds.put(name, (System.nanoTime() - startNanos) / 1e9);
    }

    void decontamination(String dataset, int kept, int dropped) {
        decontamination.put(dataset, Map.of("rows_kept", kept, "rows_dropped", dropped));
    }

    void training(String model, String mixture, double finalLoss) {
        training.put(model, Map.of("mixture", mixture, "final_loss", finalLoss));
    }

    void mixtures(Map<String, List<PromptTemplate>> trainTemplates) {
        List<String> prompted = new ArrayList<>(), raw = new ArrayList<>();
        trainTemplates.forEach((d, ts) -> {
            prompted.addAll(T0Demo.taskNames(d, ts));
            raw.add(T0DemoData.rawTaskName(d));
        });
        trainingTasks.put(T0Demo.PROMPTED_MIXTURE, prompted);
        trainingTasks.put(T0Demo.RAW_MIXTURE, raw);
    }

    void prompt(String model, String group, String dataset, String template, List<T0DemoData.Rendered> items,
                RankScorer.Result[] results) {
        int correct = 0;
        for (int i = 0; i < results.length; i++) {
            T0DemoData.Rendered r = items.get(i);
            if (results[i].prediction() == r.label()) correct++;
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("model", model);
            line.put("group", group);
            line.put("dataset", dataset);
            line.put("template", template);
            line.put("row", r.row());
            line.put("choices", r.choices());
            line.put("scores", results[i].scores());
            line.put("prediction", results[i].prediction());
            line.put("label", r.label());
            predictions.append(Json.write(line)).append('\n');
        }
        int n = results.length;
        WilsonInterval ci = n == 0 ? new WilsonInterval(0, 1) : WilsonInterval.of95(correct, n);
        prompts.add(new PromptScore(model, group, dataset, template, n, correct, n == 0 ? 0 : 100.0 * correct / n,
                100 * ci.low(), 100 * ci.high()));
    }

    static List<DatasetScore> summarize(List<PromptScore> prompts) {
        Map<List<String>, List<Double>> by = new LinkedHashMap<>();
        for (PromptScore p : prompts)
            by.computeIfAbsent(List.of(p.model(), p.group(), p.dataset()), k -> new ArrayList<>()).add(p.accuracy());
        List<DatasetScore> out = new ArrayList<>();
        by.forEach((k, accs) -> {
            double[] a = accs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
            double mean = 0;
            for (double x : a) mean += x / a.length;
            out.add(new DatasetScore(k.get(0), k.get(1), k.get(2), a.length, median, mean, a[0], a[a.length - 1]));
        });
        return out;
    }

    T0Demo.Result write(Path out, PrintStream log) throws IOException {
        Summary s = new Summary(List.copyOf(prompts), summarize(prompts), new LinkedHashMap<>(seconds));
        StringBuilder metrics = new StringBuilder();
        for (PromptScore p : prompts) metrics.append(Json.write(p)).append('\n');
        AtomicFiles.writeString(out.resolve("metrics.jsonl"), metrics.toString());
        Path preds = out.resolve("predictions.jsonl");
        AtomicFiles.writeString(preds, predictions.toString());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("protocol", options.protocol());
        root.put("chance_accuracy", 50.0);
        root.put("interval", "95% Wilson score interval per template (binomial, n = examples of that template)");
        root.put("training_tasks", trainingTasks);
        root.put("decontamination", decontamination);
        root.put("training", training);
        root.put("seconds", seconds);
        root.put("datasets", s.datasets());
        root.put("prompts", s.prompts());
        Path report = out.resolve("report.json");
        AtomicFiles.writeString(report, Json.writePretty(root) + "\n");
        String md = markdown(s);
        Path reportMd = out.resolve("report.md");
        AtomicFiles.writeString(reportMd, md);
        log.println();
        log.print(md);
        log.println("report: " + report + "   predictions: " + preds);
        return new T0Demo.Result(report, reportMd, preds, s);
    }

    private String markdown(Summary s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# t5j t0 demo: zero-shot rank classification (chance 50%%)%n%n"
                + "%s T5, %d steps each, batch %d; %d label-balanced examples per template; [low, high] = 95%%"
                + " Wilson interval.%n%n", options.preset(), options.steps(), options.batchSize(),
                options.evalExamples()));
        sb.append("| group | dataset | model | templates | median | mean | min | max |\n|---|---|---|---|---|---|---|"
                + "---|\n");
        for (DatasetScore d : s.datasets())
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %.1f | %.1f | %.1f |%n", d.group(),
                    d.dataset(), d.model(), d.prompts(), d.median(), d.mean(), d.min(), d.max()));
        sb.append("\n| group | dataset | template | model | accuracy | 95% interval | n |\n|---|---|---|---|---|---|"
                + "---|\n");
        for (PromptScore p : s.prompts())
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | [%.1f, %.1f] | %d |%n", p.group(),
                    p.dataset(), p.template(), p.model(), p.accuracy(), p.ciLow(), p.ciHigh(), p.examples()));
        sb.append("\nseconds: ");
        s.seconds().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.0f  ", k, v)));
        sb.append('\n');
        return sb.toString();
    }
}
