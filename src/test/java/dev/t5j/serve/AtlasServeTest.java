package dev.t5j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.api.T5j;
import dev.t5j.atlas.AtlasConfig;
import dev.t5j.atlas.AtlasPipeline;
import dev.t5j.atlas.AtlasTestData;
import dev.t5j.atlas.AtlasTrainer;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, Atlas models: {@link AtlasPipeline} on the folder a tiny {@code t5j train} Atlas run writes answers and
 * retrieves exactly as the run's final evaluation did, and {@code /v1/retrieve} and {@code /v1/answer} serve it.
 */
class AtlasServeTest {
    @TempDir
    static Path dir;
    static AtlasTrainer.Result run;
    static List<String> questions = new ArrayList<>();
    static Map<String, String[]> corpus = new HashMap<>();
    static AtlasPipeline atlas;
    static T5jServer server;

    @BeforeAll
    static void trainAndServe() throws Exception {
        StringBuilder ps = new StringBuilder(), tr = new StringBuilder(), ev = new StringBuilder();
        String[] animals = {"otter", "falcon", "badger", "heron", "lynx", "walrus", "gecko", "bison"};
        for (int i = 0; i < animals.length; i++) {
            String title = "Article " + animals[i];
            String text = "the " + animals[i] + " lives near river " + (i * 7);
            corpus.put(String.valueOf(i), new String[] {title, text});
            ps.append(Json.write(Map.of("id", String.valueOf(i), "title", title, "text", text))).append('\n');
            tr.append(Json.write(Map.of("question", "which article mentions the " + animals[i] + "?", "answers",
                    List.of(title)))).append('\n');
            if (i % 2 == 0) {
                questions.add("where does the " + animals[i] + " live?");
                ev.append(Json.write(Map.of("question", questions.get(questions.size() - 1), "answers",
                        List.of(title)))).append('\n');
            }
        }
        Path passages = Files.writeString(dir.resolve("passages.jsonl"), ps);
        Path train = Files.writeString(dir.resolve("train.jsonl"), tr);
        Path eval = Files.writeString(dir.resolve("eval.jsonl"), ev);
        List<String> o = List.of("reader.preset=tiny",
                "reader.vocab=" + AtlasTestData.resource("tokenizer/t5/spiece.model"), "retriever.preset=tiny",
                "retriever.vocab=" + AtlasTestData.resource("tokenizer/bert/vocab.txt"), "retriever.max_length=32",
                "index.passages=[" + passages + "]", "index.refresh=1", "index.save=" + dir.resolve("index"),
                "task.train_data=[" + train + "]",
                "task.eval_data=[" + eval + "]", "atlas.n_context=2", "atlas.retriever_n_context=3",
                "atlas.text_maxlength=32", "atlas.target_maxlength=8", "optimizer.lr=1.0e-3",
                "optimizer.lr_retriever=1.0e-3", "optimizer.scheduler=fixed", "train.steps=2", "train.batch_size=2",
                "train.threads=1", "train.checkpoint_every=1", "eval.batch_size=4", "eval.max_new_tokens=4",
                "eval.recall_at=[1,3]",
                "out=" + dir.resolve("run"));
        run = new AtlasTrainer(AtlasConfig.load(null, o), new PrintStream(new ByteArrayOutputStream()))
                .withProgress(false).run();
        // the final evaluation's index is saved to index.save: loaded as is, with no corpus at hand to rebuild it
        Path moved = Files.move(passages, dir.resolve("passages.away"));
        try {
            atlas = AtlasPipeline.load(run.modelDir());
        } finally {
            Files.move(moved, passages);
        }
        server = T5jServer.start(atlas, ServeConfig.local().withLimits(4096, 64, 64, 8, 64, 60_000));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (atlas != null) atlas.close();
    }

    @Test
    void answersAndPassagesEqualTheRunsFinalEvaluation() throws Exception {
        List<String> lines = Files.readAllLines(run.runDir().resolve("eval-step-2.jsonl"));
        assertEquals(questions.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode want = Json.MAPPER.readTree(lines.get(i));
            AtlasPipeline.Answer a = atlas.answer(questions.get(i));
            assertEquals(want.get("query").asText(), atlas.query(questions.get(i)));
            assertEquals(want.get("generation").asText(), a.answer(), questions.get(i));
            assertEquals(2, a.passages().size());
            for (int j = 0; j < 2; j++)
                assertEquals(want.get("passages").get(j).get("id").asText(), a.passages().get(j).id());
        }
    }

    @Test
    void retrieveGivesTheTopKCorpusPassagesBestFirst() {
        List<AtlasPipeline.Hit> hits = atlas.retrieve("where does the heron live?", 5);
        assertEquals(5, hits.size());
        assertEquals(5, hits.stream().map(AtlasPipeline.Hit::id).distinct().count());
        for (int j = 0; j < hits.size(); j++) {
            AtlasPipeline.Hit h = hits.get(j);
            assertEquals(corpus.get(h.id())[0], h.title());
            assertEquals(corpus.get(h.id())[1], h.text());
            if (j > 0) assertTrue(hits.get(j - 1).score() >= h.score(), "best first: " + hits);
        }
        assertEquals(hits.subList(0, 2), atlas.answer("where does the heron live?").passages());
        assertEquals(corpus.size(), atlas.indexSize());
        assertThrows(UserError.class, () -> atlas.retrieve("q", 0));
        assertNotNull(atlas.reader().generate("question: where? answer: <extra_id_0>")); // the reader alone
    }

