package dev.t5j.run;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class SvgLineChartTest {
    /** The text of every tick label (the 11px group), in document order. */
    private static List<String> tickLabels(String svg) {
        int g = svg.indexOf("<g font-size=\"11\"");
        String grid = svg.substring(g, svg.indexOf("</g>", g));
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(grid);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static double[] range(int n, double from, double step) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = from + i * step;
        return a;
    }

    @Test
    void largeStepsGetCompactLabelsAndTicksCoverTheData() {
        double[] xs = range(101, 0, 1000); // steps 0..100k
        double[] ys = new double[xs.length];
        for (int i = 0; i < ys.length; i++) ys[i] = 3 + Math.sin(i / 7.0);
        List<String> labels = tickLabels(new SvgLineChart("t").add(SvgLineChart.Series.of("s", xs, ys,
                "#000")).toSvg());
        assertTrue(labels.contains("100k") && labels.contains("0"), labels.toString());
        assertTrue(labels.contains("2.0") && labels.contains("4.0"), labels.toString()); // y: 2..4 in steps of 0.5
    }

    @Test
    void lonePointAtAStepGetsWholeStepTicks() {
        List<String> labels = tickLabels(new SvgLineChart("t").add(SvgLineChart.Series.of("s", new double[]{1},
                new double[]{3.25}, "#000")).toSvg());
        assertTrue(labels.containsAll(List.of("0", "1", "2")), labels.toString());
        assertFalse(labels.stream().anyMatch(s -> s.startsWith("0.9") || s.equals("-1")), labels.toString());
    }

    @Test
    void tinyValuesUseOneScientificFormat() {
        double[] ys = {1e-4, 5e-4, 1e-3};
        List<String> labels = tickLabels(new SvgLineChart("lr").add(SvgLineChart.Series.of("lr", range(3, 1, 1), ys,
                "#000")).toSvg());
        List<String> y = labels.stream().filter(s -> s.contains("e-")).toList();
        assertTrue(y.size() >= 3, labels.toString());
        assertTrue(y.stream().allMatch(s -> s.endsWith("e-4") || s.endsWith("e-3")), labels.toString());
    }

    @Test
    void logAxisUsesDecadesAndDropsNonPositiveValues() {
        double[] ys = {8, 2, 0.5, 0, -1, 0.05};
        String svg = new SvgLineChart("loss").logY(true).add(SvgLineChart.Series.of("loss", range(6, 1, 1), ys,
                "#000")).toSvg();
        List<String> labels = tickLabels(svg);
        assertTrue(labels.containsAll(List.of("0.01", "0.1", "1", "10")), labels.toString());
        Matcher m = Pattern.compile("points=\"([^\"]*)\"").matcher(svg);
        assertTrue(m.find());
        assertEquals(4, m.group(1).split(" ").length);
    }

    @Test
    void includeZeroStretchesTheAxisDownToZero() {
        double[] ys = {0.90, 0.95, 0.97};
        String plain = new SvgLineChart("a").add(SvgLineChart.Series.of("a", range(3, 1, 1), ys, "#000")).toSvg();
        String zero = new SvgLineChart("a").includeZero(true).add(SvgLineChart.Series.of("a", range(3, 1, 1), ys,
                "#000")).toSvg();
        assertFalse(tickLabels(plain).contains("0.0"), tickLabels(plain).toString());
        assertTrue(tickLabels(zero).contains("0.0"), tickLabels(zero).toString());
    }

    @Test
    void numberFormatting() {
        assertEquals("0.5", SvgLineChart.formatNumber(0.5));
        assertEquals("123.5", SvgLineChart.formatNumber(123.456));
        assertEquals("3e-4", SvgLineChart.formatNumber(3e-4));
        assertEquals("1.235e-5", SvgLineChart.formatNumber(1.2345e-5));
        assertEquals("1000", SvgLineChart.formatNumber(1000));
        assertEquals("NaN", SvgLineChart.formatNumber(Double.NaN));
        assertEquals("-inf", SvgLineChart.formatNumber(Double.NEGATIVE_INFINITY));
    }

    @Test
    void escapesMarkupAndControlCharacters() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;\uFFFD", SvgLineChart.esc("<a href=\"x\">&'\u0001"));
    }
}
