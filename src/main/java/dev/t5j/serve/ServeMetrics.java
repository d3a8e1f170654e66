package dev.t5j.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics (text exposition format 0.0.4): requests by endpoint and status, request latency
 * and decode batch-size histograms, generated tokens (a counter, and a rate over the last {@link #RATE_WINDOW_NS}),
 * queue depth and running sequences.
 */
final class ServeMetrics {
    static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};
    static final long RATE_WINDOW_NS = 10_000_000_000L;

    private final Map<String, AtomicLong> requests = new TreeMap<>();
    private final Histogram latency = new Histogram(LATENCY_BUCKETS);
    private final Histogram batch = new Histogram(BATCH_BUCKETS);
    private final AtomicLong tokens = new AtomicLong();
    private final long[] windowTokens = new long[10]; // tokens per second slot of the last 10 s
    private final long[] windowSecond = new long[10];
    private final IntSupplier queueDepth;
    private final IntSupplier running;

    ServeMetrics(IntSupplier queueDepth, IntSupplier running) {
        this.queueDepth = queueDepth;
        this.running = running;
    }

    void request(String endpoint, int status, double seconds) {
        String key = "endpoint=\"" + endpoint + "\",status=\"" + status + "\"";
        synchronized (requests) {
            requests.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        }
        latency.observe(seconds);
    }

    void step(int batchSize, int produced) {
        batch.observe(batchSize);
        tokens.addAndGet(produced);
        long sec = System.nanoTime() / 1_000_000_000L;
        synchronized (windowTokens) {
            int slot = (int) (sec % windowTokens.length);
            if (windowSecond[slot] != sec) {
                windowSecond[slot] = sec;
                windowTokens[slot] = 0;
            }
            windowTokens[slot] += produced;
        }
    }

    /** Generated tokens per second over the last 10 s. */
    double tokensPerSecond() {
        long now = System.nanoTime() / 1_000_000_000L;
        long sum = 0;
        synchronized (windowTokens) {
            for (int i = 0; i < windowTokens.length; i++)
                if (now - windowSecond[i] < windowTokens.length) sum += windowTokens[i];
        }
        return sum / (double) windowTokens.length;
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP t5j_requests_total HTTP requests by endpoint and status.\n")
                .append("# TYPE t5j_requests_total counter\n");
        synchronized (requests) {
            requests.forEach((k, v)
                    -> sb.append("t5j_requests_total{").append(k).append("} ").append(v.get()).append('\n'));
        }
        latency.render(sb, "t5j_request_duration_seconds", "Request latency.");
        batch.render(sb, "t5j_batch_size", "Sequences decoded together, per decoding step.");
        sb.append("# HELP t5j_generated_tokens_total Tokens generated.\n# TYPE t5j_generated_tokens_total counter\n")
                .append("t5j_generated_tokens_total ").append(tokens.get()).append('\n');
        sb.append("# HELP t5j_tokens_per_second Tokens generated per second over the last 10 s.\n")
                .append("# TYPE t5j_tokens_per_second gauge\n")
                .append(String.format(Locale.ROOT, "t5j_tokens_per_second %.3f%n", tokensPerSecond()));
        sb.append("# HELP t5j_queue_depth Requests waiting to join the batch.\n# TYPE t5j_queue_depth gauge\n")
                .append("t5j_queue_depth ").append(queueDepth.getAsInt()).append('\n');
        sb.append("# HELP t5j_running_sequences Sequences in the running batch.\n# TYPE t5j_running_sequences gauge\n")
                .append("t5j_running_sequences ").append(running.getAsInt()).append('\n');
        return sb.toString();
    }

    /** A cumulative Prometheus histogram. */
    static final class Histogram {
        final double[] bounds;
        final AtomicLongArray counts;
        final AtomicLong count = new AtomicLong();
        private double sum;

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new AtomicLongArray(bounds.length);
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) if (v <= bounds[i]) counts.incrementAndGet(i);
            count.incrementAndGet();
            synchronized (this) {
                sum += v;
            }
        }

        void render(StringBuilder sb, String name, String help) {
            sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
            sb.append("# TYPE ").append(name).append(" histogram\n");
            for (int i = 0; i < bounds.length; i++)
                sb.append(name).append("_bucket{le=\"").append(fmt(bounds[i])).append("\"} ")
                        .append(counts.get(i)).append('\n');
            sb.append(name).append("_bucket{le=\"+Inf\"} ").append(count.get()).append('\n');
            synchronized (this) {
                sb.append(name).append("_sum ").append(fmt(sum)).append('\n');
            }
            sb.append(name).append("_count ").append(count.get()).append('\n');
        }

        static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
