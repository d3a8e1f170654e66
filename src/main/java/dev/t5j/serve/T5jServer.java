package dev.t5j.serve;

import dev.t5j.api.T5j;
import dev.t5j.atlas.AtlasPipeline;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.decoding.ContinuousBatcher;
import dev.t5j.model.T5Config;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code t5j serve}: an HTTP API over a {@link T5j} model, generation through the {@link ContinuousBatcher}.
 * Endpoints (docs/serve.md): {@code POST /v1/generate} (optionally server-sent events per token),
 * {@code POST /v1/score}, {@code POST /v1/embed}, {@code GET /v1/models}, {@code GET /healthz},
 * {@code GET /metrics} (Prometheus), and the playground page at {@code /}; for an Atlas model also
 * {@code POST /v1/retrieve} and {@code POST /v1/answer} (through {@link AtlasPipeline}; the other endpoints serve its
 * reader alone).
 */
public final class T5jServer implements AutoCloseable {
    static final Set<String> ENDPOINTS = Set.of("/", "/healthz", "/metrics", "/v1/models", "/v1/generate",
            "/v1/score", "/v1/embed", "/v1/retrieve", "/v1/answer");
    private static final String T0 = "t5j.t0";
    /** How often a waiting non-streaming request checks that its client is still connected. */
    private static final long POLL_MS = 100;
    /** Status recorded (metrics) for a request whose client hung up; nginx's "client closed request". */
    private static final int CLIENT_GONE = 499;
    /** A body this much over the limit is still read to its end before the 413 (see {@link #body}). */
    private static final long DRAIN_BYTES = 1 << 20;

    private final T5j t5;
    private final AtlasPipeline atlas;
    private final ServeConfig cfg;
    private final ContinuousBatcher batcher;
    private final ServeMetrics metrics;
    private final Javalin app;
    private final String modelId;

