package dev.t5j.model;

import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.DType;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.TensorSource;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    static final int[][] IN = {{5, 17, 3, 99, 42, 7, 1}};
    static final int[][] DEC = {{0, 12, 9, 300}};

    static float[] logits(T5ForConditionalGeneration m) {
        try (var s = new PointerScope(); var ng = new NoGradGuard()) {
            return Tensors.toFloats(m.forward(Tensors.longs(IN, 0), null, Tensors.longs(DEC, 0)));
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalLogits(@TempDir Path tmp) throws Exception {
        for (String preset : List.of("tiny", "tiny-v1_1")) {
            Path dir = tmp.resolve(preset);
            try (var m = T5ForConditionalGeneration.init(T5Config.preset(preset), 77)) {
                Checkpoint.save(m, dir);
                assertTrue(Files.isRegularFile(dir.resolve("config.json")));
                assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
                try (var back = Checkpoint.load(dir)) {
                    assertEquals(m.config(), back.config());
                    assertArrayEquals(logits(m), logits(back), preset);
                }
            }
        }
    }

    @Test
    void shardedSaveLoadsBack(@TempDir Path tmp) throws Exception {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 78)) {
            Checkpoint.save(m, tmp, DType.F32, 100_000);
            assertTrue(Files.isRegularFile(tmp.resolve("model.safetensors.index.json")));
            assertFalse(Files.exists(tmp.resolve("model.safetensors")));
            try (var back = Checkpoint.load(tmp)) {
                assertArrayEquals(logits(m), logits(back));
            }
        }
    }

    @Test
    void halfPrecisionCheckpointsWidenToFloat(@TempDir Path tmp) throws Exception {
        for (DType dt : List.of(DType.BF16, DType.F16)) {
            Path dir = tmp.resolve(dt.name());
            try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 79)) {
                Checkpoint.save(m, dir, dt, CheckpointFiles.DEFAULT_MAX_SHARD_BYTES);
                try (TensorSource src = CheckpointFiles.open(dir)) {
                    assertEquals(dt, src.info("shared.weight").dtype());
                }
                try (var back = Checkpoint.load(dir)) {
                    assertEquals(ScalarType.Float, back.parameters().get("shared.weight").scalar_type().intern());
                    float[] a = logits(m), b = logits(back);
                    double max = 0;
                    for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
                    assertTrue(max < 0.2, dt + " max diff " + max);
                    assertTrue(max > 0, "rounding to " + dt + " must change something");
                }
                try (var bf = Checkpoint.load(dir, ScalarType.BFloat16)) {
                    assertEquals(ScalarType.BFloat16, bf.parameters().get("shared.weight").scalar_type().intern());
                    assertEquals(logits(m).length, logits(bf).length);
                }
            }
        }
    }

    /** HF-style files may carry the embedding as encoder.embed_tokens.weight and extra ignored tensors. */
    @Test
    void acceptsHfAliasesAndIgnoredTensors(@TempDir Path tmp) throws Exception {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny"), 80)) {
            List<RawTensor> raws = new ArrayList<>();
            for (var e : m.parameters().entrySet()) {
                String name = e.getKey().equals("shared.weight") ? "encoder.embed_tokens.weight" : e.getKey();
                raws.add(RawTensor.ofFloats(name, Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue())));
            }
            raws.add(RawTensor.ofFloats("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight",
                    new long[]{32, 4}, new float[128]));
            CheckpointFiles.write(tmp, raws);
            m.config().write(tmp.resolve("config.json"));
            try (var back = Checkpoint.load(tmp)) {
                assertArrayEquals(logits(m), logits(back));
            }
        }
    }

    @Test
    void missingTensorAndShapeMismatchNameTheTensorAndFile(@TempDir Path tmp) throws Exception {
        try (var m = T5ForConditionalGeneration.init(T5Config.preset("tiny-v1_1"), 81)) {
            List<RawTensor> raws = new ArrayList<>();
            for (var e : m.parameters().entrySet()) {
                if (e.getKey().equals("lm_head.weight")) continue;
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue())));
            }
            CheckpointFiles.write(tmp, raws);
            m.config().write(tmp.resolve("config.json"));
            UserError e = assertThrows(UserError.class, () -> Checkpoint.load(tmp));
            assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains("model.safetensors"),
                    e.getMessage());

            T5Config other = m.config().withVocabSize(600);
            other.write(tmp.resolve("config.json"));
            raws.add(RawTensor.ofFloats("lm_head.weight", new long[]{512, 64}, new float[512 * 64]));
            CheckpointFiles.write(tmp, raws);
            UserError e2 = assertThrows(UserError.class, () -> Checkpoint.load(tmp));
            assertTrue(e2.getMessage().contains("shared.weight") && e2.getMessage().contains("[512, 64]")
                    && e2.getMessage().contains("[600, 64]"), e2.getMessage());
        }
    }

    @Test
    void configJsonRoundTripAndErrors(@TempDir Path tmp) throws Exception {
        for (String p : T5Config.presetNames()) {
            T5Config c = T5Config.preset(p);
            c.write(tmp.resolve("c.json"));
            assertEquals(c, T5Config.read(tmp.resolve("c.json")), p);
        }
        assertEquals(T5Config.preset("t5-v1_1-base"), T5Config.preset("google/t5-v1_1-base"));
        Files.writeString(tmp.resolve("bad.json"), "{\"d_model\": \"big\"}");
        UserError e = assertThrows(UserError.class, () -> T5Config.read(tmp.resolve("bad.json")));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("d_model"), e.getMessage());
        Files.writeString(tmp.resolve("bad2.json"), "{\"feed_forward_proj\": \"gated-swish-x\"}");
        assertThrows(UserError.class, () -> T5Config.read(tmp.resolve("bad2.json")));
        assertThrows(UserError.class, () -> Checkpoint.load(tmp.resolve("nowhere")));
    }
}
