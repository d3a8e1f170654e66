package dev.t5j.run;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart rendered as inline SVG text, so a run report is one self-contained HTML file that opens from
 * {@code file://} with no scripts, styles or fonts fetched from anywhere.
 *
 * <p>Each series becomes one {@code <polyline>} with exactly one point per finite data point (NaN and infinite
 * values are skipped, as are non-positive values on a log axis); sparse series also get a circle per point with a
 * hover tooltip, and a lone point is always drawn as a circle since a one-point polyline is invisible.
 */
public final class SvgLineChart {
    /** One line: x and y of equal length; {@code markers} draws a circle at every point. */
    public record Series(String name, double[] xs, double[] ys, String color, double strokeWidth, double opacity,
                         boolean markers) {
        public Series {
            if (xs.length != ys.length) throw new IllegalArgumentException("xs and ys differ in length");
        }

        public static Series of(String name, double[] xs, double[] ys, String color) {
            return new Series(name, xs, ys, color, 2.0, 1.0, xs.length <= 40);
        }
    }

    /** Colour-blind-friendly palette (Okabe-Ito order, darkened slightly for thin lines on white). */
    public static final String[] PALETTE = {"#0b6fb8", "#d55e00", "#009e73", "#cc79a7", "#7a5c00", "#56b4e9",
            "#555555"};

    private static final double MARGIN_LEFT = 66, MARGIN_RIGHT = 18, MARGIN_TOP = 40, MARGIN_BOTTOM = 46;

    private final String title;
    private String xLabel = "step";
    private String yLabel = "";
    private boolean logY;
    private boolean includeZero;
    private int width = 560, height = 320;
    private final List<Series> series = new ArrayList<>();

    public SvgLineChart(String title) {
        this.title = title;
    }

    public SvgLineChart xLabel(String s) { xLabel = s; return this; }

    public SvgLineChart yLabel(String s) { yLabel = s; return this; }

    public SvgLineChart logY(boolean b) { logY = b; return this; }

    /**
     * Stretches a linear y axis to reach 0, so small changes in a large value (throughput, accuracy) are not
     * exaggerated.
     */
    public SvgLineChart includeZero(boolean b) { includeZero = b; return this; }

    public SvgLineChart size(int w, int h) { width = w; height = h; return this; }

    public SvgLineChart add(Series s) { series.add(s); return this; }

    /** True when a point can be drawn on this chart's axes. */
    private boolean usable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }

    public String toSvg() {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                double x = s.xs()[i], y = s.ys()[i];
                if (!usable(x, y)) continue;
                xMin = Math.min(xMin, x); xMax = Math.max(xMax, x);
                yMin = Math.min(yMin, y); yMax = Math.max(yMax, y);
            }
        }
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"#ffffff\"/>\n");
        sb.append("<text x=\"").append(fmt(MARGIN_LEFT))
                .append("\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">")
                .append(esc(title)).append(logY
                        ? " <tspan fill=\"#888\" font-weight=\"400\" font-size=\"12\">(log scale)</tspan>" : "")
                .append("</text>\n");
        double pl = MARGIN_LEFT, pr = width - MARGIN_RIGHT, pt = MARGIN_TOP, pb = height - MARGIN_BOTTOM;
        if (xMin > xMax) {
            sb.append("<rect x=\"").append(fmt(pl)).append("\" y=\"").append(fmt(pt)).append("\" width=\"")
                    .append(fmt(pr - pl))
                    .append("\" height=\"").append(fmt(pb - pt)).append("\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n");
            sb.append("<text x=\"").append(fmt((pl + pr) / 2)).append("\" y=\"").append(fmt((pt + pb) / 2))
                    .append("\" text-anchor=\"middle\" font-size=\"13\" fill=\"#888\">no finite values to " +
                            "plot</text>\n");
            return sb.append("</svg>\n").toString();
        }
        if (includeZero && !logY) { yMin = Math.min(yMin, 0); yMax = Math.max(yMax, 0); }
        boolean integralX = true; // steps: no fractional ticks like 0.95 around a lone point at step 1
        for (Series s : series) for (double x : s.xs()) if (Double.isFinite(x) && x != Math.rint(x)) integralX = false;
        Axis xa = Axis.linear(xMin, xMax, Math.max(2, (int) ((pr - pl) / 90)), integralX);
        Axis ya = logY ? Axis.log(yMin, yMax) : Axis.linear(yMin, yMax, Math.max(2, (int) ((pb - pt) / 45)), false);

        // Grid and tick labels first so the lines draw on top.
        sb.append("<g font-size=\"11\" fill=\"#555\">\n");
        for (int i = 0; i < ya.ticks.length; i++) {
            double y = pb - ya.frac(ya.ticks[i]) * (pb - pt);
            sb.append("<line x1=\"").append(fmt(pl)).append("\" x2=\"").append(fmt(pr)).append("\" y1=\"")
                    .append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e6e6e6\"/>");
            sb.append("<text x=\"").append(fmt(pl - 6)).append("\" y=\"").append(fmt(y
                    + 4)).append("\" text-anchor=\"end\">")
                    .append(esc(ya.labels[i])).append("</text>\n");
        }
        for (int i = 0; i < xa.ticks.length; i++) {
            double x = pl + xa.frac(xa.ticks[i]) * (pr - pl);
            sb.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"").append(fmt(pt))
                    .append("\" y2=\"").append(fmt(pb)).append("\" stroke=\"#eeeeee\"/>");
            sb.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(pb
                    + 16)).append("\" text-anchor=\"middle\">")
                    .append(esc(xa.labels[i])).append("</text>\n");
        }
        sb.append("</g>\n");
        sb.append("<path d=\"M").append(fmt(pl)).append(',').append(fmt(pt)).append(" V").append(fmt(pb)).append(" H")
                .append(fmt(pr)).append("\" fill=\"none\" stroke=\"#888\"/>\n");
        sb.append("<text x=\"").append(fmt((pl + pr) / 2)).append("\" y=\"").append(fmt(height - 8))
                .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444\">").append(esc(xLabel))
                        .append("</text>\n");
        if (!yLabel.isEmpty()) {
            sb.append("<text transform=\"translate(14,").append(fmt((pt
                    + pb) / 2)).append(") rotate(-90)\" text-anchor=\"middle\"")
                    .append(" font-size=\"12\" fill=\"#444\">").append(esc(yLabel)).append("</text>\n");
        }

        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            int n = 0;
            for (int i = 0; i < s.xs().length; i++) {
                double xv = s.xs()[i], yv = s.ys()[i];
                if (!usable(xv, yv)) continue;
                double x = pl + xa.frac(xv) * (pr - pl), y = pb - ya.frac(yv) * (pb - pt);
                if (n++ > 0) pts.append(' ');
                pts.append(fmt(x)).append(',').append(fmt(y));
                dots.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                        .append("\" r=\"3\"><title>")
                        .append(esc(s.name() + " @ " + formatNumber(xv) + ": "
                                + formatNumber(yv))).append("</title></circle>");
            }
            sb.append("<polyline class=\"series\" data-series=\"").append(esc(s.name()))
                    .append("\" fill=\"none\" stroke=\"")
                    .append(esc(s.color())).append("\" stroke-width=\"").append(fmt(s.strokeWidth()))
                    .append("\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
            if (s.opacity() < 1) sb.append(" stroke-opacity=\"").append(fmt(s.opacity())).append('"');
            sb.append(" points=\"").append(pts).append("\"/>\n");
            if (s.markers() || n == 1) {
                sb.append("<g fill=\"").append(esc(s.color())).append("\">").append(dots).append("</g>\n");
            }
        }

        if (series.size() > 1) { // legend, right-aligned in the title row
            double x = pr;
            StringBuilder lg = new StringBuilder();
            for (int i = series.size() - 1; i >= 0; i--) {
                Series s = series.get(i);
                double w = 7 * s.name().length() + 30;
                x -= w;
                lg.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x
                        + 18)).append("\" y1=\"17\" y2=\"17\" stroke=\"")
                        .append(esc(s.color())).append("\" stroke-width=\"3\"")
                        .append(s.opacity() < 1 ? " stroke-opacity=\"" + fmt(Math.max(0.5, s.opacity())) + "\""
                                : "").append("/>");
                lg.append("<text x=\"").append(fmt(x + 23)).append("\" y=\"21\">").append(esc(s.name()))
                        .append("</text>");
            }
            sb.append("<g class=\"legend\" font-size=\"12\" fill=\"#333\">").append(lg).append("</g>\n");
        }
        return sb.append("</svg>\n").toString();
    }

    /** Tick positions and labels for one axis, with the (possibly widened) range they cover. */
    private record Axis(double lo, double hi, boolean log, double[] ticks, String[] labels) {
        double frac(double v) {
            return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        }

        static Axis linear(double min, double max, int maxTicks, boolean integral) {
            if (min == max) { // constant series or single point: give it room around the value
                double pad = integral || min == 0 ? 1 : Math.abs(min) * 0.1;
                min = integral && min >= 0 ? Math.max(0, min - pad) : min - pad;
                max += pad;
            }
            double step = niceStep((max - min) / maxTicks);
            if (integral) step = step < 1 ? 1 : step == 2.5 ? 2 : step;
            double lo = Math.floor(min / step + 1e-9) * step, hi = Math.ceil(max / step - 1e-9) * step;
            int n = (int) Math.round((hi - lo) / step) + 1;
            double[] t = new double[n];
            for (int i = 0; i < n; i++) t[i] = lo + i * step;
            return new Axis(lo, hi, false, t, labels(t, step));
        }

        static Axis log(double min, double max) {
            int e0 = (int) Math.floor(Math.log10(min)), e1 = (int) Math.ceil(Math.log10(max));
            if (e1 == e0) e1++;
            List<Double> t = new ArrayList<>();
            // Few decades: add 2x and 5x ticks so the axis still has enough labels.
            double[] mult = e1 - e0 <= 2 ? new double[]{1, 2, 5} : new double[]{1};
            for (int e = e0; e <= e1; e++) {
                for (double m : mult) {
                    double v = m * Math.pow(10, e);
                    if (e == e1 && m > 1) continue;
                    t.add(v);
                }
            }
            double[] ticks = t.stream().mapToDouble(Double::doubleValue).toArray();
            String[] lab = new String[ticks.length];
            for (int i = 0; i < ticks.length; i++) lab[i] = formatNumber(ticks[i]);
            return new Axis(Math.pow(10, e0), Math.pow(10, e1), true, ticks, lab);
        }

        static double niceStep(double raw) {
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / mag;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
        }

        /** One format for the whole axis: scientific when the values are tiny or huge, else just enough decimals. */
        static String[] labels(double[] t, double step) {
            double maxAbs = 0;
            for (double v : t) maxAbs = Math.max(maxAbs, Math.abs(v));
            String[] out = new String[t.length];
            boolean sci = maxAbs != 0 && (maxAbs < 1e-2 || maxAbs >= 1e7);
            int exp = sci ? (int) Math.floor(Math.log10(maxAbs)) : 0;
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step / Math.pow(10, exp)) - 1e-9));
            for (int i = 0; i < t.length; i++) {
                double v = Math.abs(t[i]) < step * 1e-6 ? 0 : t[i];
                if (sci) {
                    out[i] = v == 0 ? "0" : String.format(Locale.ROOT, "%." + decimals + "fe%d", v / Math.pow(10, exp),
                            exp);
                } else if (maxAbs >= 10_000 && step >= 1000) {
                    out[i] = compactThousands(v, step);
                } else {
                    out[i] = String.format(Locale.ROOT, "%." + decimals + "f", v);
                }
            }
            return out;
        }

        static String compactThousands(double v, double step) {
            if (v == 0) return "0";
            boolean mega = Math.abs(v) >= 1e6 || step >= 1e6;
            double unit = mega ? 1e6 : 1e3;
            int d = Math.max(0, (int) Math.ceil(-Math.log10(step / unit) - 1e-9));
            return String.format(Locale.ROOT, "%." + d + "f%s", v / unit, mega ? "M" : "k");
        }
    }

    /** A compact human form of one value, e.g. for tooltips and tables: 4 significant digits, no trailing zeros. */
    public static String formatNumber(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        double a = Math.abs(v);
        if (a < 1e-3 || a >= 1e7) {
            String s = String.format(Locale.ROOT, "%.3e", v); // e.g. 3.000e-04
            String mant = stripZeros(s.substring(0, s.indexOf('e')));
            int exp = Integer.parseInt(s.substring(s.indexOf('e') + 1));
            return mant + "e" + exp;
        }
        return stripZeros(new BigDecimal(v).round(new MathContext(4)).toPlainString());
    }

    private static String stripZeros(String s) {
        if (!s.contains(".")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Two decimals are plenty for pixel coordinates and keep the file small. */
    static String fmt(double v) {
        double r = Math.round(v * 100) / 100.0;
        return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
    }

    /** Escapes text for XML/HTML element content and attribute values. */
    public static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // Control characters other than tab/newline are not allowed in XML 1.0.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') sb.append('\uFFFD');
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
