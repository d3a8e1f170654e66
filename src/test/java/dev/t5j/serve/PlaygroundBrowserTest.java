package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.decoding.GenerationConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14: the playground page at {@code /} in a real headless Chromium: the page loads the model name, a prompt is
 * typed into it, Generate is pressed, and the answer streams into the page (several updates, each a prefix of the
 * next) and equals what {@code t5j generate} gives for that prompt alone. Skipped where no Chromium is installed
 * ({@code apt-get install chromium}; or set {@code CHROMIUM} to the binary); docs/serve.md gives the command.
 */
class PlaygroundBrowserTest {
    static final int MAX_NEW = 12;

    @TempDir
    Path tmp;

    @Test
    void aPromptTypedIntoThePlaygroundStreamsItsAnswerIntoThePage() throws Exception {
        Path chromium = HeadlessChromium.find();
        assumeTrue(chromium != null, "no chromium on the PATH (apt-get install chromium, or set CHROMIUM)");
        try (T5j t5 = T5j.load(T5jServerTest.tinyTextModel(tmp.resolve("m")));
             T5jServer server = T5jServer.start(t5, ServeConfig.local());
             HeadlessChromium browser = new HeadlessChromium(chromium, tmp.resolve("profile"))) {
            String prompt = null;
            String want = null;
            for (int i = 0; prompt == null && i < 50; i++) { // a prompt whose answer is several whole characters
                String p = "playground prompt " + i;
                String out = t5.generate(List.of(p), GenerationConfig.greedy(MAX_NEW)).get(0);
                if (out.length() >= 4 && !out.contains("\uFFFD")) {
                    prompt = p;
                    want = out;
                }
            }
            assertNotNull(prompt, "the tiny model answers some prompt with text");

            browser.open(server.url() + "/");
            browser.waitUntil("document.getElementById('model').textContent === 'model: m'", 30);
            // record every state of the answer box, to see it arrive in pieces: one entry per mutation, read from
            // the text node each update put in (the observer runs once per batch of mutations, and a fast decoder's
            // events can all land in one network read, so reading the box at callback time would see only the end)
            browser.eval("window.seen = []; new MutationObserver(rs => rs.forEach(r => { if (r.type === "
                    + "'characterData') window.seen.push(r.target.data); else r.addedNodes.forEach(n => "
                    + "window.seen.push(n.textContent)); })).observe(document.getElementById('output'), "
                    + "{childList: true, characterData: true, subtree: true}); true");
            browser.eval("document.getElementById('max').value = '" + MAX_NEW + "'; "
                    + "document.getElementById('prompt').focus(); true");
            browser.call("Input.insertText", Map.of("text", prompt)); // typed, as a keyboard would
            assertEquals(prompt, browser.eval("document.getElementById('prompt').value").asText());
            browser.eval("document.getElementById('go').click(); true");
            browser.waitUntil("document.getElementById('status').textContent === 'done'", 60);

            assertEquals(want, browser.eval("document.getElementById('output').textContent").asText());
            List<String> states = new ArrayList<>();
            for (JsonNode s : browser.eval("window.seen")) if (!s.asText().isEmpty()) states.add(s.asText());
            assertTrue(states.size() >= 2, "the answer streamed in pieces: " + states);
            for (int i = 1; i < states.size(); i++)
                assertTrue(states.get(i).startsWith(states.get(i - 1)), "each update extends the last: " + states);
            assertEquals(want, states.get(states.size() - 1));
        }
    }
}
