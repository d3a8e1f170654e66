package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.ByteVocabulary;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.engine.Torch;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 14: the HTTP API contract, streaming, cancellation, errors and no cross-request mixing. */
class T5jServerTest {
    @TempDir
    static Path tmp;
    static T5j t5;
    static T5jServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A tiny random T5 whose vocabulary is exactly the byte vocabulary, so every output id decodes to text. */
    static Path tinyTextModel(Path dir) throws Exception {
        Torch.init(1);
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(
                T5Config.preset("tiny-v1_1").withVocabSize(new ByteVocabulary().vocabSize()), 21)) {
            Checkpoint.save(m, dir);
        }
        ModelVocabulary.save(dir, new ByteVocabulary(), null);
        return dir;
    }

    @BeforeAll
    static void start() throws Exception {
        t5 = T5j.load(tinyTextModel(tmp.resolve("m")));
        server = T5jServer.start(t5, ServeConfig.local().withLimits(4096, 64, 4096, 8, 64, 60_000));
    }

    @AfterAll
    static void stop() {
        server.close();
        t5.close();
    }

    record Reply(int status, String body, String contentType) {
        JsonNode json() {
            return Json.readLine(Path.of("reply"), 1, body);
        }
    }

    static Reply post(T5jServer s, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(s.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body(), res.headers().firstValue("Content-Type").orElse(""));
    }

    static Reply get(T5jServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path)).GET();
        if (headers.length > 0) b.headers(headers);
        HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body(), res.headers().firstValue("Content-Type").orElse(""));
    }

    static String prompt(int i) {
        return "prompt " + i + " " + "abcdefghij".substring(0, 1 + i % 10);
    }

    static String alone(String input, int maxNew) {
        return t5.generate(List.of(input), GenerationConfig.greedy(maxNew).withMinNewTokens(maxNew)).get(0);
    }

    @Test
    void generateScoreEmbedModelsHealthMetricsAndPlayground() throws Exception {
        Reply g = post(server, "/v1/generate", "{\"inputs\": \"" + prompt(1)
                + "\", \"max_new_tokens\": 6, \"min_new_tokens\": 6}");
        assertEquals(200, g.status(), g.body());
        assertTrue(g.contentType().startsWith("application/json"));
        assertEquals(alone(prompt(1), 6), g.json().get("outputs").get(0).asText());
        assertEquals("length", g.json().get("finish_reasons").get(0).asText());
        Reply list = post(server, "/v1/generate", "{\"inputs\": [\"" + prompt(2) + "\", \"" + prompt(3)
                + "\"], \"max_new_tokens\": 5, \"min_new_tokens\": 5}");
        assertEquals(200, list.status(), list.body());
        assertEquals(alone(prompt(2), 5), list.json().get("outputs").get(0).asText());
        assertEquals(alone(prompt(3), 5), list.json().get("outputs").get(1).asText());

        Reply sc = post(server, "/v1/score", "{\"input\": \"abc\", \"choices\": [\"x\", \"yz\"]}");
        assertEquals(200, sc.status(), sc.body());
        double[] want = t5.score("abc", List.of("x", "yz"));
        assertEquals(want[0], sc.json().get("scores").get(0).asDouble(), 1e-9);
        assertEquals(want[1], sc.json().get("scores").get(1).asDouble(), 1e-9);
        assertEquals(want[0] >= want[1] ? 0 : 1, sc.json().get("best").asInt());

        Reply em = post(server, "/v1/embed", "{\"inputs\": [\"abc\", \"de\"]}");
        assertEquals(200, em.status(), em.body());
        float[][] e = t5.embed(List.of("abc", "de"));
        assertEquals(e[0].length, em.json().get("dim").asInt());
        assertEquals(e[1][3], em.json().get("embeddings").get(1).get(3).floatValue(), 1e-6);

        assertEquals("m", get(server, "/v1/models").json().get("data").get(0).get("id").asText());
        assertEquals("ok", get(server, "/healthz").json().get("status").asText());
        String metrics = get(server, "/metrics").body();
        for (String name : List.of("t5j_requests_total{endpoint=\"/v1/generate\",status=\"200\"}",
                "t5j_request_duration_seconds_bucket", "t5j_batch_size_bucket", "t5j_generated_tokens_total",
                "t5j_tokens_per_second", "t5j_queue_depth", "t5j_running_sequences"))
            assertTrue(metrics.contains(name), name);
        Reply page = get(server, "/");
        assertTrue(page.contentType().startsWith("text/html") && page.body().contains("/v1/generate"));
    }

    @Test
    void streamingSendsOneEventPerTokenThatAddUpToTheOutput() throws Exception {
        String body = "{\"inputs\": \"" + prompt(4)
                + "\", \"max_new_tokens\": 8, \"min_new_tokens\": 8, \"stream\": true}";
        HttpRequest r = HttpRequest.newBuilder(URI.create(server.url() + "/v1/generate"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.util.stream.Stream<String>> res = HTTP.send(r, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> data = res.body().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertEquals("[DONE]", data.get(data.size() - 1));
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        String output = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode ev = Json.readLine(Path.of("sse"), 1, d);
            if (ev.has("token")) {
                text.append(ev.get("token").asText());
                tokens++;
            }
            if (ev.has("done")) output = ev.get("output").asText();
        }
        assertEquals(alone(prompt(4), 8), output);
        assertEquals(output, text.toString());
        assertTrue(tokens >= 1 && tokens <= 8, "events per whole character: " + tokens);
    }

    @Test
    void concurrentClientsEachGetTheirOwnOutput() throws Exception {
        int n = 16;
        List<String> want = new ArrayList<>();
        for (int i = 0; i < n; i++) want.add(alone(prompt(i), 12));
        assertTrue(new HashSet<>(want).size() >= 4, "prompts give different outputs, so mixing would show");
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                replies.add(pool.submit(() -> post(server, "/v1/generate", "{\"inputs\": \"" + prompt(k)
                        + "\", \"max_new_tokens\": 12, \"min_new_tokens\": 12, \"stream\": " + (k % 3 == 0) + "}")));
            }
            for (int i = 0; i < n; i++) {
                Reply r = replies.get(i).get(120, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r.body());
                String got;
                if (i % 3 == 0) {
                    String done = r.body().lines().filter(l -> l.contains("\"done\":true")).findFirst().orElseThrow();
                    got = Json.readLine(Path.of("sse"), 1, done.substring(6)).get("output").asText();
                } else {
                    got = r.json().get("outputs").get(0).asText();
                }
                assertEquals(want.get(i), got, "client " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badRequestsGetJsonErrorsWithTheRight4xxAndTheServerKeepsServing() throws Exception {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"inputs\": ", 400); // malformed JSON
        cases.put("[1, 2]", 400); // not an object
        cases.put("", 400); // empty body
        cases.put("{\"inputs\": \"a\", \"max_tokens\": 3}", 400); // unknown field
        cases.put("{\"inputs\": 42}", 400); // wrong type
        cases.put("{\"inputs\": [\"a\", 7]}", 400);
        cases.put("{\"inputs\": \"a\", \"max_new_tokens\": \"5\"}", 400);
        cases.put("{\"inputs\": \"a\", \"stream\": \"yes\"}", 400);
        cases.put("{\"inputs\": []}", 400); // empty inputs
        cases.put("{\"inputs\": \"\"}", 400);
        cases.put("{\"inputs\": \"a\", \"max_new_tokens\": 100000}", 400); // over the new-token limit
        cases.put("{\"inputs\": \"" + "x".repeat(100) + "\"}", 400); // 101 tokens > 64
        cases.put("{\"inputs\": \"" + "x".repeat(5000) + "\"}", 413); // body over 4096 bytes
        cases.put("{\"inputs\": \"a\", \"do_sample\": true, \"num_beams\": 2}", 400);
        for (var c : cases.entrySet()) {
            Reply r = post(server, "/v1/generate", c.getKey());
            assertEquals(c.getValue(), r.status(), c.getKey() + " -> " + r.body());
            JsonNode err = r.json().get("error");
            assertTrue(err.get("message").isTextual() && err.get("type").isTextual(), r.body());
        }
        assertTrue(post(server, "/v1/generate", "{\"inputs\": \"a\", \"max_tokens\": 3}").json().get("error")
                .get("message").asText().contains("max_tokens"));
        assertEquals(400, post(server, "/v1/score", "{\"input\": \"a\", \"choices\": []}").status());
        assertEquals(400, post(server, "/v1/score", "{\"input\": \"a\", \"choices\": \"b\"}").status());
        assertEquals(400, post(server, "/v1/embed", "{\"inputs\": [], \"x\": 1}").status());
        Reply nf = get(server, "/v1/nothing");
        assertEquals(404, nf.status());
        assertEquals("not_found", nf.json().get("error").get("type").asText());
        assertEquals(200, post(server, "/v1/generate", "{\"inputs\": \"still here\", \"max_new_tokens\": 2}").status());
    }

    /** Open streaming requests over a raw socket, read one event, hang up: the sequence must leave the batch. */
    static long metric(T5jServer s, String name) throws Exception {
        for (String l : get(s, "/metrics").body().split("\n"))
            if (l.startsWith(name + " ")) return (long) Double.parseDouble(l.substring(name.length() + 1));
        throw new AssertionError("no metric " + name);
    }

    /** Writes a {@code POST /v1/generate} with {@code body} on a raw socket (so that the test can hang up). */
    static void sendGenerate(Socket s, String body) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/generate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void clientsThatHangUpMidStreamAreCancelled() throws Exception {
        long before = metric(server, "t5j_generated_tokens_total");
        for (int k = 0; k < 3; k++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                sendGenerate(s, "{\"inputs\": \"long " + k
                        + "\", \"max_new_tokens\": 4000, \"min_new_tokens\": 4000, \"stream\": true}");
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) { }
                assertNotNull(line, "a first event arrives");
            }
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && !get(server,
                "/metrics").body().contains("t5j_running_sequences 0\n")) Thread.sleep(50);
        assertTrue(get(server, "/metrics").body().contains("t5j_running_sequences 0\n"),
                "hung-up streams left the batch");
        long produced = metric(server, "t5j_generated_tokens_total") - before;
        assertTrue(produced < 3 * 4000, "they stopped before their 4000 tokens: " + produced);
        assertEquals(200, post(server, "/v1/generate", "{\"inputs\": \"after\", \"max_new_tokens\": 2}").status());
    }

    /**
     * A non-streaming client hangs up while its request decodes: the server notices the closed connection and its
     * sequences leave the batch instead of running to their length or deadline.
     */
    @Test
    void nonStreamingClientsThatHangUpAreCancelled() throws Exception {
        try (T5jServer own = T5jServer.start(t5, ServeConfig.local().withLimits(4096, 64, 4096, 8, 64, 120_000))) {
            long before = metric(own, "t5j_generated_tokens_total");
            try (Socket s = new Socket("127.0.0.1", own.port())) {
                sendGenerate(s, "{\"inputs\": [\"gone 1\", \"gone 2\"], \"max_new_tokens\": 4000, "
                        + "\"min_new_tokens\": 4000}");
                waitFor(own, "t5j_running_sequences 2\n");
            }
            waitFor(own, "t5j_running_sequences 0\n");
            long produced = metric(own, "t5j_generated_tokens_total") - before;
            assertTrue(produced < 2 * 4000, "they stopped before their 4000 tokens: " + produced);
            String m = get(own, "/metrics").body();
            assertTrue(m.contains("t5j_requests_total{endpoint=\"/v1/generate\",status=\"499\"} 1"), m);
            assertEquals(200, post(own, "/v1/generate", "{\"inputs\": \"after\", \"max_new_tokens\": 2}").status());
        }
    }

    /**
     * A client that stalls half-way through its body and a streaming client that reads nothing for a while: others
     * are served meanwhile, and both slow clients then get their own complete answers.
     */
    @Test
    void slowClientsDoNotHoldUpOthers() throws Exception {
        byte[] body = ("{\"inputs\": \"" + prompt(5) + "\", \"max_new_tokens\": 6, \"min_new_tokens\": 6}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket sender = new Socket("127.0.0.1", server.port()); Socket reader = new Socket()) {
            reader.setReceiveBufferSize(4096); // before connecting, so the server's writes back up sooner
            reader.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream o = sender.getOutputStream();
            o.write(("POST /v1/generate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            o.write(body, 0, body.length / 2);
            o.flush();
            sendGenerate(reader, "{\"inputs\": \"slow reader\", \"max_new_tokens\": 1000, "
                    + "\"min_new_tokens\": 1000, \"stream\": true}");
            for (int i = 0; i < 3; i++) {
                Reply r = post(server, "/v1/generate", "{\"inputs\": \"" + prompt(i)
                        + "\", \"max_new_tokens\": 6, \"min_new_tokens\": 6}");
                assertEquals(200, r.status(), r.body());
                assertEquals(alone(prompt(i), 6), r.json().get("outputs").get(0).asText());
            }
            o.write(body, body.length / 2, body.length - body.length / 2);
            o.flush();
            String reply = new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
            String json = reply.substring(reply.indexOf("\r\n\r\n") + 4);
            assertEquals(alone(prompt(5), 6), Json.readLine(Path.of("reply"), 1, json).get("outputs").get(0)
                    .asText());

            BufferedReader in = new BufferedReader(new InputStreamReader(reader.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder text = new StringBuilder();
            String output = null;
            for (String line; (line = in.readLine()) != null && !line.equals("data: [DONE]"); ) {
                if (!line.startsWith("data: {")) continue;
                JsonNode ev = Json.readLine(Path.of("sse"), 1, line.substring(6));
                if (ev.has("token")) text.append(ev.get("token").asText());
                if (ev.has("done")) {
                    output = ev.get("output").asText();
                    assertEquals("length", ev.get("finish_reason").asText());
                }
            }
            assertEquals(alone("slow reader", 1000), output);
            assertTrue(output.startsWith(text.toString()), "the events add up to the output");
        }
    }

    @Test
    void fullQueueGets429AndAMissedDeadline408() throws Exception {
        try (T5jServer small = T5jServer.start(t5, ServeConfig.local().withLimits(4096, 64, 4096, 1, 1, 60_000))) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                String longBody = "{\"inputs\": \"busy\", \"max_new_tokens\": 1500, \"min_new_tokens\": 1500, "
                        + "\"timeout_ms\": 30000}";
                Future<Reply> running = pool.submit(() -> post(small, "/v1/generate", longBody));
                waitFor(small, "t5j_running_sequences 1\n");
                Future<Reply> queued = pool.submit(() -> post(small, "/v1/generate", longBody));
                waitFor(small, "t5j_queue_depth 1\n");
                Reply full = post(small, "/v1/generate", "{\"inputs\": \"one more\"}");
                assertEquals(429, full.status(), full.body());
                assertEquals("queue_full", full.json().get("error").get("type").asText());
                running.cancel(true);
                queued.cancel(true);
            } finally {
                pool.shutdownNow();
            }
        }
        Reply late = post(server, "/v1/generate",
                "{\"inputs\": \"slow\", \"max_new_tokens\": 256, \"min_new_tokens\": 256, \"timeout_ms\": 1}");
        assertEquals(408, late.status(), late.body());
        assertEquals("deadline_exceeded", late.json().get("error").get("type").asText());
    }

    static void waitFor(T5jServer s, String metric) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until && !get(s, "/metrics").body().contains(metric)) Thread.sleep(20);
        assertTrue(get(s, "/metrics").body().contains(metric), metric);
    }

    @Test
    void benchServeReportsEveryLevelAgainstTheAnchor() throws Exception {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        List<ServeBench.Level> levels = ServeBench.run(t5, new ServeBench.Config(List.of(1, 3), 1, 2, "abc", 2),
                new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(List.of(1, 3), levels.stream().map(ServeBench.Level::clients).toList());
        assertEquals(6, levels.get(1).requests(), "3 clients x 1 request x 2 rounds");
        for (ServeBench.Level l : levels) assertTrue(l.tokensPerSecond() > 0 && l.p99Ms() >= l.p50Ms(), l.toString());
        String report = buf.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("anchor") && report.contains("interleaved pairs"), report);
        assertTrue(report.contains("2 interleaved rounds") && report.contains("worker: ")
                && report.contains("static batch"), report);
        assertEquals(1.0, ServeBench.percentile(new double[] {1, 2, 3}, 0.1));
        assertEquals(3.0, ServeBench.percentile(new double[] {1, 2, 3}, 0.99));
    }

    @Test
    void anApiKeyIsRequiredOffLoopbackAndCheckedWhenSet() throws Exception {
        UserError e = assertThrows(UserError.class, () -> new ServeConfig("0.0.0.0", 0, null, 1 << 20, 64, 64, 4, 4,
                1000));
        assertTrue(e.getMessage().contains("--api-key-file"), e.getMessage());
        try (T5jServer locked = T5jServer.start(t5, ServeConfig.local().withApiKey("s3cret"))) {
            Reply no = get(locked, "/v1/models");
            assertEquals(401, no.status());
            assertEquals("unauthorized", no.json().get("error").get("type").asText());
            assertEquals(401, get(locked, "/v1/models", "Authorization", "Bearer wrong").status());
            assertEquals(401, get(locked, "/metrics").status());
            assertEquals(200, get(locked, "/v1/models", "Authorization", "Bearer s3cret").status());
            assertEquals(200, get(locked, "/healthz").status());
        }
    }
}
