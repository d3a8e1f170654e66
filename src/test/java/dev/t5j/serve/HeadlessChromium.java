package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol
 * (https://chromedevtools.github.io/devtools-protocol/) with the JDK's own WebSocket client: no browser-automation
 * dependency. Used by {@link PlaygroundBrowserTest}.
 * The binary is {@code $CHROMIUM} or the first of chromium, chromium-browser, google-chrome on the PATH.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** The browser binary, or null when none is installed. */
    static Path find() {
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) return Path.of(env);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
            for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        return null;
    }

    /** Starts the browser with one blank page and attaches to that page. */
    HeadlessChromium(Path binary, Path profileDir) throws Exception {
        // --no-sandbox: the sandbox cannot start as root (CI containers); the page is our own
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--remote-debugging-port=0", "--user-data-dir=" + profileDir, "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            socket = attach();
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private WebSocket attach() throws Exception {
        String browserWs = null;
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
        for (String line; browserWs == null && (line = err.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) browserWs = m.group(1);
        }
        if (browserWs == null) throw new IOException("chromium did not start: no 'DevTools listening' line");
        Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        URI b = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://" + b.getHost() + ":" + b.getPort()
                + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String pageWs = null;
        for (JsonNode t : Json.MAPPER.readTree(list))
            if (t.path("type").asText().equals("page")) pageWs = t.get("webSocketDebuggerUrl").asText();
        if (pageWs == null) throw new IOException("chromium has no page target: " + list);
        return http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new Listener()).get(30, TimeUnit.SECONDS);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                try {
                    JsonNode msg = Json.MAPPER.readTree(buf.toString());
                    CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                    if (f != null) f.complete(msg);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    buf.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }
    }

    /** Sends a DevTools command and returns its {@code result}; a protocol error throws. */
    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
        msg.set("params", Json.MAPPER.valueToTree(params));
        socket.sendText(Json.write(msg), true).get(30, TimeUnit.SECONDS);
        JsonNode reply = f.get(60, TimeUnit.SECONDS);
        if (reply.has("error")) throw new IOException(method + ": " + reply.get("error"));
        return reply.get("result");
    }

    /** Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value as JSON. */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IOException("page script failed: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Loads {@code url} and waits until its document has finished loading. */
    void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
        waitUntil("document.readyState === 'complete' && location.href.startsWith('" + url + "')", 30);
    }

    /** Polls a JavaScript condition until it is true; fails after {@code seconds}. */
    void waitUntil(String condition, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!eval("!!(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("not true after " + seconds + " s: " + condition);
            Thread.sleep(50);
        }
    }

    /**
     * Ends the browser and waits for all its processes: its renderer and utility children can still be writing into
     * the profile folder after the main process exits, and the test's temporary folder could then not be deleted.
     */
    @Override
    public void close() {
        socket.abort();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            for (ProcessHandle c : children) {
                try {
                    c.onExit().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    c.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }
}
