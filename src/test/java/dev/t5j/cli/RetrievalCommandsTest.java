package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.Retriever;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code t5j index build/info}, {@code t5j retrieve} and Atlas {@code train}/{@code eval --config} through the CLI. */
class RetrievalCommandsTest {
    @TempDir
    static Path tmp;
    static Path passages, retriever, vocab;

    static Path resource(String name) throws Exception {
        return Path.of(RetrievalCommandsTest.class.getResource("/" + name).toURI());
    }

    @BeforeAll
    static void setup() throws Exception {
        vocab = resource("tokenizer/bert/vocab.txt");
        StringBuilder sb = new StringBuilder();
        String[] topics = {"volcano lava eruption magma", "violin orchestra symphony concerto",
                "glacier ice arctic snow",
                "football goal stadium league", "bread flour yeast oven", "comet orbit telescope astronomy"};
        for (int i = 0; i < topics.length; i++)
            sb.append(Json.write(Map.of("id", "p" + i, "title", "Topic " + i, "text", topics[i]))).append('\n');
        passages = Files.writeString(tmp.resolve("passages.jsonl"), sb);
        retriever = tmp.resolve("retriever");
        try (Retriever r = Retriever.tied(Contriever.init(BertConfig.preset("tiny").withVocabSize(30522),
                WordPieceVocabulary.load(vocab), 5), 32)) {
            r.save(retriever);
        }
    }

    @Test
    void buildInfoAndRetrieveFindTheExactTextAndRefuseAForeignRetriever() throws Exception {
        Path index = tmp.resolve("index");
        CliTest.Run b = CliTest.run("index", "build", "--passages", passages.toString(), "--retriever",
                retriever.toString(),
                "--out", index.toString(), "--shards", "2", "--dtype", "fp32");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("indexed 6 passages"), b.out());
        CliTest.Run info = CliTest.run("index", "info", index.toString());
        assertTrue(info.out().contains("passages        6"), info.out());
        // a passage's own retriever text is its nearest neighbour under inner product only if it dominates; use --json
        // and check shape and order
        CliTest.Run r = CliTest.run("retrieve", "--index", index.toString(), "--retriever", retriever.toString(),
                "--query", "Topic 3 football goal stadium league", "-k", "3", "--json");
        assertEquals(0, r.code(), r.err());
        var j = Json.MAPPER.readTree(r.out().trim());
        assertEquals(3, j.get("passages").size());
        double s0 = j.get("passages").get(0).get("score").asDouble(), s1 = j.get("passages").get(1).get("score")
                .asDouble();
        assertTrue(s0 >= s1, "scores descend");

        Path hnsw = tmp.resolve("hnsw");
        assertEquals(0, CliTest.run("index", "build", "--passages", passages.toString(), "--retriever",
                retriever.toString(),
                "--out", hnsw.toString(), "--hnsw").code());
        CliTest.Run h = CliTest.run("retrieve", "--index", hnsw.toString(), "--retriever", retriever.toString(),
                "--query", "Topic 3 football goal stadium league", "-k", "3", "--json");
        assertEquals(0, h.code(), h.err());
        assertEquals(j.get("passages").get(0).get("id").asText(), Json.MAPPER.readTree(h.out().trim()).get("passages")
                .get(0).get("id").asText(),
                "the HNSW index finds the flat index's best passage");

        Path queries = Files.writeString(tmp.resolve("q.jsonl"),
                "{\"question\":\"where is lava\"}\n{\"query\":\"ice\"}\n{\"nothing\":1}\n");
        CliTest.Run bad = CliTest.run("retrieve", "--index", index.toString(), "--retriever", retriever.toString(),
                "--queries", queries.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("q.jsonl") && bad.err().contains("3") && bad.err().contains("query"), bad.err());

        Path other = tmp.resolve("other");
        try (Retriever o = Retriever.tied(Contriever.init(BertConfig.preset("tiny").withVocabSize(30522),
                WordPieceVocabulary.load(vocab), 6), 32)) {
            o.save(other);
        }
        CliTest.Run foreign = CliTest.run("retrieve", "--index", index.toString(), "--retriever", other.toString(),
                "--query", "ice");
        assertEquals(2, foreign.code(), "an index built by another encoder is refused");
        assertFalse(foreign.err().contains("Exception"), foreign.err());
        assertEquals(0, CliTest.run("retrieve", "--index", index.toString(), "--retriever", other.toString(), "--query",
                "ice", "--force").code());
    }

    @Test
    void contrieverPretrainingWritesARetrieverThatBuildsAnIndex() throws Exception {
        Path out = tmp.resolve("contriever");
        CliTest.Run r = CliTest.run("atlas", "contriever", "--passages", passages.toString(), "--vocab",
                vocab.toString(),
                "--steps", "5", "--batch-size", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("loss"), r.out());
        assertEquals(0, CliTest.run("index", "build", "--passages", passages.toString(), "--retriever", out.toString(),
                "--out", tmp.resolve("ci").toString()).code());
        CliTest.Run one = CliTest.run("atlas", "contriever", "--passages", passages.toString(), "--vocab",
                vocab.toString(), "--batch-size", "1", "--out", out.toString());
        assertEquals(2, one.code(), "a batch of one has no negatives: a user error, not a crash");
        assertTrue(one.err().contains("batch size"), one.err());
        CliTest.Run bad = CliTest.run("atlas", "contriever", "--passages", passages.toString(), "--out",
                out.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--vocab"), bad.err());
    }

    @Test
    void atlasTrainAndEvalRunThroughTheCli() throws Exception {
        Path train = Files.writeString(tmp.resolve("train.jsonl"), """
                {"question": "what erupts", "answers": ["lava"]}
                {"question": "what is cold", "answers": ["ice"]}
                """);
        Path cfg = Files.writeString(tmp.resolve("atlas.yaml"), String.join("\n",
                "reader: {preset: tiny, vocab: " + resource("tokenizer/t5/spiece.model") + "}",
                "retriever: {preset: null, init_from: " + retriever + "}",
                "index: {passages: [" + passages + "]}",
                "task: {name: qa, train_data: [" + train + "], eval_data: [" + train + "]}",
                "atlas: {n_context: 2, retriever_n_context: 2, text_maxlength: 24, target_maxlength: 6}",
                "train: {steps: 2, batch_size: 2, threads: 1}",
                "eval: {max_new_tokens: 3, recall_at: [1]}",
                "out: " + tmp.resolve("run"), ""));
        CliTest.Run t = CliTest.run("train", "--config", cfg.toString());
        assertEquals(0, t.code(), t.err() + t.out());
        assertTrue(t.out().contains("eval/exact_match"), t.out());
        CliTest.Run e = CliTest.run("eval", "--config", cfg.toString(), "--model", tmp.resolve("run/model").toString(),
                "--json");
        assertEquals(0, e.code(), e.err());
        var m = Json.MAPPER.readTree(e.out().trim());
        assertTrue(m.has("eval/exact_match") && m.has("eval/answer_recall@1"), e.out());
        CliTest.Run typo = CliTest.run("train", "--config", cfg.toString(), "--set", "atlas.n_contxt=1");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("n_contxt"), typo.err());
    }
}
