package dev.t5j.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts for stats.json (seqio's stats.<split>.json plus histograms): examples, and per token feature the number of
 * tokens excluding EOS and PAD ({@code <f>_tokens}, as seqio counts), the maximum length ({@code <f>_max_tokens},
 * EOS included) and a length histogram with power-of-two buckets (bucket {@code b} counts lengths in
 * {@code (b/2, b]}).
 */
public final class CacheStats {
    private long examples;
    private final Map<String, long[]> tokens = new TreeMap<>(); // [tokens excl eos/pad, max length, total length]
    private final Map<String, TreeMap<Integer, Long>> histograms = new TreeMap<>();
    private final int eos;
    private final int pad;

    public CacheStats(int eosId, int padId) {
        this.eos = eosId;
        this.pad = padId;
    }

    public synchronized void add(Example e) {
        examples++;
        for (var en : e.asMap().entrySet()) {
            if (!(en.getValue() instanceof int[] ids)) continue;
            long[] t = tokens.computeIfAbsent(en.getKey(), k -> new long[3]);
            int real = 0;
            for (int id : ids) if (id != eos && id != pad) real++;
            t[0] += real;
            t[1] = Math.max(t[1], ids.length);
            t[2] += ids.length;
            histograms.computeIfAbsent(en.getKey(), k -> new TreeMap<>()).merge(bucket(ids.length), 1L, Long::sum);
        }
    }

    public synchronized void merge(CacheStats o) {
        examples += o.examples;
        o.tokens.forEach((k, v) -> {
            long[] t = tokens.computeIfAbsent(k, x -> new long[3]);
            t[0] += v[0];
            t[1] = Math.max(t[1], v[1]);
            t[2] += v[2];
        });
        o.histograms.forEach((k, h) -> h.forEach((b, c) -> histograms.computeIfAbsent(k, x -> new TreeMap<>()).merge(b,
                c, Long::sum)));
    }

    static int bucket(int len) {
        if (len <= 0) return 0;
        return len == 1 ? 1 : Integer.highestOneBit(len - 1) << 1; // smallest power of two >= len
    }

    int eos() {
        return eos;
    }

    int pad() {
        return pad;
    }

    public synchronized long examples() {
        return examples;
    }

    public synchronized Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", examples);
        tokens.forEach((k, t) -> {
            m.put(k + "_tokens", t[0]);
            m.put(k + "_max_tokens", t[1]);
            m.put(k + "_mean_length", examples == 0 ? 0.0 : Math.round(1000.0 * t[2] / examples) / 1000.0);
        });
        Map<String, Object> h = new LinkedHashMap<>();
        histograms.forEach((k, hist) -> {
            Map<String, Long> b = new LinkedHashMap<>();
            hist.forEach((bound, c) -> b.put("<=" + bound, c));
            h.put(k, b);
        });
        m.put("length_histograms", h);
        return m;
    }
}
