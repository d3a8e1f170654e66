package dev.t5j.run;

import java.util.Arrays;
import dev.t5j.common.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes {@code <runDir>/report.html}: one self-contained page (inline SVG charts and CSS, no scripts, nothing
 * fetched) that opens straight from the file system. It shows the training loss (raw and smoothed), the learning
 * rate, the gradient norm and throughput when logged, one chart per {@code eval/...} metric, the final metrics and
 * the resolved config.
 */
public final class RunReport {
    public static final String FILE_NAME = "report.html";

    /** Keys the trainer logs that get charts of their own; eval metrics are every numeric key under "eval/". */
    static final String STEP = "step", LOSS = "loss", LR = "lr", GRAD_NORM = "grad_norm", TOKENS_PER_SEC =
            "tokens_per_sec";
    static final String EVAL_PREFIX = "eval/";

    private RunReport() {}

    /** Reads {@code <runDir>/metrics.jsonl} (absent: no curves) and writes the report next to it. */
    public static Path write(Path runDir, Map<String, Double> finalMetrics, String configText) throws IOException {
        Path metrics = runDir.resolve(MetricsLog.FILE_NAME);
        List<Map<String, Object>> records = Files.exists(metrics) ? MetricsLog.read(metrics) : List.of();
        return write(runDir, records, finalMetrics, configText);
    }

    public static Path write(Path runDir, List<Map<String, Object>> metrics, Map<String, Double> finalMetrics,
                             String configText) throws IOException {
        Path out = runDir.resolve(FILE_NAME);
        AtomicFiles.writeString(out, render(runDir.toAbsolutePath().normalize().toString(), metrics, finalMetrics,
                configText));
        return out;
    }

