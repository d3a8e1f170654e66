package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;
import dev.t5j.decoding.GenerationConfig;
import org.bytedeco.javacpp.Pointer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code t5j bench serve --soak N}: N requests of mixed traffic from concurrent clients against an in-process server,
 * with native memory read after a warm-up and at the end (issue 14: "native memory stays flat over 10,000 requests").
 * Traffic, by request number: plain {@code /v1/generate} and full event streams over a few deterministic prompts
 * (each answer is checked against the prompt's answer alone, so a response carrying another request's output fails
 * the run), malformed or invalid requests (each must get its 4xx) and streams whose client hangs up after the first
 * event. Any unexpected answer ends the run with an error.
 */
public final class ServeSoak {
    /**
     * @param requests requests in all (warm-up included)
     * @param clients  concurrent clients
     * @param tokens   {@code max_new_tokens} of each generation
     */
    public record Config(int requests, int clients, int tokens) {
        public Config {
            if (requests < 20) throw new UserError("--soak must be >= 20 requests, got " + requests);
            if (clients < 1) throw new UserError("--clients must be >= 1, got " + clients);
            if (tokens < 1) throw new UserError("--tokens must be >= 1, got " + tokens);
        }

        /** Requests before the first memory reading: a tenth, so allocator pools and JIT settle first. */
        int warmup() {
            return Math.max(10, requests / 10);
        }
    }

    /**
     * Memory at one point: process RSS, JavaCPP's tracked bytes and live pointers, and what the JVM itself holds
     * outside native libraries: the Java heap's committed size, non-heap pools (metaspace, JIT code cache), NIO
     * buffers (Jetty's pool) and live threads (each with its stack). RSS minus the three byte figures is what
     * libtorch, glibc's allocator and the thread stacks hold.
     */
    public record Memory(long rssBytes, long rssAnonBytes, long rssFileBytes, long javacppBytes, long livePointers,
            long heapCommittedBytes, long nonHeapCommittedBytes, long bufferBytes, int threads) {
        static Memory now() throws InterruptedException {
            for (int i = 0; i < 3; i++) { // let JavaCPP's deallocator thread free what the collector found
                System.gc();
                Thread.sleep(100);
            }
            long nonHeap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
                if (pool.getType() == MemoryType.NON_HEAP) nonHeap += pool.getUsage().getCommitted();
            long buffers = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
                buffers += Math.max(0, pool.getMemoryUsed());
            return new Memory(Pointer.physicalBytes(), statusKb("RssAnon:") << 10, statusKb("RssFile:") << 10,
                    Pointer.totalBytes(), Pointer.totalCount(), Runtime.getRuntime().totalMemory(), nonHeap, buffers,
                    Thread.activeCount());
        }

        /**
         * A /proc/self/status field in KiB, -1 where absent. RssFile is mapped files (libtorch's code is hundreds of
         * MiB, paged in as new kernels are first used), RssAnon the process's own allocations, where a leak shows.
         */
        static long statusKb(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                    if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim()
                            .split("\\s+")[0]);
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return -1;
        }

