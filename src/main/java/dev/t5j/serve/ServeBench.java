package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.decoding.GenerationConfig;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code t5j bench serve}: a bounded load generator on 127.0.0.1. Starts the server in-process on an ephemeral port,
 * measures the anchor ({@code t5j generate}'s decoder on the same input, alone, in the same run), then for each
 * number of concurrent clients sends {@code requestsPerClient} requests per client back to back and reports
 * throughput (generated tokens/s) and p50/p99 request latency. Every request asks for exactly {@code tokens} tokens
 * ({@code min_new_tokens = max_new_tokens}) so the work per request is fixed.
 */
public final class ServeBench {
    /**
     * @param clients           concurrency levels, e.g. 1, 8, 32
     * @param requestsPerClient requests each client sends at each level
     * @param tokens            tokens generated per request
     * @param input             the prompt every request sends
     */
    public record Config(List<Integer> clients, int requestsPerClient, int tokens, String input) {
        public Config {
            if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1))
                throw new UserError("--clients must list numbers >= 1, got " + clients);
            if (requestsPerClient < 1) throw new UserError("--requests must be >= 1, got " + requestsPerClient);
            if (tokens < 1) throw new UserError("--tokens must be >= 1, got " + tokens);
            if (input == null || input.isEmpty()) throw new UserError("--text must not be empty");
        }
    }

    /** One concurrency level's figures. */
    public record Level(int clients, int requests, double seconds, double tokensPerSecond, double p50Ms,
            double p99Ms) {}

    static final int ANCHOR_RUNS = 5;
    /** Interleaved anchor / one-client request pairs. */
    static final int PAIRS = 11;

    private ServeBench() {}

    /** Best tokens/s of {@link #ANCHOR_RUNS} single-input generations, as {@code t5j generate} runs them. */
    static double anchor(T5j t5, int[] ids, GenerationConfig g, int tokens) {
        double best = 0;
        for (int i = 0; i < ANCHOR_RUNS; i++) {
            long t0 = System.nanoTime();
            t5.generateIds(new int[][] {ids}, g);
            best = Math.max(best, tokens / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }

    public static List<Level> run(T5j t5, Config cfg, PrintStream out) throws Exception {
        int maxClients = cfg.clients().stream().mapToInt(Integer::intValue).max().orElse(1);
        GenerationConfig g = GenerationConfig.greedy(cfg.tokens()).withMinNewTokens(cfg.tokens());
        int[] ids = t5.encode(cfg.input());
        t5.generateIds(new int[][] {ids}, g); // warm-up
        double before = anchor(t5, ids, g, cfg.tokens());
        out.printf(Locale.ROOT, "anchor (t5j generate's decoder, 1 input, best of %d): %.1f tokens/s%n", ANCHOR_RUNS,
                before);
        ServeConfig sc = ServeConfig.local().withLimits(1 << 20, Math.max(512, ids.length), Math.max(512, cfg.tokens()),
                maxClients, Math.max(256, maxClients * 2), 600_000);
        String body = Json.write(Map.of("inputs", cfg.input(), "max_new_tokens", cfg.tokens(),
                "min_new_tokens", cfg.tokens()));
        List<Level> levels = new ArrayList<>();
        double pairedAnchor;
        double pairedServer;
        try (T5jServer server = T5jServer.start(t5, sc)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/generate"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            send(http, req); // warm-up
            // one client against the anchor, interleaved so that a shared machine's load drift hits both alike
            double[] anchorMs = new double[PAIRS];
            double[] serverMs = new double[PAIRS];
            for (int i = 0; i < PAIRS; i++) {
                long t0 = System.nanoTime();
                t5.generateIds(new int[][] {ids}, g);
                anchorMs[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                send(http, req);
                serverMs[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(anchorMs);
            Arrays.sort(serverMs);
            pairedAnchor = percentile(anchorMs, 0.5);
            pairedServer = percentile(serverMs, 0.5);
            out.printf(Locale.ROOT, "1 client vs anchor, %d interleaved pairs: median %.1f ms (server) vs %.1f ms "
                    + "(t5j generate): server at %.0f%% of the anchor's tokens/s%n", PAIRS, pairedServer, pairedAnchor,
                    100 * pairedAnchor / pairedServer);
            out.printf(Locale.ROOT, "%8s %9s %10s %12s %9s %9s%n", "clients", "requests", "seconds", "tokens/s",
                    "p50 ms", "p99 ms");
            for (int c : cfg.clients()) {
                Level l = level(http, req, c, cfg);
                levels.add(l);
                out.printf(Locale.ROOT, "%8d %9d %10.2f %12.1f %9.1f %9.1f%n", l.clients(), l.requests(), l.seconds(),
                        l.tokensPerSecond(), l.p50Ms(), l.p99Ms());
            }
        }
        double after = anchor(t5, ids, g, cfg.tokens());
        out.printf(Locale.ROOT, "anchor again after the levels: %.1f tokens/s%n", after);
        double anchorBest = Math.max(before, after); // the machine may be shared: take the anchor at its best
        double one = levels.get(0).tokensPerSecond();
        for (Level l : levels) {
            out.printf(Locale.ROOT, "%d clients: %.2fx the first level's throughput, %.0f%% of the anchor%n",
                    l.clients(), l.tokensPerSecond() / one, 100 * l.tokensPerSecond() / anchorBest);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("anchor_tokens_per_s", anchorBest);
        json.put("anchor_before", before);
        json.put("anchor_after", after);
        json.put("paired_median_ms_anchor", pairedAnchor);
        json.put("paired_median_ms_server", pairedServer);
        json.put("levels", levels);
        out.println(Json.write(json));
        return levels;
    }

    private static Level level(HttpClient http, HttpRequest req, int clients, Config cfg) throws Exception {
        int total = clients * cfg.requestsPerClient();
        double[] latencies = new double[total];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (Progress p = new Progress("bench serve, " + clients + " clients", total, "requests")) {
            List<Future<?>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int client = c;
                fs.add(pool.submit(() -> {
                    for (int r = 0; r < cfg.requestsPerClient(); r++) {
                        long s = System.nanoTime();
                        send(http, req);
                        latencies[client * cfg.requestsPerClient() + r] = (System.nanoTime() - s) / 1e6;
                        p.step(1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            double sec = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(latencies);
            return new Level(clients, total, sec, (double) total * cfg.tokens() / sec, percentile(latencies, 0.50),
                    percentile(latencies, 0.99));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void send(HttpClient http, HttpRequest req) throws Exception {
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException("the server answered " + res.statusCode() + ": "
                + res.body());
        JsonNode n = Json.MAPPER.readTree(res.body());
        if (n.path("output_tokens").path(0).asInt() <= 0) throw new IllegalStateException("no tokens in " + res.body());
    }
}