    private T5jServer(T5j t5, AtlasPipeline atlas, ServeConfig cfg) {
        this.t5 = t5;
        this.atlas = atlas;
        this.cfg = cfg;
        this.modelId = t5.dir().toAbsolutePath().normalize().getFileName().toString();
        ServeMetrics[] m = new ServeMetrics[1];
        this.batcher = new ContinuousBatcher(t5.model(), new ContinuousBatcher.Limits(cfg.maxBatch(),
                cfg.queueCapacity()),
                (b, n) -> m[0].step(b, n));
        this.metrics = m[0] = new ServeMetrics(batcher::queueDepth, batcher::running);
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = cfg.maxBodyBytes();
            c.routes.before(this::before);
            c.routes.after(this::after);
            c.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(playground()));
            c.routes.get("/healthz", ctx -> json(ctx, 200, Map.of("status", "ok")));
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.render()));
            c.routes.get("/v1/models", ctx -> json(ctx, 200, models()));
            c.routes.post("/v1/generate", this::generate);
            c.routes.post("/v1/score", this::score);
            c.routes.post("/v1/embed", this::embed);
            c.routes.post("/v1/retrieve", ctx -> atlas(ctx, false));
            c.routes.post("/v1/answer", ctx -> atlas(ctx, true));
            c.routes.exception(ApiError.class, (e, ctx) -> json(ctx, e.status, ApiError.body(e.type, e.getMessage())));
            c.routes.exception(Exception.class, (e, ctx) -> json(ctx, 500,
                    ApiError.body("internal_error", e.getClass().getSimpleName() + ": " + e.getMessage())));
            c.routes.error(404, ctx -> {
                if (!isJson(ctx)) json(ctx, 404, ApiError.body("not_found", "no such endpoint: " + ctx.method()
                        + " " + ctx.path()));
            });
            c.routes.error(405, ctx -> json(ctx, 405, ApiError.body("method_not_allowed", ctx.method() + " "
                    + ctx.path() + " is not allowed")));
        });
    }

    /** Starts serving {@code t5} as {@code cfg} says; the caller keeps ownership of {@code t5}. */
    public static T5jServer start(T5j t5, ServeConfig cfg) {
        return start(t5, null, cfg);
    }

    /** Starts serving an Atlas model (its reader on the text endpoints); the caller keeps ownership of it. */
    public static T5jServer start(AtlasPipeline atlas, ServeConfig cfg) {
        return start(atlas.reader(), atlas, cfg);
    }

    private static T5jServer start(T5j t5, AtlasPipeline atlas, ServeConfig cfg) {
        T5jServer s = new T5jServer(t5, atlas, cfg);
        try {
            s.app.start(cfg.host(), cfg.port());
        } catch (RuntimeException e) {
            s.batcher.close();
            throw new UserError("cannot serve on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage());
        }
        return s;
    }

    public int port() {
        return app.port();
    }

    /** The decoding worker's counters (where its time went), for {@code t5j bench serve}. */
    public ContinuousBatcher.Stats batcherStats() {
        return batcher.stats();
    }

    /** {@code http://host:port} of the running server. */
    public String url() {
        String h = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
        return "http://" + h + ":" + port();
    }

    private void before(Context ctx) {
        ctx.attribute(T0, System.nanoTime());
        String p = ctx.path();
        if (cfg.apiKey() == null || !(p.startsWith("/v1/") || p.equals("/metrics"))) return;
        String auth = ctx.header("Authorization");
        String want = "Bearer " + cfg.apiKey();
        boolean ok = auth != null && MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                want.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "missing or wrong API key (send 'Authorization: Bearer <key>')");
        }
    }

    private void after(Context ctx) {
        Long t0 = ctx.attribute(T0);
        double sec = t0 == null ? 0 : (System.nanoTime() - t0) / 1e9;
        String endpoint = ENDPOINTS.contains(ctx.path()) ? ctx.path() : "other";
        metrics.request(endpoint, ctx.status().getCode(), sec);
    }

    private static boolean isJson(Context ctx) {
        String t = ctx.res().getContentType();
        return t != null && t.startsWith("application/json");
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    private Map<String, Object> models() {
        T5Config c = t5.model().config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", modelId);
        m.put("object", "model");
        m.put("owned_by", "t5j");
        m.put("d_model", c.dModel());
        m.put("num_layers", c.numLayers());
        m.put("num_decoder_layers", c.numDecoderLayers());
        m.put("vocab_size", c.vocabSize());
        m.put("tokenizer", t5.vocabulary().getClass().getSimpleName());
        m.put("max_input_tokens", cfg.maxInputTokens());
        m.put("max_new_tokens", cfg.maxNewTokens());
        if (atlas != null) m.put("atlas", Map.of("passages", atlas.indexSize(), "n_context",
                atlas.config().atlas().nContext()));
        return Map.of("object", "list", "data", List.of(m));
    }

    /**
     * The body, refused (413) above the configured size whether or not a Content-Length says so. A refused body of at
     * most {@link #DRAIN_BYTES} more is read to its end first: the client then reads the 413 instead of a broken
     * pipe (an HTTP/1.1 server that answers before the body has arrived closes the connection under the writer).
     */
    private byte[] body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > cfg.maxBodyBytes()) {
                if (declared - cfg.maxBodyBytes() <= DRAIN_BYTES) drain(in, declared);
                throw tooLarge();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() > cfg.maxBodyBytes()) {
                    drain(in, DRAIN_BYTES);
                    throw tooLarge();
                }
            }
            return out.toByteArray();
        }
    }

    /** Reads and drops up to {@code max} bytes (to the end of the body if it comes first). */
    private static void drain(InputStream in, long max) throws IOException {
        byte[] buf = new byte[8192];
        for (long left = max; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) return;
            left -= n;
        }
    }

    private ApiError tooLarge() {
        return new ApiError(413, "body_too_large", "the request body exceeds " + cfg.maxBodyBytes() + " bytes");
    }

    /** Encoder ids of each text, refused (400) above the input length limit. */
    private int[][] encode(List<String> texts, String field) {
        int[][] ids = new int[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = t5.encode(texts.get(i));
            if (ids[i].length > cfg.maxInputTokens())
                throw ApiError.invalid("'" + field + "'[" + i + "] has " + ids[i].length + " tokens; the limit is "
                        + cfg.maxInputTokens());
        }
        return ids;
    }

    private void generate(Context ctx) throws Exception {
        Requests.Generate g = Requests.generate(Requests.object(body(ctx)), cfg);
        int[][] ids = encode(g.inputs(), "inputs");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(g.timeoutMs());
        int n = ids.length;
        LinkedBlockingQueue<int[]> events = g.stream() ? new LinkedBlockingQueue<>() : null;
        List<ContinuousBatcher.Request> reqs = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int index = i;
                ContinuousBatcher.Request r = batcher.submit(ids[i], g.cfg(), deadline,
                        events == null ? null : id -> events.add(new int[] {index, id}));
                if (events != null) r.result().whenComplete((o, e) -> events.add(new int[] {index, -1}));
                reqs.add(r);
            }
        } catch (ContinuousBatcher.QueueFullException e) {
            for (ContinuousBatcher.Request r : reqs) r.cancel();
            throw new ApiError(429, "queue_full", e.getMessage());
        }
        if (events != null) {
            stream(ctx, reqs, events);
            return;
        }
        ClientConnection client = new ClientConnection(ctx);
        List<String> outputs = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        try {
            for (ContinuousBatcher.Request r : reqs) {
                ContinuousBatcher.Output o = await(r, deadline, client);
                if (o == null) { // the client hung up: its sequences leave the batch (finally), nobody reads a reply
                    ctx.status(CLIENT_GONE);
                    return;
                }
                if (o.finish() == ContinuousBatcher.Finish.DEADLINE) throw deadlineExceeded(g.timeoutMs());
                outputs.add(t5.decode(o.ids()));
                reasons.add(o.finish().name().toLowerCase(Locale.ROOT));
                tokens.add(o.ids().length);
            }
        } finally {
            for (ContinuousBatcher.Request r : reqs) r.cancel(); // no-op for finished ones; frees the rest
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outputs", outputs);
        out.put("finish_reasons", reasons);
        out.put("output_tokens", tokens);
        json(ctx, 200, out);
    }

    private static ApiError deadlineExceeded(long ms) {
        return new ApiError(408, "deadline_exceeded", "the request did not finish within its deadline of " + ms
                + " ms");
    }

    /** The request's output, or null as soon as the client is found gone (checked every {@link #POLL_MS} ms). */
    private ContinuousBatcher.Output await(ContinuousBatcher.Request r, long deadline, ClientConnection client)
            throws InterruptedException {
        long waitNs = Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(5);
        long until = System.nanoTime() + waitNs;
        try {
            while (true) {
                long left = until - System.nanoTime();
                if (left <= 0) throw new TimeoutException();
                try {
                    return r.result().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MS)),
                            TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (client.gone()) return null;
                }
            }
        } catch (TimeoutException e) {
            r.cancel();
            throw deadlineExceeded(TimeUnit.NANOSECONDS.toMillis(waitNs));
        } catch (ExecutionException e) {
            throw new ApiError(500, "internal_error", "decoding failed: " + e.getCause().getMessage());
        }
    }

    /**
     * Server-sent events: {@code data: {"index", "token"}} per generated token (text pieces as they become whole
     * characters), then {@code data: {"index", "done": true, "output", "finish_reason"}} per input, then
     * {@code data: [DONE]}. A failed write (client gone) cancels the request's sequences.
     */
    private void stream(Context ctx, List<ContinuousBatcher.Request> reqs, LinkedBlockingQueue<int[]> events)
            throws InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        int n = reqs.size();
        List<List<Integer>> ids = new ArrayList<>();
        int[] sent = new int[n];
        for (int i = 0; i < n; i++) ids.add(new ArrayList<>());
        int done = 0;
        try {
            OutputStream out = ctx.res().getOutputStream();
            ctx.res().flushBuffer(); // headers now: the client sees the stream open before the first token
            while (done < n) {
                int[] ev = events.poll(1, TimeUnit.SECONDS);
                if (ev == null) continue;
                int i = ev[0];
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("index", i);
                if (ev[1] >= 0) {
                    ids.get(i).add(ev[1]);
                    String text = t5.decode(ids.get(i).stream().mapToInt(Integer::intValue).toArray());
                    // hold back while the last character is incomplete (a byte vocabulary's partial UTF-8)
                    if (text.endsWith("\uFFFD") || text.length() < sent[i]) continue;
                    o.put("token", text.substring(sent[i]));
                    o.put("id", ev[1]);
                    sent[i] = text.length();
                } else {
                    done++;
                    ContinuousBatcher.Output res = reqs.get(i).result().getNow(null);
                    o.put("done", true);
                    if (res == null) {
                        o.put("error", "decoding failed");
                    } else {
                        o.put("output", t5.decode(res.ids()));
                        o.put("finish_reason", res.finish().name().toLowerCase(Locale.ROOT));
                    }
                }
                out.write(("data: " + Json.write(o) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            for (ContinuousBatcher.Request r : reqs) r.cancel(); // the client went away
        }
    }

    private void score(Context ctx) throws Exception {
        Requests.Score s = Requests.score(Requests.object(body(ctx)));
        encode(List.of(s.input()), "input");
        encode(s.choices(), "choices");
        double[] scores = t5.score(s.input(), s.choices());
        int best = 0;
        for (int i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scores", scores);
        out.put("best", best);
        out.put("best_choice", s.choices().get(best));
        json(ctx, 200, out);
    }

    private void embed(Context ctx) throws Exception {
        List<String> texts = Requests.embed(Requests.object(body(ctx)));
        encode(texts, "inputs");
        float[][] e = t5.embed(texts);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("embeddings", e);
        out.put("dim", e.length == 0 ? 0 : e[0].length);
        json(ctx, 200, out);
    }

    /** {@code /v1/retrieve} (passages with scores) or {@code /v1/answer} (passages, then the reader's answer). */
    private void atlas(Context ctx, boolean answer) throws Exception {
        if (atlas == null) throw new ApiError(404, "not_found", ctx.path() + " needs an Atlas model; "
                + modelId + " is a plain T5");
        Requests.Retrieve r = Requests.retrieve(Requests.object(body(ctx)), answer, cfg);
        encode(List.of(atlas.query(r.query())), "query");
        Map<String, Object> out = new LinkedHashMap<>();
        List<AtlasPipeline.Hit> hits;
        try {
            if (answer) {
                AtlasPipeline.Answer a = atlas.answer(r.query(), r.k() == null ? atlas.config().atlas().nContext()
                        : r.k(), r.maxNewTokens() == null ? atlas.config().eval().maxNewTokens() : r.maxNewTokens());
                hits = a.passages();
                out.put("passages", passages(hits));
                out.put("answer", a.answer());
            } else {
                hits = atlas.retrieve(r.query(), r.k() == null ? 5 : r.k());
                out.put("passages", passages(hits));
            }
        } catch (UserError e) {
            throw ApiError.invalid(e.getMessage());
        }
        json(ctx, 200, out);
    }

    private static List<Map<String, Object>> passages(List<AtlasPipeline.Hit> hits) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AtlasPipeline.Hit h : hits) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.id());
            m.put("title", h.title());
            m.put("text", h.text());
            m.put("score", h.score());
            out.add(m);
        }
        return out;
    }

    private static String playground() throws IOException {
        try (InputStream in = T5jServer.class.getResourceAsStream("playground.html")) {
            if (in == null) throw new IOException("playground.html is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Stops the HTTP server and the decoding worker; the model stays open (the caller owns it). */
    @Override
    public void close() {
        app.stop();
        batcher.close();
    }
}