        /** RSS not accounted for by the JVM's own pools: native libraries' heap and thread stacks. */
        long nativeBytes() {
            return rssBytes - heapCommittedBytes - nonHeapCommittedBytes - bufferBytes;
        }
    }

    /**
     * The run's figures: memory after the warm-up, after each tenth of the measured requests ({@code trace}, whose
     * last entry is {@code after}), and what was sent.
     */
    public record Result(int requests, int measured, Memory before, Memory after, List<Memory> trace,
            Map<String, Long> kinds, double seconds) {
        long rssGrowth() {
            return after.rssBytes() - before.rssBytes();
        }

        /** RSS growth over the second half of the measured requests: near zero when memory has levelled off. */
        long rssGrowthSecondHalf() {
            return after.rssBytes() - trace.get(trace.size() / 2 - 1).rssBytes();
        }
    }

    /** Memory readings over the measured requests. */
    static final int READINGS = 10;

    static final int PROMPTS = 8;
    static final long MAX_BODY = 16 * 1024;
    static final int MAX_INPUT = 64;

    private ServeSoak() {}

    static String prompt(int i) {
        return "soak prompt " + (i % PROMPTS) + " " + "abcdefgh".substring(0, 1 + i % PROMPTS);
    }

    /** Requests that must be refused, with the status each must get. */
    static final List<Map.Entry<String, Integer>> BAD = List.of(
            Map.entry("{\"inputs\": ", 400), // malformed JSON
            Map.entry("{\"inputs\": \"a\", \"max_tokens\": 3}", 400), // unknown field
            Map.entry("{\"inputs\": 42}", 400), // wrong type
            Map.entry("{\"inputs\": []}", 400), // empty inputs
            Map.entry("{\"inputs\": \"" + "x".repeat(MAX_INPUT + 1) + "\"}", 400), // over the input limit
            Map.entry("{\"inputs\": \"" + "x".repeat((int) MAX_BODY) + "\"}", 413)); // body too large

    public static Result run(T5j t5, Config cfg, PrintStream out) throws Exception {
        List<String> want = new ArrayList<>();
        GenerationConfig g = GenerationConfig.greedy(cfg.tokens());
        for (int i = 0; i < PROMPTS; i++) want.add(t5.generate(List.of(prompt(i)), g).get(0));
        ServeConfig sc = ServeConfig.local().withLimits(MAX_BODY, MAX_INPUT, Math.max(512, cfg.tokens()),
                32, Math.max(256, 2 * cfg.clients()), 120_000);
        Map<String, AtomicLong> kinds = new LinkedHashMap<>();
        for (String k : List.of("generate", "stream", "bad", "hang_up")) kinds.put(k, new AtomicLong());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong next = new AtomicLong();
        Memory before;
        Memory after;
        List<Memory> trace = new ArrayList<>();
        long t0;
        try (T5jServer server = T5jServer.start(t5, sc);
             Progress p = new Progress("bench serve --soak", cfg.requests(), "requests")) {
            ExecutorService pool = Executors.newFixedThreadPool(cfg.clients());
            try {
                runPhase(pool, cfg.clients(), next, cfg.warmup(), i -> one(http, server, i, cfg, want, kinds, p));
                before = Memory.now();
                t0 = System.nanoTime();
                long measured = cfg.requests() - cfg.warmup();
                for (int r = 1; r <= READINGS; r++) {
                    runPhase(pool, cfg.clients(), next, cfg.warmup() + measured * r / READINGS,
                            i -> one(http, server, i, cfg, want, kinds, p));
                    trace.add(Memory.now());
                }
                after = trace.get(trace.size() - 1);
            } finally {
                pool.shutdownNow();
            }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> counts = new LinkedHashMap<>();
        kinds.forEach((k, v) -> counts.put(k, v.get()));
        Result r = new Result(cfg.requests(), cfg.requests() - cfg.warmup(), before, after, trace, counts, sec);
        report(r, out);
        return r;
    }

    private interface Job {
        void run(long i) throws Exception;
    }

    /** Clients take request numbers from {@code next} until {@code end}; the first failure ends the phase. */
    private static void runPhase(ExecutorService pool, int clients, AtomicLong next, long end, Job job)
            throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                for (long i; (i = next.getAndIncrement()) < end; ) job.run(i);
                next.set(end); // others stop too if this one failed
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        next.set(end);
    }

    /** Request number {@code i} of the mix; throws when the answer is not the expected one. */
    private static void one(HttpClient http, T5jServer server, long i, Config cfg, List<String> want,
            Map<String, AtomicLong> kinds, Progress p) throws Exception {
        int k = (int) (i % PROMPTS);
        String body = "{\"inputs\": \"" + prompt(k) + "\", \"max_new_tokens\": " + cfg.tokens();
        switch ((int) (i % 10)) {
            case 3 -> {
                Map.Entry<String, Integer> bad = BAD.get((int) (i / 10 % BAD.size()));
                HttpResponse<String> res = post(http, server, bad.getKey());
                if (res.statusCode() != bad.getValue() || !res.body().contains("\"error\""))
                    throw new IllegalStateException("request " + i + " (" + abbreviate(bad.getKey()) + ") got "
                            + res.statusCode() + " " + res.body() + ", not " + bad.getValue());
                kinds.get("bad").incrementAndGet();
            }
            case 5 -> {
                String events = post(http, server, body + ", \"stream\": true}").body();
                String done = events.lines().filter(l -> l.contains("\"done\":true")).findFirst().orElse("{}");
                check(i, want.get(k), Json.MAPPER.readTree(done.substring(done.indexOf('{'))).path("output"));
                kinds.get("stream").incrementAndGet();
            }
            case 7 -> {
                hangUp(server, "{\"inputs\": \"" + prompt(k) + "\", \"max_new_tokens\": 400, \"min_new_tokens\": 400, "
                        + "\"stream\": true}");
                kinds.get("hang_up").incrementAndGet();
            }
            default -> {
                HttpResponse<String> res = post(http, server, body + "}");
                if (res.statusCode() != 200)
                    throw new IllegalStateException("request " + i + " got " + res.statusCode() + " " + res.body());
                check(i, want.get(k), Json.MAPPER.readTree(res.body()).path("outputs").path(0));
                kinds.get("generate").incrementAndGet();
            }
        }
        p.step(1);
    }

    private static void check(long i, String want, JsonNode got) {
        if (!got.isTextual() || !got.asText().equals(want))
            throw new IllegalStateException("request " + i + " got " + got + " instead of its prompt's answer alone "
                    + Json.write(want));
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static HttpResponse<String> post(HttpClient http, T5jServer server, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/generate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A streaming request on a raw socket whose client reads the first event and hangs up. */
    private static void hangUp(T5jServer server, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream o = s.getOutputStream();
            o.write(("POST /v1/generate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            o.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) { }
            if (line == null) throw new IOException("a stream closed before its first event");
        }
    }

    private static void report(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "soak: %d requests (%s), %d measured after a warm-up of %d in %.1f s (%.0f/s)%n",
                r.requests(), r.kinds(), r.measured(), r.requests() - r.measured(), r.seconds(),
                r.measured() / r.seconds());
        out.printf(Locale.ROOT, "%-28s %14s %14s %14s%n", "", "after warm-up", "at the end", "growth");
        row(out, "RSS (Pointer.physicalBytes)", r.before().rssBytes(), r.after().rssBytes());
        row(out, "  anonymous (RssAnon)", r.before().rssAnonBytes(), r.after().rssAnonBytes());
        row(out, "  mapped files (RssFile)", r.before().rssFileBytes(), r.after().rssFileBytes());
        row(out, "Java heap committed", r.before().heapCommittedBytes(), r.after().heapCommittedBytes());
        row(out, "RSS - Java heap committed", r.before().rssBytes() - r.before().heapCommittedBytes(),
                r.after().rssBytes() - r.after().heapCommittedBytes());
        row(out, "  JVM non-heap committed", r.before().nonHeapCommittedBytes(), r.after().nonHeapCommittedBytes());
        row(out, "  NIO buffers", r.before().bufferBytes(), r.after().bufferBytes());
        row(out, "  rest: native heap, stacks", r.before().nativeBytes(), r.after().nativeBytes());
        out.printf(Locale.ROOT, "%-28s %14d %14d %+14d%n", "live threads", r.before().threads(), r.after().threads(),
                r.after().threads() - r.before().threads());
        row(out, "JavaCPP Pointer.totalBytes", r.before().javacppBytes(), r.after().javacppBytes());
        out.printf(Locale.ROOT, "%-28s %14d %14d %+14d%n", "live JavaCPP pointers", r.before().livePointers(),
                r.after().livePointers(), r.after().livePointers() - r.before().livePointers());
        out.printf(Locale.ROOT, "RSS growth per 1,000 requests: %.2f MiB%n",
                r.rssGrowth() / 1048576.0 / r.measured() * 1000);
        StringBuilder tenths = new StringBuilder();
        StringBuilder anon = new StringBuilder();
        for (Memory m : r.trace()) {
            tenths.append(String.format(Locale.ROOT, " %.1f", m.rssBytes() / 1048576.0));
            anon.append(String.format(Locale.ROOT, " %.1f", m.rssAnonBytes() / 1048576.0));
        }
        out.println("RSS (MiB) after each tenth of the measured requests:" + tenths);
        out.println("RssAnon (MiB) after each tenth:" + anon);
        out.printf(Locale.ROOT, "RSS growth: first half %+.1f MiB, second half %+.1f MiB%n",
                (r.rssGrowth() - r.rssGrowthSecondHalf()) / 1048576.0, r.rssGrowthSecondHalf() / 1048576.0);
        out.println(Json.write(r));
    }

    private static void row(PrintStream out, String name, long a, long b) {
        out.printf(Locale.ROOT, "%-28s %11.1f MiB %10.1f MiB %+10.1f MiB%n", name, a / 1048576.0, b / 1048576.0,
                (b - a) / 1048576.0);
    }
}
