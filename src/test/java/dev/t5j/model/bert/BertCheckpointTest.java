package dev.t5j.model.bert;

import dev.t5j.common.Json;
import dev.t5j.retrieval.TestModels;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.DType;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.SafetensorsWriter;
import dev.t5j.model.io.SafetensorsReader;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class BertCheckpointTest {
    static BertModel model(long seed) {
        BertModel m = BertModel.init(TestModels.small(100, "gelu"), seed);
        TestModels.perturb(m, 0.1);
        return m;
    }

    /** The model's tensors as raw fp32, names mapped by {@code rename}. */
    static List<RawTensor> raws(BertModel m, java.util.function.UnaryOperator<String> rename) {
        List<RawTensor> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet())
            out.add(RawTensor.ofFloats(rename.apply(e.getKey()), Tensors.shape(e.getValue()),
                    Tensors.toFloats(e.getValue())));
        return out;
    }

    @Test
    void saveLoadRoundTripKeepsHfNamesAndOutputs(@TempDir Path tmp) throws Exception {
        try (BertModel m = model(21)) {
            BertCheckpoint.save(m, tmp);
            try (var src = SafetensorsReader.open(tmp.resolve("model.safetensors"))) {
                assertEquals(new TreeSet<>(m.parameters().keySet()), new TreeSet<>(src.names()));
            }
            assertEquals("bert", Json.read(tmp.resolve("config.json")).get("model_type").asText());
            try (BertModel back = BertCheckpoint.load(tmp)) {
                assertEquals(m.config(), back.config());
                assertArrayEquals(BertModelTest.hidden(m), BertModelTest.hidden(back));
            }
        }
    }

    @Test
    void shardedCheckpointLoads(@TempDir Path tmp) throws Exception {
        try (BertModel m = model(22)) {
            m.config().write(tmp.resolve("config.json"));
            CheckpointFiles.write(tmp, raws(m, n -> n), 20_000);
            assertTrue(Files.isRegularFile(tmp.resolve(CheckpointFiles.SAFETENSORS_INDEX)));
            try (BertModel back = BertCheckpoint.load(tmp)) {
                assertArrayEquals(BertModelTest.hidden(m), BertModelTest.hidden(back));
            }
        }
    }

    @Test
    void acceptsBertPrefixGammaBetaAndIgnoresPoolerHeadsAndPositionIds(@TempDir Path tmp) throws Exception {
        try (BertModel m = model(23)) {
            // As an old BertForPreTraining checkpoint: "bert." prefix, LayerNorm.gamma/beta, pooler, cls head,
            // position_ids.
            List<RawTensor> r = raws(m, n -> "bert." + n.replace("LayerNorm.weight",
                    "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta"));
            r.add(RawTensor.ofFloats("bert.pooler.dense.weight", new long[]{32, 32}, new float[32 * 32]));
            r.add(RawTensor.ofFloats("bert.pooler.dense.bias", new long[]{32}, new float[32]));
            r.add(RawTensor.ofFloats("cls.predictions.bias", new long[]{100}, new float[100]));
            r.add(RawTensor.ofLongs("bert.embeddings.position_ids", new long[]{1, 64}, new long[64]));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), r);
            m.config().write(tmp.resolve("config.json"));
            var err = new java.io.ByteArrayOutputStream();
            var old = System.err;
            System.setErr(new java.io.PrintStream(err));
            try (BertModel back = BertCheckpoint.load(tmp)) {
                assertArrayEquals(BertModelTest.hidden(m), BertModelTest.hidden(back));
            } finally {
                System.setErr(old);
            }
            assertEquals("", err.toString(), "ignored tensors must not be reported as unexpected");
        }
    }

    @Test
    void unexpectedTensorsAreReported(@TempDir Path tmp) throws Exception {
        try (BertModel m = model(24)) {
            List<RawTensor> r = raws(m, n -> n);
            r.add(RawTensor.ofFloats("encoder.layer.9.extra.weight", new long[]{2}, new float[2]));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), r);
            m.config().write(tmp.resolve("config.json"));
            var err = new java.io.ByteArrayOutputStream();
            var old = System.err;
            System.setErr(new java.io.PrintStream(err));
            try (BertModel back = BertCheckpoint.load(tmp)) {
                assertNotNull(back);
            } finally {
                System.setErr(old);
            }
            assertTrue(err.toString().contains("encoder.layer.9.extra.weight"), err.toString());
        }
    }

    @Test
    void missingOrMisshapedTensorIsAUserErrorNamingFileAndKey(@TempDir Path tmp) throws Exception {
        try (BertModel m = model(25)) {
            Path a = tmp.resolve("missing");
            List<RawTensor> r = raws(m, n -> n);
            r.removeIf(t -> t.name().equals("encoder.layer.1.attention.self.key.bias"));
            SafetensorsWriter.write(a.resolve("model.safetensors"), r);
            m.config().write(a.resolve("config.json"));
            UserError e = assertThrows(UserError.class, () -> BertCheckpoint.load(a));
            assertTrue(e.getMessage().contains(a.resolve("model.safetensors").toString()), e.getMessage());
            assertTrue(e.getMessage().contains("'encoder.layer.1.attention.self.key.bias' is missing"), e.getMessage());

            Path b = tmp.resolve("shape");
            List<RawTensor> r2 = raws(m, n -> n);
            r2.replaceAll(t -> t.name().equals("embeddings.position_embeddings.weight")
                    ? RawTensor.ofFloats(t.name(), new long[]{32, 32}, new float[32 * 32]) : t);
            SafetensorsWriter.write(b.resolve("model.safetensors"), r2);
            m.config().write(b.resolve("config.json"));
            e = assertThrows(UserError.class, () -> BertCheckpoint.load(b));
            assertTrue(e.getMessage()
                    .contains("model.safetensors: tensor 'embeddings.position_embeddings.weight' has shape [32, 32]"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("[64, 32]"), e.getMessage());

            UserError noCfg = assertThrows(UserError.class, () -> BertCheckpoint.load(tmp.resolve("nowhere")));
            assertTrue(noCfg.getMessage().contains("config.json"), noCfg.getMessage());
        }
    }

    @Test
    void configReadsHfFilesWritesBackAndRejectsBadOnes(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("config.json");
        // A real bert-base-uncased config.json (fields as on the hub), no pooling: Contriever's default "average".
        Files.writeString(f, """
                {"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1,
                 "gradient_checkpointing": false,
                 "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
                 "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
                 "model_type": "bert",
                 "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0,
                 "position_embedding_type": "absolute",
                 "transformers_version": "4.6.0.dev0", "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522}
                """);
        BertConfig c = BertConfig.read(f);
        assertEquals(BertConfig.preset("bert-base-uncased"), c);
        assertEquals(Pooling.AVERAGE, c.pooling());
        BertConfig sq = BertConfig.preset("tiny").withPooling(Pooling.SQRT);
        sq.write(f);
        assertEquals(sq, BertConfig.read(f));

        Files.writeString(f, "{\"hidden_size\": \"big\"}");
        UserError e = assertThrows(UserError.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("hidden_size"), e.getMessage());
        Files.writeString(f, "{\"hidden_act\": \"swish\"}");
        e = assertThrows(UserError.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().contains("hidden_act") && e.getMessage().contains("swish"), e.getMessage());
        Files.writeString(f, "{\"pooling\": \"max\"}");
        e = assertThrows(UserError.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().contains("pooling") && e.getMessage().contains("max"), e.getMessage());
        Files.writeString(f, "{\"hidden_size\": 100, \"num_attention_heads\": 12}");
        e = assertThrows(UserError.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().contains("not a multiple"), e.getMessage());
        Files.writeString(f, "{\"model_type\": \"t5\"}");
        assertThrows(UserError.class, () -> BertConfig.read(f));
        Files.writeString(f, "{\"hidden_size\": 7");
        e = assertThrows(UserError.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
        assertThrows(UserError.class, () -> BertConfig.preset("roberta"));
        assertEquals(Set.of("bert-base-uncased", "contriever", "contriever-msmarco", "tiny"),
                Set.copyOf(BertConfig.presetNames()));
    }

    @Test
    void halfPrecisionCheckpointWidens(@TempDir Path tmp) throws Exception {
        try (BertModel m = model(26)) {
            BertCheckpoint.save(m, tmp, DType.BF16);
            try (BertModel back = BertCheckpoint.load(tmp)) {
                float[] a = Tensors.toFloats(m.parameters().get("encoder.layer.0.attention.self.query.weight"));
                float[] b = Tensors.toFloats(back.parameters().get("encoder.layer.0.attention.self.query.weight"));
                for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], Math.abs(a[i]) / 128 + 1e-6);
            }
        }
    }
}
