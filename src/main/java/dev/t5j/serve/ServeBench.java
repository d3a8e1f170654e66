package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.decoding.ContinuousBatcher;
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
     * @param rounds            times each level is measured, levels interleaved; a level's tokens/s is the median
     */
    public record Config(List<Integer> clients, int requestsPerClient, int tokens, String input, int rounds) {
        public Config {
            if (rounds < 1) throw new UserError("--rounds must be >= 1, got " + rounds);
            if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1))
                throw new UserError("--clients must list numbers >= 1, got " + clients);
            if (requestsPerClient < 1) throw new UserError("--requests must be >= 1, got " + requestsPerClient);
            if (tokens < 1) throw new UserError("--tokens must be >= 1, got " + tokens);
            if (input == null || input.isEmpty()) throw new UserError("--text must not be empty");
        }
    }

    /** One concurrency level's figures (over all its rounds); latencies in ms, sorted. */
    public record Level(int clients, int requests, double seconds, double[] latenciesMs, double tokensPerSecond) {
        public double p50Ms() {
            return percentile(latenciesMs, 0.50);
        }

        public double p99Ms() {
            return percentile(latenciesMs, 0.99);
        }
    }

    /**
     * The level's bound without a server: {@code clients} copies of the input decoded as one static batch by
     * {@code t5j generate}'s decoder (every sequence starts and ends together, no HTTP, no joins); tokens/s.
     */
    static double staticBatch(T5j t5, int[] ids, GenerationConfig g, int clients) {
        int[][] batch = new int[clients][];
        Arrays.fill(batch, ids);
        long t0 = System.nanoTime();
        t5.generateIds(batch, g);
        return (double) clients * g.maxNewTokens() / ((System.nanoTime() - t0) / 1e9);
    }

    /** A level's rounds as one: their requests and latencies pooled, tokens/s the median round's. */
    static Level merge(List<Level> rounds) {
        double[] lat = rounds.stream().flatMapToDouble(l -> Arrays.stream(l.latenciesMs())).sorted().toArray();
        double[] tps = rounds.stream().mapToDouble(Level::tokensPerSecond).sorted().toArray();
        return new Level(rounds.get(0).clients(), lat.length, rounds.stream().mapToDouble(Level::seconds).sum(), lat,
                percentile(tps, 0.5));
    }

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
        List<Map<String, Object>> summary = new ArrayList<>();
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
            for (int c : cfg.clients()) level(http, req, c, 1, cfg.tokens(), false); // warm-up round: JIT, thread pools
            int nl = cfg.clients().size();
            List<List<Level>> rounds = new ArrayList<>();
            double[][] bound = new double[nl][cfg.rounds()];
            ContinuousBatcher.Stats[] work = new ContinuousBatcher.Stats[nl];
            double[] workSec = new double[nl];
            for (int r = 0; r < cfg.rounds(); r++) { // levels interleaved, so load drift hits each level alike
                List<Level> round = new ArrayList<>();
                for (int i = 0; i < nl; i++) {
                    ContinuousBatcher.Stats s0 = server.batcherStats();
                    Level l = level(http, req, cfg.clients().get(i), cfg.requestsPerClient(), cfg.tokens(), true);
                    ContinuousBatcher.Stats d = server.batcherStats().minus(s0);
                    work[i] = work[i] == null ? d : work[i].plus(d);
                    workSec[i] += l.seconds();
                    round.add(l);
                    bound[i][r] = staticBatch(t5, ids, g, cfg.clients().get(i));
                }
                rounds.add(round);
            }
            out.printf(Locale.ROOT, "%8s %9s %12s %12s %9s %9s %14s   (%d interleaved rounds; tokens/s per round)%n",
                    "clients", "requests", "tokens/s", "x level 1", "p50 ms", "p99 ms", "static batch", cfg.rounds());
            for (int i = 0; i < nl; i++) {
                int k = i;
                Level l = merge(rounds.stream().map(r -> r.get(k)).toList());
                double[] ratios = rounds.stream().mapToDouble(r -> r.get(k).tokensPerSecond()
                        / r.get(0).tokensPerSecond()).sorted().toArray();
                levels.add(l);
                List<Double> perRound = rounds.stream().map(r -> r.get(k).tokensPerSecond()).toList();
                double[] b = bound[i].clone();
                Arrays.sort(b);
                out.printf(Locale.ROOT, "%8d %9d %12.1f %11.2fx %9.1f %9.1f %14.1f   %s%n", l.clients(),
                        l.requests(), l.tokensPerSecond(), percentile(ratios, 0.5), l.p50Ms(), l.p99Ms(),
                        percentile(b, 0.5), perRound.stream().map(t -> String.format(Locale.ROOT, "%.0f", t)).toList());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("clients", l.clients());
                m.put("requests", l.requests());
                m.put("tokens_per_s", l.tokensPerSecond());
                m.put("x_first_level", percentile(ratios, 0.5));
                m.put("p50_ms", l.p50Ms());
                m.put("p99_ms", l.p99Ms());
                m.put("tokens_per_s_per_round", perRound);
                m.put("static_batch_tokens_per_s", percentile(b, 0.5));
                summary.add(m);
                out.println("         " + worker(work[i], workSec[i]));
            }
        }
        double after = anchor(t5, ids, g, cfg.tokens());
        out.printf(Locale.ROOT, "anchor again after the levels: %.1f tokens/s%n", after);
        double anchorBest = Math.max(before, after); // the machine may be shared: take the anchor at its best
        for (Level l : levels) {
            out.printf(Locale.ROOT, "%d clients: %.0f%% of the anchor%n", l.clients(),
                    100 * l.tokensPerSecond() / anchorBest);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("anchor_tokens_per_s", anchorBest);
        json.put("anchor_before", before);
        json.put("anchor_after", after);
        json.put("paired_median_ms_anchor", pairedAnchor);
        json.put("paired_median_ms_server", pairedServer);
        json.put("levels", summary);
        out.println(Json.write(json));
        return levels;
    }

    /** One level once: {@code clients} clients sending {@code perClient} requests each. */
    private static Level level(HttpClient http, HttpRequest req, int clients, int perClient, int tokens,
            boolean progress) throws Exception {
        int total = clients * perClient;
        double[] latencies = new double[total];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (Progress p = new Progress("bench serve, " + clients + " clients", total, "requests", System.err,
                progress)) {
            List<Future<?>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int client = c;
                fs.add(pool.submit(() -> {
                    for (int r = 0; r < perClient; r++) {
                        long s = System.nanoTime();
                        send(http, req);
                        latencies[client * perClient + r] = (System.nanoTime() - s) / 1e6;
                        p.step(1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            double sec = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(latencies);
            return new Level(clients, total, sec, latencies, (double) tokens * total / sec);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Where the decoding worker's time went during a level (the profile behind the throughput figure). */
    static String worker(ContinuousBatcher.Stats s, double seconds) {
        double ms = 1e-6;
        return String.format(Locale.ROOT, "worker: %d steps, mean batch %.1f, %.2f ms/step; %d encoder joins "
                + "(%.1f requests each, %.2f ms each); leaving %.2f ms/step; idle %.0f%% of %.2f s", s.steps(),
                (double) s.rows() / Math.max(1, s.steps()), s.stepNs() * ms / Math.max(1, s.steps()), s.joins(),
                (double) s.joined() / Math.max(1, s.joins()), s.joinNs() * ms / Math.max(1, s.joins()),
                s.leaveNs() * ms / Math.max(1, s.steps()), 100 * s.idleNs() / 1e9 / seconds, seconds);
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
