package dev.t5j.engine;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall-clock time per module kind, from t5j's own timers ({@link System#nanoTime} around module forwards, backward,
 * optimizer update, data). libtorch runs CPU ops eagerly, so the time around a forward is the time of its ops.
 *
 * <p>Times are exclusive: a timed region nested in another (the layer norm inside self-attention) is counted only in
 * its own kind. Off unless {@code T5J_PROFILE=1} or {@link #enable()}; when off, {@link #start()} and
 * {@link #stop} are a single static flag check and no timer state exists. Only the thread that opened the first
 * region after a reset (the benchmark, training or decoding loop) is timed; regions opened on other threads are
 * ignored, which keeps the nesting stack consistent.
 */
public final class Profiler {
    /** What a timed region is. Position bias and masks count with self-attention. */
    public enum Kind {
        EMBEDDING("embedding"), SELF_ATTENTION("self-attention + position bias"), CROSS_ATTENTION("cross-attention"),
        FEED_FORWARD("feed-forward"), LAYER_NORM("layer norm"), LM_HEAD_LOSS("lm head + loss"),
        BACKWARD("backward"), OPTIMIZER("optimizer update"), DATA("data");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One row of a report: a kind, its exclusive time and its share of the measured total. */
    public record Row(String label, double millis, double percent) {}

    private static volatile boolean on = "1".equals(System.getenv("T5J_PROFILE"));
    /** Exclusive nanoseconds per kind; null while off. */
    private static long[] totals;
    /** Nanoseconds of timed children per open region (a stack, depth = {@link #depth}). */
    private static long[] childNanos;
    private static int depth;
    /** The thread being timed; null until the first region after a reset. */
    private static Thread owner;

    private Profiler() {}

    public static boolean enabled() {
        return on;
    }

    /** Turns timers on and clears them. */
    public static synchronized void enable() {
        on = true;
        reset();
    }

    /** Turns timers off and drops their state. */
    public static synchronized void disable() {
        on = false;
        totals = null;
        childNanos = null;
        depth = 0;
        owner = null;
    }

    /** Clears the accumulated times (e.g. after a warm-up step); a no-op while off. */
    public static synchronized void reset() {
        if (!on) return;
        totals = new long[Kind.values().length];
        childNanos = new long[64];
        depth = 0;
        owner = null;
    }

    /** Opens a region; returns its start time, or 0 when profiling is off. Pair with {@link #stop}. */
    public static long start() {
        if (!on) return 0;
        if (totals == null) reset();
        if (owner == null) owner = Thread.currentThread();
        else if (owner != Thread.currentThread()) return 0;
        if (depth < childNanos.length) childNanos[depth] = 0;
        depth++;
        return System.nanoTime();
    }

    /** Closes the region opened by {@code start}, adding its time less its timed children to {@code kind}. */
    public static void stop(Kind kind, long start) {
        if (!on || start == 0 || totals == null || depth == 0 || owner != Thread.currentThread()) return;
        long elapsed = System.nanoTime() - start;
        depth--;
        long children = depth < childNanos.length ? childNanos[depth] : 0;
        totals[kind.ordinal()] += Math.max(0, elapsed - children);
        if (depth > 0 && depth - 1 < childNanos.length) childNanos[depth - 1] += elapsed;
    }

    /** Exclusive milliseconds per kind seen so far, or null while off (no timer state). */
    public static synchronized Map<Kind, Double> millis() {
        if (!on || totals == null) return null;
        Map<Kind, Double> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) if (totals[k.ordinal()] > 0) m.put(k, totals[k.ordinal()] / 1e6);
        return m;
    }

    /**
     * Rows per kind as a share of {@code totalMillis} (the measured step or decoding time), plus an "other
     * (untimed)" row for the rest; null while off.
     */
    public static List<Row> rows(double totalMillis) {
        Map<Kind, Double> m = millis();
        if (m == null) return null;
        List<Row> rows = new ArrayList<>();
        double sum = 0;
        for (Map.Entry<Kind, Double> e : m.entrySet()) {
            rows.add(new Row(e.getKey().label, e.getValue(), 100 * e.getValue() / totalMillis));
            sum += e.getValue();
        }
        double rest = Math.max(0, totalMillis - sum);
        rows.add(new Row("other (untimed)", rest, 100 * rest / totalMillis));
        return rows;
    }

    /** Prints {@link #rows} under {@code title}; prints nothing while off. */
    public static void print(PrintStream out, String title, double totalMillis) {
        List<Row> rows = rows(totalMillis);
        if (rows != null) print(out, title, totalMillis, rows);
    }

    /** Prints a table of {@code rows} (from {@link #rows}) under {@code title}. */
    public static void print(PrintStream out, String title, double totalMillis, List<Row> rows) {
        out.printf(Locale.ROOT, "profile: %s (%.1f ms)%n", title, totalMillis);
        for (Row r : rows) out.printf(Locale.ROOT, "  %-32s %10.2f ms %6.1f%%%n", r.label(), r.millis(), r.percent());
    }
}
