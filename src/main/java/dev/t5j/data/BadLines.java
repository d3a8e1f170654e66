package dev.t5j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What to do with malformed input: stop at the first bad line (default) or skip it and count it. Shared by all
 * threads of one run so the CLI can report one total at the end.
 */
public final class BadLines {
    private final boolean skip;
    private final AtomicLong count = new AtomicLong();
    private final List<String> firstMessages = new ArrayList<>();

    public BadLines(boolean skip) {
        this.skip = skip;
    }

    public static BadLines stop() {
        return new BadLines(false);
    }

    public static BadLines skipping() {
        return new BadLines(true);
    }

    /** Records a bad example: throws (stop mode) or counts it (skip mode). */
    public void handle(BadExampleError e) {
        if (!skip) throw e.stopping();
        count.incrementAndGet();
        synchronized (firstMessages) {
            if (firstMessages.size() < 5) firstMessages.add(e.getMessage());
        }
    }

    public long count() {
        return count.get();
    }

    public List<String> firstMessages() {
        synchronized (firstMessages) {
            return List.copyOf(firstMessages);
        }
    }

    /** One-line summary for the CLI, or null when nothing was skipped. */
    public String summary() {
        long n = count();
        if (n == 0) return null;
        List<String> first = firstMessages();
        return "skipped " + n + " bad line" + (n == 1 ? "" : "s") + (first.isEmpty() ? "" : " (first: "
                + first.get(0) + ")");
    }
}