    /** A checkpoint's model folder: the run's config above it, its index beside it (or rebuilt when stale). */
    @Test
    void aCheckpointFolderLoadsWithItsRunConfig() throws Exception {
        Path ckpt;
        try (var s = Files.list(run.runDir().resolve("checkpoints"))) {
            ckpt = s.filter(p -> Files.isDirectory(p.resolve("model"))).findFirst().orElseThrow();
        }
        assertTrue(Files.isDirectory(ckpt.resolve("index")), "the checkpoint holds its index");
        try (AtlasPipeline c = AtlasPipeline.load(ckpt.resolve("model"))) { // step 1's weights: other scores
            String q = questions.get(2);
            assertEquals(corpus.size(), c.indexSize());
            List<AtlasPipeline.Hit> hits = c.retrieve(q, 3);
            assertEquals(3, hits.stream().map(AtlasPipeline.Hit::id).distinct().count());
            for (AtlasPipeline.Hit h : hits) assertEquals(corpus.get(h.id())[1], h.text());
            assertEquals(hits.subList(0, 2), c.answer(q).passages());
        }
        // a checkpoint's index predates the step's retriever update (stale): without the corpus it is refused
        Path moved = Files.move(dir.resolve("passages.jsonl"), dir.resolve("passages.away"));
        try {
            UserError e = assertThrows(UserError.class, () -> AtlasPipeline.load(ckpt.resolve("model")));
            assertTrue(e.getMessage().contains("encoder_fingerprint"), e.getMessage());
        } finally {
            Files.move(moved, dir.resolve("passages.jsonl"));
        }
        Path bare = Files.createDirectories(dir.resolve("bare"));
        assertThrows(UserError.class, () -> AtlasPipeline.load(bare));
    }

    @Test
    void retrieveAndAnswerEndpoints() throws Exception {
        String q = questions.get(1);
        T5jServerTest.Reply r = T5jServerTest.post(server, "/v1/retrieve", Json.write(Map.of("query", q, "k", 3)));
        assertEquals(200, r.status(), r.body());
        JsonNode ps = r.json().get("passages");
        List<AtlasPipeline.Hit> hits = atlas.retrieve(q, 3);
        assertEquals(3, ps.size());
        for (int j = 0; j < 3; j++) {
            assertEquals(hits.get(j).id(), ps.get(j).get("id").asText());
            assertEquals(hits.get(j).title(), ps.get(j).get("title").asText());
            assertEquals(hits.get(j).text(), ps.get(j).get("text").asText());
            assertEquals(hits.get(j).score(), ps.get(j).get("score").floatValue(), 1e-6);
        }
        assertEquals(5, T5jServerTest.post(server, "/v1/retrieve", "{\"query\": \"" + q + "\"}").json()
                .get("passages").size(), "k defaults to 5");

        T5jServerTest.Reply a = T5jServerTest.post(server, "/v1/answer", Json.write(Map.of("query", q)));
        assertEquals(200, a.status(), a.body());
        AtlasPipeline.Answer want = atlas.answer(q);
        assertEquals(want.answer(), a.json().get("answer").asText());
        assertEquals(2, a.json().get("passages").size(), "n_context passages by default");
        assertEquals(want.passages().get(0).id(), a.json().get("passages").get(0).get("id").asText());

        for (String bad : List.of("{}", "{\"query\": \"\"}", "{\"query\": \"x\", \"k\": 0}",
                "{\"query\": \"x\", \"max_new_tokens\": 3}", "{\"query\": 3}")) {
            T5jServerTest.Reply e = T5jServerTest.post(server, "/v1/retrieve", bad);
            assertEquals(400, e.status(), bad + " -> " + e.body());
            assertEquals("invalid_request", e.json().get("error").get("type").asText());
        }
        JsonNode model = T5jServerTest.get(server, "/v1/models").json().get("data").get(0);
        assertEquals(corpus.size(), model.get("atlas").get("passages").asInt(), model.toString());
        // the reader alone still serves the text endpoints
        assertEquals(200, T5jServerTest.post(server, "/v1/generate",
                "{\"inputs\": \"question: x answer: <extra_id_0>\", \"max_new_tokens\": 2}").status());
        // a plain T5 server has no Atlas endpoints
        try (T5j t5 = T5j.load(T5jServerTest.tinyTextModel(dir.resolve("plain")));
             T5jServer plain = T5jServer.start(t5, ServeConfig.local())) {
            T5jServerTest.Reply e = T5jServerTest.post(plain, "/v1/retrieve", "{\"query\": \"x\"}");
            assertEquals(404, e.status(), e.body());
            assertEquals("not_found", e.json().get("error").get("type").asText());
        }
    }
}
