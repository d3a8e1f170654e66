package dev.t5j.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class RunReportTest {
    @TempDir
    Path dir;

    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);
    private static final Pattern POLY =
            Pattern.compile("<polyline\\b[^>]*data-series=\"([^\"]*)\"[^>]*points=\"([^\"]*)\"");
    private static final Pattern VIEWBOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");

    /** A small synthetic run: loss falling from ~10, warm-up then decay lr, eval every 10 steps on two tasks. */
    static List<Map<String, Object>> syntheticRun(int steps, int evalEvery) {
        List<Map<String, Object>> out = new ArrayList<>();
        java.util.Random rng = new java.util.Random(3);
        for (int s = 1; s <= steps; s++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("step", (long) s);
            r.put("loss", 0.05 + 9.5 * Math.exp(-s / 15.0) * (1 + 0.3 * rng.nextGaussian()) + 0.02 * rng.nextDouble());
            r.put("lr", 1e-2 * Math.min(1, s / 10.0) / Math.sqrt(Math.max(s, 10) / 10.0));
            r.put("grad_norm", 0.5 + 3 * Math.exp(-s / 20.0) + 0.1 * rng.nextDouble());
            r.put("tokens_per_sec", 4800.0 + 300 * rng.nextDouble());
            out.add(r);
            if (s % evalEvery == 0) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("step", (long) s);
                e.put("eval/reverse/accuracy", Math.min(1, s / (double) steps * 1.1));
                e.put("eval/sort/accuracy", 0.8 * s / steps);
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** Series name → its polyline's points (x, y pairs), after checking every point lies inside the chart. */
    private static Map<String, double[][]> polylines(String svg) {
        Matcher vb = VIEWBOX.matcher(svg);
        assertTrue(vb.find());
        double w = Double.parseDouble(vb.group(1)), h = Double.parseDouble(vb.group(2));
        Map<String, double[][]> out = new LinkedHashMap<>();
        Matcher m = POLY.matcher(svg);
        while (m.find()) {
            String pts = m.group(2).trim();
            String[] parts = pts.isEmpty() ? new String[0] : pts.split(" ");
            double[][] xy = new double[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                String[] c = parts[i].split(",");
                xy[i] = new double[]{Double.parseDouble(c[0]), Double.parseDouble(c[1])};
                assertTrue(xy[i][0] >= 0 && xy[i][0] <= w && xy[i][1] >= 0 && xy[i][1] <= h, "outside: " + parts[i]);
            }
            out.put(m.group(1), xy);
        }
        return out;
    }

    private static String title(String svg) {
        Matcher m = Pattern.compile("aria-label=\"([^\"]*)\"").matcher(svg);
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void oneChartPerCurveWithOnePointPerRecord() {
        List<Map<String, Object>> run = syntheticRun(60, 10);
        String html = RunReport.render("runs/demo", run, Map.of("eval/reverse/accuracy", 1.0, "loss", 0.07),
                "steps: 60\n");
        List<String> svgs = svgs(html);
        assertEquals(List.of("Training loss", "Learning rate", "Gradient norm", "Throughput",
                "eval/reverse/accuracy", "eval/sort/accuracy"), svgs.stream().map(RunReportTest::title).toList());

        Map<String, double[][]> loss = polylines(svgs.get(0));
        assertEquals(List.of("loss", "smoothed (EMA)"), List.copyOf(loss.keySet()));
        assertEquals(60, loss.get("loss").length);
        assertEquals(60, loss.get("smoothed (EMA)").length);
        assertTrue(svgs.get(0).contains("(log scale)"), "loss from ~10 to ~0.05 is drawn on a log axis");
        assertTrue(svgs.get(0).contains("class=\"legend\""));
        assertEquals(60, polylines(svgs.get(1)).get("Learning rate").length);
        assertEquals(6, polylines(svgs.get(4)).get("eval/reverse/accuracy").length);
        assertEquals(6, polylines(svgs.get(5)).get("eval/sort/accuracy").length);

        // x grows with step; accuracy rises, so y (pixels, downwards) falls.
        double[][] acc = polylines(svgs.get(4)).get("eval/reverse/accuracy");
        for (int i = 1; i < acc.length; i++) {
            assertTrue(acc[i][0] > acc[i - 1][0]);
            assertTrue(acc[i][1] <= acc[i - 1][1]);
        }
        // Eval charts are sparse: one circle with a tooltip per point.
        assertEquals(6, svgs.get(4).split("<circle", -1).length - 1);

        assertTrue(html.contains("<td>eval/reverse/accuracy</td><td class=\"num\">1</td>"), html);
        assertTrue(html.contains("<td>loss</td><td class=\"num\">0.07</td>"));
        assertTrue(html.contains("<pre class=\"config\">steps: 60\n</pre>"));
    }

    @Test
    void selfContainedAndEscaped() {
        List<Map<String, Object>> run = new ArrayList<>(syntheticRun(20, 10));
        run.add(new LinkedHashMap<>(Map.of("step", 20L, "eval/<b>&co/acc", 0.5)));
        String config = "name: x</pre><script>alert('hi')</script>\n";
        String html = RunReport.render("run <x> & \"y\"", run, Map.of("<img src=x>", 1.5), config);
        assertFalse(html.contains("<script"), "no scripts at all, and none smuggled in via the config");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;"));
        assertTrue(html.contains("name: x&lt;/pre&gt;"));
        assertFalse(html.contains("<img"));
        assertFalse(html.contains("<b>"));
        assertTrue(html.contains("eval/&lt;b&gt;&amp;co/acc"));
        assertTrue(html.contains("run &lt;x&gt; &amp; &quot;y&quot;"));
        // Nothing fetched: the only URL is the SVG namespace identifier.
        assertEquals(List.of(), Pattern.compile("(?:https?:|<[a-zA-Z][^>]*\\s(?:src|href)=|@import|url\\()").matcher(
                html.replace("xmlns=\"http://www.w3.org/2000/svg\"",
                        "")).results().map(java.util.regex.MatchResult::group).toList());
    }

    @Test
    void noEvalMetricsAndSinglePoint() {
        List<Map<String, Object>> run = List.of(new LinkedHashMap<>(Map.of("step", 1L, "loss", 3.25, "lr", 1e-3)));
        String html = RunReport.render("r", run, Map.of(), "");
        List<String> svgs = svgs(html);
        assertEquals(List.of("Training loss", "Learning rate"), svgs.stream().map(RunReportTest::title).toList());
        assertTrue(html.contains("No evaluation metrics"));
        assertTrue(html.contains("No final metrics"));
        assertTrue(html.contains("(no config recorded)"));
        for (String svg : svgs) {
            Map<String, double[][]> p = polylines(svg);
            assertEquals(1, p.size());
            assertEquals(1, p.values().iterator().next().length);
            assertTrue(svg.contains("<circle"), "a lone point is drawn as a dot");
            assertFalse(svg.contains("NaN") || svg.contains("Infinity"));
            assertTrue(svg.contains(": 3.25</title>") || svg.contains(": 0.001</title>"), svg);
        }
    }

    @Test
    void nonFiniteValuesAreSkippedAndConstantSeriesIsDrawn() {
        List<Map<String, Object>> run = new ArrayList<>();
        for (long s = 1; s <= 12; s++) {
            double loss = s == 4 ? Double.NaN : s == 7 ? Double.POSITIVE_INFINITY : 2.0;
            run.add(new LinkedHashMap<>(Map.of("step", s, "loss", loss, "lr", 5e-4)));
        }
        List<String> svgs = svgs(RunReport.render("r", run, Map.of("loss", Double.NaN), "cfg"));
        Map<String, double[][]> loss = polylines(svgs.get(0));
        assertEquals(10, loss.get("loss").length);
        assertEquals(10, loss.get("smoothed (EMA)").length);
        assertFalse(svgs.get(0).contains("(log scale)"));
        // Constant series: a flat line, placed strictly inside the plot (not on an edge, not divided by zero).
        double[][] lr = polylines(svgs.get(1)).get("Learning rate");
        assertEquals(12, lr.length);
        for (double[] p : lr) assertEquals(lr[0][1], p[1], 1e-9);
        assertTrue(svgs.get(1).contains(">5e-4<") || svgs.get(1).contains("5.0e-4"), svgs.get(1));
    }

    @Test
    void emptyRunStillRenders() {
        String html = RunReport.render("r", List.of(), Map.of(), "x: 1");
        List<String> svgs = svgs(html);
        assertEquals(1, svgs.size());
        assertTrue(svgs.get(0).contains("no finite values to plot"));
        assertTrue(html.contains("no metrics logged"));
    }

    @Test
    void writesReportFromMetricsFile() throws IOException {
        try (MetricsLog log = new MetricsLog(dir)) {
            for (Map<String, Object> r : syntheticRun(30, 10)) log.log(r);
        }
        Path out = RunReport.write(dir, Map.of("eval/reverse/accuracy", 1.0), "model: tiny\n");
        assertEquals(dir.resolve(RunReport.FILE_NAME), out);
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"));
        assertEquals(6, svgs(html).size());
        assertEquals(30, polylines(svgs(html).get(0)).get("loss").length);
        try (var s = Files.list(dir)) { // written atomically: no temp files left
            assertEquals(2, s.count());
        }
    }

    @Test
    void longRunsAreThinnedButKeepSpikes() {
        List<Map<String, Object>> run = new ArrayList<>();
        for (long s = 1; s <= 10_000; s++) {
            double g = s == 5_003 ? 100.0 : s == 7_777 ? 0.0 : 1.0 + 0.01 * (s % 7);
            run.add(new LinkedHashMap<>(Map.of("step", s, "loss", 2.0 + 0.001 * (s % 13), "grad_norm", g)));
        }
        String html = RunReport.render("r", run, Map.of(), "");
        assertTrue(html.length() < 1_000_000, "page size " + html.length());
        List<String> svgs = svgs(html);
        Map<String, double[][]> loss = polylines(svgs.get(0));
        assertTrue(loss.get("loss").length <= RunReport.MAX_POINTS
                && loss.get("loss").length > RunReport.MAX_POINTS / 2);
        double[][] gn = polylines(svgs.get(1)).get("Gradient norm");
        assertTrue(gn.length <= RunReport.MAX_POINTS);
        double top = Double.MAX_VALUE, bottom = 0;
        for (double[] p : gn) { top = Math.min(top, p[1]); bottom = Math.max(bottom, p[1]); }
        // The one-step spike to 100 reaches the top of the axis (0..100) and the dip to 0 its bottom.
        assertEquals(40.0, top, 0.01);
        assertEquals(320 - 46.0, bottom, 0.01);
    }

    @Test
    void emaIsDebiasedAndSkipsNonFinite() {
        double[] e = RunReport.ema(new double[]{4, 4, Double.NaN, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4});
        assertEquals(4.0, e[0], 1e-12); // no pull towards zero at the start
        assertTrue(Double.isNaN(e[2]));
        assertEquals(4.0, e[19], 1e-12);
    }
}