    /** The report's HTML; {@code runName} appears in the title. */
    public static String render(String runName, List<Map<String, Object>> metrics, Map<String, Double> finalMetrics,
                                String configText) {
        List<String> charts = new ArrayList<>();
        Curve loss = curve(metrics, LOSS);
        if (loss.size() > 0 || metrics.isEmpty()) charts.add(lossChart(loss));
        Curve lr = curve(metrics, LR);
        if (lr.size() > 0) charts.add(single("Learning rate", "learning rate", lr, SvgLineChart.PALETTE[1], false,
                false, false));
        Curve gn = curve(metrics, GRAD_NORM);
        if (gn.size() > 0) charts.add(single("Gradient norm", "global L2 norm", gn, SvgLineChart.PALETTE[4], false,
                false, true));
        Curve tps = curve(metrics, TOKENS_PER_SEC);
        if (tps.size() > 0) charts.add(single("Throughput", "tokens / s", tps, SvgLineChart.PALETTE[6], false, true,
                true));

        TreeSet<String> evalKeys = new TreeSet<>();
        for (Map<String, Object> r : metrics)
            for (String k : r.keySet()) if (k.startsWith(EVAL_PREFIX) && r.get(k) instanceof Number) evalKeys.add(k);
        List<String> evalCharts = new ArrayList<>();
        int color = 2;
        for (String k : evalKeys) {
            evalCharts.add(single(k, k.substring(k.lastIndexOf('/') + 1), curve(metrics, k),
                    SvgLineChart.PALETTE[color], true,
                    !k.contains("loss") && !k.contains("perplexity"), false));
            color = color == 3 ? 2 : 3; // alternate two colours so neighbouring charts are told apart
        }

        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>t5j run report: ").append(esc(runName)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<header><h1>t5j run report</h1><div class=\"run\">").append(esc(runName)).append("</div>")
                .append("<div class=\"meta\">").append(esc(summary(metrics, loss))).append(" · generated ")
                .append(esc(ZonedDateTime.now(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))))
                .append("</div></header>\n");

        h.append("<section><h2>Final metrics</h2>\n");
        if (finalMetrics == null || finalMetrics.isEmpty()) {
            h.append("<p class=\"empty\">No final metrics were recorded.</p>\n");
        } else {
            h.append("<table class=\"final\"><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>\n");
            for (Map.Entry<String, Double> e : new TreeMap<>(finalMetrics).entrySet()) {
                double v = e.getValue() == null ? Double.NaN : e.getValue();
                h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">")
                        .append(esc(SvgLineChart.formatNumber(v))).append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");

        h.append("<section><h2>Training</h2>\n<div class=\"grid\">\n");
        for (String c : charts) h.append("<figure>").append(c).append("</figure>\n");
        h.append("</div>\n</section>\n");

        h.append("<section><h2>Evaluation</h2>\n");
        if (evalCharts.isEmpty()) {
            h.append("<p class=\"empty\">No evaluation metrics (keys starting with \"eval/\") were logged.</p>\n");
        } else {
            h.append("<div class=\"grid\">\n");
            for (String c : evalCharts) h.append("<figure>").append(c).append("</figure>\n");
            h.append("</div>\n");
        }
        h.append("</section>\n");

        h.append("<section><h2>Config</h2>\n<pre class=\"config\">")
                .append(esc(configText == null || configText.isBlank() ? "(no config recorded)" : configText))
                .append("</pre>\n</section>\n");
        h.append("<footer>Written by t5j from ").append(esc(MetricsLog.FILE_NAME))
                .append(". Hover a dot for its value; curves of more than " + MAX_POINTS
                        + " points show each stretch's lowest and highest " +
                        "value.</footer>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /**
     * The loss chart: raw values faint, a debiased exponential moving average on top; log scale when it spans a lot.
     */
    private static String lossChart(Curve c) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (double y : c.ys) if (Double.isFinite(y)) { min = Math.min(min, y); max = Math.max(max, y); }
        boolean log = min > 0 && max / min >= 20;
        SvgLineChart ch = new SvgLineChart("Training loss").yLabel("loss").logY(log);
        if (c.size() >= 10) {
            Curve raw = c.thin(), smooth = new Curve(c.xs, ema(c.ys)).thin(); // smooth first, then thin
            ch.add(new SvgLineChart.Series("loss", raw.xs, raw.ys, SvgLineChart.PALETTE[0], 1.2, 0.3, false));
            ch.add(new SvgLineChart.Series("smoothed (EMA)", smooth.xs, smooth.ys, SvgLineChart.PALETTE[0], 2.2, 1.0,
                    false));
        } else {
            ch.add(SvgLineChart.Series.of("loss", c.xs, c.ys, SvgLineChart.PALETTE[0]));
        }
        return ch.toSvg();
    }

    /**
     * One quantity; {@code includeZero} for quantities read against 0 (accuracy, throughput), not for losses;
     * {@code smooth}: a dense curve is drawn faint with its moving average on top, as noise hides the trend.
     */
    private static String single(String title, String yLabel, Curve c, String color, boolean markers,
                                 boolean includeZero, boolean smooth) {
        SvgLineChart ch = new SvgLineChart(title).yLabel(yLabel).includeZero(includeZero);
        if (smooth && c.size() >= SMOOTH_FROM) {
            Curve raw = c.thin(), avg = new Curve(c.xs, ema(c.ys)).thin();
            ch.add(new SvgLineChart.Series(title, raw.xs, raw.ys, color, 1.2, 0.3, false));
            ch.add(new SvgLineChart.Series("smoothed (EMA)", avg.xs, avg.ys, color, 2.2, 1.0, false));
        } else {
            Curve t = c.thin();
            double width = t.size() > 200 ? 1.4 : 2.0; // dense lines turn into a solid band when thick
            ch.add(new SvgLineChart.Series(title, t.xs, t.ys, color, width, 1.0, markers || t.size() <= 40));
        }
        return ch.toSvg();
    }

    /** Curves with at least this many points get a smoothed line (the loss from 10: it is always noisy). */
    static final int SMOOTH_FROM = 200;

    /**
     * Exponential moving average with bias correction (as TensorBoard's smoothing), averaging over about a
     * fortieth of the run, so that both a few hundred and a hundred thousand noisy steps show a readable trend.
     * Non-finite values are passed over.
     */
    static double[] ema(double[] ys) {
        double window = Math.max(1, ys.length / 40.0); // about 2.5% of the run
        double w = Math.min(0.9995, 1 - 1 / window);
        double[] out = new double[ys.length];
        double acc = 0, norm = 0;
        for (int i = 0; i < ys.length; i++) {
            if (!Double.isFinite(ys[i])) { out[i] = Double.NaN; continue; }
            acc = w * acc + (1 - w) * ys[i];
            norm = w * norm + (1 - w);
            out[i] = acc / norm;
        }
        return out;
    }

    /** The (step, value) pairs of one key, in log order; records without a numeric step or value are left out. */
    record Curve(double[] xs, double[] ys) {
        int size() { return xs.length; }

        /**
         * At most {@link #MAX_POINTS} points, so a long run does not make a page of many megabytes: the points are
         * cut into buckets and each bucket keeps its lowest and highest value, so spikes stay visible.
         */
        Curve thin() {
            if (size() <= MAX_POINTS) return this;
            int buckets = MAX_POINTS / 2;
            double[] tx = new double[MAX_POINTS], ty = new double[MAX_POINTS];
            int n = 0;
            for (int b = 0; b < buckets; b++) {
                int from = (int) ((long) b * size() / buckets), to = (int) ((long) (b + 1) * size() / buckets);
                int lo = -1, hi = -1;
                for (int i = from; i < to; i++) {
                    if (!Double.isFinite(ys[i])) continue;
                    if (lo < 0 || ys[i] < ys[lo]) lo = i;
                    if (hi < 0 || ys[i] > ys[hi]) hi = i;
                }
                if (lo < 0) continue;
                int first = Math.min(lo, hi), second = Math.max(lo, hi);
                tx[n] = xs[first]; ty[n++] = ys[first];
                if (second != first) { tx[n] = xs[second]; ty[n++] = ys[second]; }
            }
            return new Curve(Arrays.copyOf(tx, n), Arrays.copyOf(ty, n));
        }
    }

    /** Most points drawn per curve; see {@link Curve#thin}. */
    static final int MAX_POINTS = 4000;

    static Curve curve(List<Map<String, Object>> metrics, String key) {
        List<double[]> pts = new ArrayList<>();
        for (Map<String, Object> r : metrics) {
            if (!(r.get(key) instanceof Number v) || !(r.get(STEP) instanceof Number s)) continue;
            pts.add(new double[]{s.doubleValue(), v.doubleValue()});
        }
        double[] xs = new double[pts.size()], ys = new double[pts.size()];
        for (int i = 0; i < xs.length; i++) { xs[i] = pts.get(i)[0]; ys[i] = pts.get(i)[1]; }
        return new Curve(xs, ys);
    }

    private static String summary(List<Map<String, Object>> metrics, Curve loss) {
        if (metrics.isEmpty()) return "no metrics logged";
        double last = Double.NaN;
        for (Map<String, Object> r : metrics) {
            double s = MetricsLog.number(r, STEP);
            if (Double.isFinite(s)) last = Double.isNaN(last) ? s : Math.max(last, s);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(metrics.size()).append(metrics.size() == 1 ? " record" : " records");
        if (!Double.isNaN(last)) sb.append(", last step ").append(SvgLineChart.formatNumber(last));
        if (loss.size() > 0) sb.append(", last loss ").append(SvgLineChart.formatNumber(loss.ys[loss.size() - 1]));
        return sb.toString();
    }

    private static String esc(String s) {
        return SvgLineChart.esc(s);
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f4f5f7; color: #222;
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
            header { margin-bottom: 8px; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 16px; margin: 28px 0 10px; color: #333; border-bottom: 1px solid #dde;
                 padding-bottom: 4px; }
            .run { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; color: #444;
                   word-break: break-all; }
            .meta { color: #777; font-size: 12px; margin-top: 2px; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
            figure { margin: 0; background: #fff; border: 1px solid #e1e3e8; border-radius: 8px; padding: 6px;
                     box-shadow: 0 1px 2px rgba(0,0,0,.04); }
            svg.chart { display: block; width: 100%; height: auto;
                        font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
            svg.chart circle:hover { r: 5; }
            table.final { border-collapse: collapse; background: #fff; border: 1px solid #e1e3e8; border-radius: 8px;
                          min-width: 360px; }
            table.final th, table.final td { padding: 5px 14px; border-bottom: 1px solid #eef0f3; text-align: left; }
            table.final th { background: #f8f9fb; font-weight: 600; color: #444; }
            table.final td.num { text-align: right; font-variant-numeric: tabular-nums;
                                 font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            table.final tr:last-child td { border-bottom: none; }
            pre.config { background: #fff; border: 1px solid #e1e3e8; border-radius: 8px; padding: 12px 14px;
                         overflow-x: auto; font-size: 12.5px; line-height: 1.4; }
            .empty { color: #888; font-style: italic; }
            footer { margin-top: 30px; color: #999; font-size: 12px; }
            """;
}
