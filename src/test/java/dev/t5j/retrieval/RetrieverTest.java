package dev.t5j.retrieval;

import dev.t5j.model.bert.BertConfig;
import dev.t5j.model.bert.Pooling;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RetrieverTest {
    static final List<String> QUERIES = List.of("question: who was Evan Morris? answer: <extra_id_0>",
            "where is paris");
    static final List<String> PASSAGES = List.of(
            Passage.of("0", "Evan Morris",
                    "Evan L. Morris was a lobbyist for Genentech and its parent corporation Roche.").retrieverText(),
            Passage.of("1", "Paris", "Paris is the capital and most populous city of France.").retrieverText(),
            Passage.of("2", "Dog", "The dog is a domesticated descendant of the wolf.").retrieverText());

    static Retriever tied(long seed) {
        return Retriever.tied(ContrieverTest.contriever(Pooling.AVERAGE, seed), 64);
    }

    @Test
    void initBuildsATiedRetrieverFromAConfig() {
        try (Retriever r = Retriever.init(BertConfig.preset("tiny"), TestModels.bertVocab(), 5, 200)) {
            assertTrue(r.isTied());
            assertEquals(200, r.textMaxLength());
            assertEquals(32, queries(r).length / QUERIES.size());
        }
    }

    static float[] floats(Tensor t) {
        return Tensors.toFloats(t);
    }

    static float[] passages(Retriever r) {
        try (PointerScope s = new PointerScope()) {
            return floats(r.passageEmbeddings(PASSAGES, false));
        }
    }

    static float[] queries(Retriever r) {
        try (PointerScope s = new PointerScope()) {
            return floats(r.queryEmbeddings(QUERIES, false));
        }
    }

    /** One SGD step on the inner products of queries with passages (the shape of a retriever loss). */
    static void sgdStep(Retriever r, double lr) {
        try (PointerScope s = new PointerScope()) {
            Tensor q = r.queryEmbeddings(QUERIES, true);
            Tensor p = r.passageEmbeddings(PASSAGES, true);
            q.matmul(p.t()).sum().backward();
            try (NoGradGuard ng = new NoGradGuard()) {
                for (Tensor w : r.trainableParameters().values()) {
                    Tensor g = w.grad();
                    if (g.defined()) {
                        w.sub_(g.mul(Tensors.scalar(lr)));
                        g.zero_();
                    }
                }
            }
        }
    }

    @Test
    void tiedRetrieverSharesOneEncoder() {
        try (Retriever r = tied(41)) {
            assertTrue(r.isTied());
            assertSame(r.queryEncoder(), r.passageEncoder());
            assertFalse(r.isPassageFrozen());
            // the same text embeds the same on both sides
            try (PointerScope s = new PointerScope()) {
                assertArrayEquals(floats(r.queryEmbeddings(PASSAGES, false)), floats(r.passageEmbeddings(PASSAGES,
                        false)));
            }
            assertTrue(r.parameters().keySet().stream().allMatch(k -> k.startsWith("contriever.")));
            assertTrue(r.parameters().containsKey("contriever.encoder.layer.0.attention.self.query.weight"));
            assertEquals(r.parameters().keySet(), r.trainableParameters().keySet());
            assertEquals(32, r.dim());
        }
    }

    @Test
    void untieMakesATrueCopy_updatingTheQueryEncoderLeavesPassagesUnchanged() {
        try (Retriever r = tied(42)) {
            float[] p0 = passages(r);
            float[] q0 = queries(r);
            String fp0 = r.fingerprint();
            r.untie();
            assertFalse(r.isTied());
            assertTrue(r.isPassageFrozen());
            assertNotSame(r.queryEncoder(), r.passageEncoder());
            assertArrayEquals(p0, passages(r), "a copy embeds like the original");
            assertArrayEquals(q0, queries(r));
            assertEquals(fp0, r.fingerprint(), "same passage weights, same fingerprint");
            for (var e : r.queryEncoder().parameters().entrySet())
                assertNotEquals(e.getValue().data_ptr().address(), r.passageEncoder().parameters().get(e.getKey())
                        .data_ptr().address(),
                        "shared storage for " + e.getKey());
            r.train(true);
            sgdStep(r, 0.5);
            r.train(false);
            assertFalse(java.util.Arrays.equals(q0, queries(r)), "the query encoder was trained");
            assertArrayEquals(p0, passages(r), "the frozen passage encoder did not move");
            assertEquals(fp0, r.fingerprint());
        }
    }

    @Test
    void querySideTraining_passagesHaveNoGradAndEveryTrainableParameterGetsOne() {
        try (Retriever r = tied(43)) {
            r.untie();
            r.train(true);
            Map<String, Tensor> trainable = r.trainableParameters();
            assertFalse(trainable.isEmpty());
            assertTrue(trainable.keySet().stream().allMatch(k -> k.startsWith("query_contriever.")));
            assertEquals(r.queryEncoder().parameters().size(), trainable.size());
            assertEquals(2 * trainable.size(), r.parameters().size());
            try (PointerScope s = new PointerScope()) {
                Tensor p = r.passageEmbeddings(PASSAGES, true);
                assertFalse(p.requires_grad(), "frozen passage encoder must not record gradients");
                assertFalse(r.passageEncoder().isTraining(), "frozen passage encoder runs in eval mode");
                Tensor q = r.queryEmbeddings(QUERIES, true);
                assertTrue(q.requires_grad());
                q.matmul(p.t()).sum().backward();
                List<String> missing = new ArrayList<>();
                for (var e : trainable.entrySet()) {
                    Tensor g = e.getValue().grad();
                    if (!g.defined() || g.abs().sum().item_double() == 0) missing.add(e.getKey());
                }
                // the word embedding gets gradient rows only for used tokens, but its gradient is non-zero overall
                assertEquals(List.of(), missing);
                for (Tensor w : r.passageEncoder().parameters().values()) assertFalse(w.grad().defined());
            }
        }
    }

    @Test
    void tiedTrainingReachesEveryParameterThroughBothSides() {
        try (Retriever r = tied(44); PointerScope s = new PointerScope()) {
            r.train(true);
            Tensor p = r.passageEmbeddings(PASSAGES, true);
            assertTrue(p.requires_grad());
            r.queryEmbeddings(QUERIES, true).matmul(p.t()).sum().backward();
            for (var e : r.trainableParameters().entrySet()) assertTrue(e.getValue().grad().defined(), e.getKey());
            Tensor noGrad = r.passageEmbeddings(PASSAGES, false);
            assertFalse(noGrad.requires_grad());
            assertTrue(r.isTraining(), "no-grad calls restore the training mode");
        }
    }

    @Test
    void saveLoadTiedAndUntied_andUntieOnLoad(@TempDir Path tmp) throws Exception {
        try (Retriever r = tied(45)) {
            float[] p0 = passages(r), q0 = queries(r);
            String fp = r.fingerprint();
            Path tiedDir = tmp.resolve("tied");
            r.save(tiedDir);
            for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "retriever.json"))
                assertTrue(Files.isRegularFile(tiedDir.resolve(f)), f);
            try (Retriever back = Retriever.load(tiedDir)) {
                assertTrue(back.isTied());
                assertEquals(64, back.textMaxLength());
                assertArrayEquals(p0, passages(back));
                assertEquals(fp, back.fingerprint(), "fingerprint is stable across save/load");
            }
            // a plain HF folder (no retriever.json) is a tied retriever with Atlas's default max length
            Files.delete(tiedDir.resolve("retriever.json"));
            try (Retriever hf = Retriever.load(tiedDir)) {
                assertTrue(hf.isTied());
                assertEquals(Retriever.DEFAULT_TEXT_MAXLENGTH, hf.textMaxLength());
            }
            try (Retriever untied = Retriever.load(tiedDir, true)) {
                assertFalse(untied.isTied());
                assertTrue(untied.isPassageFrozen());
                untied.train(true);
                sgdStep(untied, 0.5);
                untied.train(false);
                Path ud = tmp.resolve("untied");
                untied.save(ud);
                assertTrue(Files.isRegularFile(ud.resolve("query_encoder/model.safetensors")));
                assertTrue(Files.isRegularFile(ud.resolve("passage_encoder/vocab.txt")));
                assertTrue(Files.readString(ud.resolve("retriever.json")).contains("\"tied\" : false"));
                float[] uq = queries(untied);
                try (Retriever back = Retriever.load(ud)) {
                    assertFalse(back.isTied());
                    assertTrue(back.isPassageFrozen());
                    assertArrayEquals(uq, queries(back));
                    assertArrayEquals(p0, passages(back));
                    assertFalse(java.util.Arrays.equals(q0, uq));
                }
                // saving over an existing folder replaces it whole
                r.save(ud);
                assertFalse(Files.exists(ud.resolve("query_encoder")));
                try (Retriever back = Retriever.load(ud)) {
                    assertTrue(back.isTied());
                }
            }
        }
    }

    @Test
    void badRetrieverFoldersAreUserErrors(@TempDir Path tmp) throws Exception {
        UserError e = assertThrows(UserError.class, () -> Retriever.load(tmp.resolve("none")));
        assertTrue(e.getMessage().contains("none"));
        Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(UserError.class, () -> Retriever.load(tmp.resolve("empty")));
        assertTrue(e.getMessage().contains("not a retriever folder"), e.getMessage());
        try (Retriever r = tied(46)) {
            Path d = tmp.resolve("r");
            r.save(d);
            Path rj = d.resolve("retriever.json");
            Files.writeString(rj, "{\"tied\": \"yes\"}");
            e = assertThrows(UserError.class, () -> Retriever.load(d));
            assertTrue(e.getMessage().contains(rj.toString()) && e.getMessage().contains("tied"), e.getMessage());
            Files.writeString(rj, "{\"tied\": true, \"pooling\": \"cls\"}");
            e = assertThrows(UserError.class, () -> Retriever.load(d));
            assertTrue(e.getMessage().contains("pooling"), e.getMessage());
            Files.writeString(rj, "{\"tied\": false}");
            e = assertThrows(UserError.class, () -> Retriever.load(d));
            assertTrue(e.getMessage().contains("query_encoder"), e.getMessage());
            Files.writeString(rj, "{\"tied\": true}");
            Files.delete(d.resolve("vocab.txt"));
            e = assertThrows(UserError.class, () -> Retriever.load(d));
            assertTrue(e.getMessage().contains("vocab.txt"), e.getMessage());
        }
    }

    @Test
    void fingerprintIsSensitiveToWeightsPoolingAndMaxLength() {
        try (Retriever a = tied(47); Retriever b = tied(47)) {
            assertEquals(a.fingerprint(), b.fingerprint(), "same seed, same weights");
            assertEquals(64, a.fingerprint().length());
            try (NoGradGuard ng = new NoGradGuard(); PointerScope s = new PointerScope()) {
                Tensor w = b.passageEncoder().parameters().get("encoder.layer.1.output.LayerNorm.bias");
                w.select(0, 3).add_(Tensors.scalar(1e-6));
            }
            assertNotEquals(a.fingerprint(), b.fingerprint(), "one weight changed by 1e-6");
            try (Retriever c = Retriever.tied(ContrieverTest.contriever(Pooling.CLS, 47), 64);
                 Retriever d = Retriever.tied(ContrieverTest.contriever(Pooling.AVERAGE, 47), 32)) {
                assertNotEquals(a.fingerprint(), c.fingerprint(), "pooling");
                assertNotEquals(a.fingerprint(), d.fingerprint(), "max length");
            }
        }
    }

    @Test
    void embeddersMatchTheTensorPathKeepOrderAndRestoreMode() {
        try (Retriever r = tied(48)) {
            r.train(true);
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 23; i++) many.add(PASSAGES.get(i % 3) + " " + "extra words ".repeat(i));
            ContrieverEmbedder pe = r.passageEmbedder(4);
            float[][] got = pe.embed(many);
            assertTrue(r.isTraining(), "the embedder restores training mode");
            r.train(false);
            assertEquals(23, got.length);
            assertEquals(32, pe.dim());
            for (int i = 0; i < many.size(); i++) {
                try (PointerScope s = new PointerScope()) {
                    float[] one = floats(r.passageEmbeddings(List.of(many.get(i)), false));
                    assertEquals(32, got[i].length);
                    for (int k = 0; k < 32; k++) assertEquals(one[k], got[i][k], 1e-5, "row " + i);
                }
            }
            assertEquals(r.fingerprint(), pe.fingerprint());
            float[][] q = r.queryEmbedder(8).embed(QUERIES);
            float[] qt = queries(r);
            for (int k = 0; k < 32; k++) assertEquals(qt[32 + k], q[1][k], 1e-5);
            assertEquals(0, pe.embed(List.of()).length);
        }
    }
}
