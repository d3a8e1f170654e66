package dev.t5j.atlas;

import dev.t5j.common.Json;
import dev.t5j.engine.Tensors;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Contriever;
import dev.t5j.retrieval.Passage;
import dev.t5j.retrieval.Retriever;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.IndexBuilder;
import dev.t5j.retrieval.index.IndexDtype;
import dev.t5j.retrieval.index.IndexOptions;
import dev.t5j.tokenizer.WordPieceVocabulary;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retrieval inside Atlas: re-ranking with the current encoder, Atlas's id filter, and multiple choice through
 * evaluation.
 */
class AtlasRetrievalTest {
    @TempDir
    Path dir;

    static List<Passage> passages() {
        List<Passage> ps = new ArrayList<>();
        String[] w = {"river", "mountain", "castle", "harbor", "desert", "forest", "island", "valley", "glacier",
                "canyon", "meadow", "volcano"};
        for (int i = 0; i < w.length; i++) ps.add(Passage.of("p" + i, "About " + w[i], "the " + w[i] + " near the "
                + w[(i + 3) % w.length]));
        return ps;
    }

    static Retriever retriever(long seed) {
        WordPieceVocabulary v = WordPieceVocabulary.load(AtlasTestData.resource("tokenizer/bert/vocab.txt"));
        return Retriever.tied(Contriever.init(BertConfig.preset("tiny").withVocabSize(30522), v, seed), 32);
    }

    @Test
    void rerankRescoresTheStaleTopNWithTheCurrentPassageEncoder() {
        List<Passage> ps = passages();
        try (Retriever stale = retriever(1); Retriever current = retriever(2);
             FlatIndex index = IndexBuilder.build(ps, stale.passageEmbedder(8).withProgress(false), new IndexOptions(1,
                     IndexDtype.FP32, 8), null);
             AtlasModel m = new AtlasModel(T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1),
                     AtlasTestData.t5(), null, current)) {
            m.setIndex(index);
            List<String> q = List.of("question: which castle? answer: <extra_id_0>");
            float[] qv;
            float[][] pv;
            try (PointerScope s = new PointerScope()) {
                qv = Tensors.toRows(current.queryEmbeddings(q, false))[0];
                List<String> texts = new ArrayList<>();
                for (Passage p : ps) texts.add(p.retrieverText());
                pv = Tensors.toRows(current.passageEmbeddings(texts, false));
            }
            // the stale index's top 6 for this query, re-scored with the current encoder, best 2
            List<String> top6 = index.search(new float[][]{qv}, 6).get(0).stream().map(h -> h.passage().id()).toList();
            List<String> want = new ArrayList<>(top6);
            want.sort(Comparator.comparingDouble(id -> -dot(qv, pv[Integer.parseInt(id.substring(1))])));
            AtlasModel.Retrieved got = m.retrieve(q, 2, null, 1, 6).get(0);
            assertEquals(want.subList(0, 2), got.passages().stream().map(Passage::id).toList());
            assertEquals(dot(qv, pv[Integer.parseInt(want.get(0).substring(1))]), got.scores()[0], 1e-4);
            // without re-ranking: the stale index's order
            assertEquals(top6.subList(0, 2), m.retrieve(q, 2, null, 1, 0).get(0).passages().stream().map(Passage::id)
                    .toList());
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void theIdFilterDropsTheExamplesOwnPassage() {
        List<Passage> ps = passages();
        try (Retriever r = retriever(1);
             FlatIndex index = IndexBuilder.build(ps, r.passageEmbedder(8).withProgress(false), new IndexOptions(2,
                     IndexDtype.FP32, 8), null);
             AtlasModel m = new AtlasModel(T5ForConditionalGeneration.init(T5Config.preset("tiny"), 1),
                     AtlasTestData.t5(), null, r)) {
            m.setIndex(index);
            List<String> q = new ArrayList<>();
            for (Passage p : ps) q.add(p.retrieverText());
            // each query is a passage's own text: unfiltered, that passage is often among the top 3 (the filter has
            // work to do)
            long ownRetrieved = 0;
            List<AtlasModel.Retrieved> plain = m.retrieve(q, 3, null, 2, 0);
            for (int i = 0; i < ps.size(); i++) {
                String own = ps.get(i).id();
                if (plain.get(i).passages().stream().anyMatch(p -> p.id().equals(own))) ownRetrieved++;
            }
            assertTrue(ownRetrieved > 0, "no query retrieved its own passage: the test would not exercise the filter");
            List<String> ids = new ArrayList<>();
            for (Passage p : ps) ids.add(p.id());
            List<AtlasModel.Retrieved> got = m.retrieve(q, 3, ids, 2, 0);
            for (int i = 0; i < ps.size(); i++) {
                assertEquals(3, got.get(i).passages().size());
                for (Passage p : got.get(i).passages()) assertFalse(p.id().equals(ps.get(i).id()),
                        "own passage filtered for " + i);
            }
        }
    }

    @Test
    void multipleChoiceIsDebiasedOverItsPermutationsAndWritesChoiceProbabilities() throws Exception {
        Path mc = Files.writeString(dir.resolve("mc.jsonl"),
                Json.write(Map.of("question", "What is 2+2?", "options", Map.of("A", "3", "B", "4", "C", "5", "D",
                        "22"), "answer", "B")) + "\n"
                        + Json.write(Map.of("question", "Capital of France?", "options", Map.of("A", "Rome", "B",
                                "Oslo", "C", "Paris", "D", "Bonn"), "answer", "C")) + "\n");
        List<String> o = List.of("reader.preset=tiny", "reader.vocab="
                + AtlasTestData.resource("tokenizer/t5/spiece.model"),
                "task.name=multiple_choice", "task.train_data=[" + mc + "]", "task.eval_data=[" + mc + "]",
                "task.multiple_choice_eval_permutations=cyclic", "atlas.closed_book=true", "atlas.text_maxlength=64",
                "train.steps=1", "train.batch_size=2", "train.threads=1", "eval.max_new_tokens=3", "out="
                        + dir.resolve("run"));
        AtlasTrainer.Result r = new AtlasTrainer(AtlasConfig.load(null, o),
                new PrintStream(new ByteArrayOutputStream())).withProgress(false).run();
        assertTrue(r.metrics().containsKey("eval/debiased_accuracy") && r.metrics().containsKey("eval/accuracy"),
                r.metrics().toString());
        List<String> lines = Files.readAllLines(r.runDir().resolve("mc-step-1.jsonl"));
        assertEquals(2, lines.size(), "one line per question (its 4 cyclic copies reduced)");
        var first = Json.MAPPER.readTree(lines.get(0));
        assertEquals(4, first.get("permutations").size());
        double sum = 0;
        for (var e : (Iterable<java.util.Map.Entry<String,
                com.fasterxml.jackson.databind.JsonNode>>) first.get("choice_probs")::fields) sum +=
                e.getValue().asDouble();
        assertEquals(1.0, sum, 1e-6, "marginal letter probabilities sum to 1");
    }
}
