package dev.t5j.common;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long work: done/total, rate and ETA, redrawn at most a few times a second on stderr.
 * Thread-safe; {@link #step(long)} is cheap enough to call per item.
 */
public final class Progress implements AutoCloseable {
    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final boolean enabled;
    private long done;
    /** Units done before this process started (a resumed run): not counted in the rate. */
    private long before;
    private long lastDraw;
    private String extra = "";
    /** On a terminal the line is redrawn in place; in logs a full line is printed every few seconds instead. */
    private final boolean tty = System.console() != null;

    public Progress(String label, long total, String unit) {
        this(label, total, unit, System.err, !Boolean.getBoolean("t5j.quiet"));
    }

    public Progress(String label, long total, String unit, PrintStream out, boolean enabled) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.enabled = enabled;
    }

    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        long every = tty ? 250_000_000L : 10_000_000_000L;
        if (now - lastDraw > every || (total > 0 && done >= total && tty)) {
            lastDraw = now;
            draw(false);
        }
    }

    /** Extra text shown after the rate (e.g. "loss 2.31"). */
    public synchronized void setExtra(String extra) {
        this.extra = extra == null ? "" : extra;
    }

    public synchronized long done() {
        return done;
    }

    /** Continues counting at {@code done} (a resumed run): the rate and ETA count only the units done from here. */
    public synchronized void resumeAt(long done) {
        this.done = done;
        this.before = done;
    }

    public synchronized double ratePerSecond() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        return secs > 0 ? (done - before) / secs : 0;
    }

    private void draw(boolean last) {
        if (!enabled) return;
        double rate = ratePerSecond();
        String line;
        if (total > 0) {
            double eta = rate > 0 ? (total - done) / rate : Double.NaN;
            line = String.format(Locale.ROOT, "%s %d/%d %s (%.1f%%) %.1f %s/s ETA %s %s", label, done, total, unit,
                    100.0 * done / total, rate, unit, formatSeconds(eta), extra);
        } else {
            line = String.format(Locale.ROOT, "%s %d %s %.1f %s/s %s", label, done, unit, rate, unit, extra);
        }
        if (tty) out.print("\r" + line.stripTrailing() + (last ? "\n" : ""));
        else out.println(line.stripTrailing());
        out.flush();
    }

    public static String formatSeconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) return "?";
        long t = Math.round(s);
        if (t >= 3600) return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
        if (t >= 60) return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        return t + "s";
    }

    @Override
    public synchronized void close() {
        draw(true);
    }
}
