package dev.t5j.model.io;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    /** T5-like names: 10 tensors of 400 bytes each, in model order. */
    static List<RawTensor> model() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<RawTensor> ts = new ArrayList<>();
        String[] names = {"shared.weight", "encoder.block.0.layer.0.SelfAttention.q.weight",
                "encoder.block.0.layer.0.SelfAttention.k.weight", "encoder.block.0.layer.0.SelfAttention.v.weight",
                "encoder.block.0.layer.0.SelfAttention.o.weight",
                "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                "encoder.block.0.layer.0.layer_norm.weight", "encoder.final_layer_norm.weight",
                "decoder.final_layer_norm.weight", "lm_head.weight"};
        for (String n : names) {
            float[] v = new float[100];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
            ts.add(RawTensor.ofFloats(n, new long[]{10, 10}, v));
        }
        return ts;
    }

    static List<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void singleFileWhenItFits() throws IOException {
        List<RawTensor> ts = model();
        CheckpointFiles.write(dir, ts);
        assertEquals(List.of("model.safetensors"), files(dir));
        try (TensorSource src = CheckpointFiles.open(dir)) {
            assertInstanceOf(SafetensorsReader.class, src);
            assertEquals(Map.of("format", "pt"), src.metadata());
            for (RawTensor t : ts) assertEquals(t, src.get(t.name()));
        }
    }

    @Test
    void shardedRoundTripWithHfNamesAndIndex() throws IOException {
        List<RawTensor> ts = model();
        CheckpointFiles.write(dir, ts, 1000); // two 400-byte tensors per shard -> 5 shards
        assertEquals(List.of("model-00001-of-00005.safetensors", "model-00002-of-00005.safetensors",
                "model-00003-of-00005.safetensors", "model-00004-of-00005.safetensors",
                "model-00005-of-00005.safetensors", "model.safetensors.index.json"), files(dir));
        var index = Json.read(dir.resolve("model.safetensors.index.json"));
        assertEquals(4000, index.get("metadata").get("total_size").longValue());
        assertEquals("model-00001-of-00005.safetensors", index.get("weight_map").get("shared.weight").textValue());
        assertEquals("model-00005-of-00005.safetensors", index.get("weight_map").get("lm_head.weight").textValue());
        String text = Files.readString(dir.resolve("model.safetensors.index.json"));
        assertTrue(text.startsWith("{\n  \"metadata\": {\n    \"total_size\": 4000\n  },\n  \"weight_map\": {\n    " +
                "\"decoder.final_layer_norm.weight\": "), text);
        assertTrue(text.endsWith("\"\n  }\n}\n"), text);
        try (TensorSource src = CheckpointFiles.open(dir)) {
            assertInstanceOf(ShardedTensorSource.class, src);
            // Shard by shard (two tensors each, in the given order); within a shard, file order (same dtype: by name).
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < ts.size(); i += 2) {
                expected.addAll(Stream.of(ts.get(i).name(), ts.get(i + 1).name()).sorted().toList());
            }
            assertEquals(expected, src.names());
            for (RawTensor t : ts) assertEquals(t, src.get(t.name()));
            assertEquals("4000", src.metadata().get("total_size"));
            assertEquals(5, ((ShardedTensorSource) src).shards().size());
            assertEquals(4000, src.totalBytes());
        }
    }

    @Test
    void shapeCheckNamesTensorShardAndShapes() throws IOException {
        CheckpointFiles.write(dir, model(), 1000);
        try (TensorSource src = CheckpointFiles.open(dir)) {
            assertEquals(100, src.getChecked("lm_head.weight", 10, 10).numel());
            UserError e = assertThrows(UserError.class, () -> src.getChecked("lm_head.weight", 32128, 512));
            assertTrue(e.getMessage().contains("model-00005-of-00005.safetensors")
                    && e.getMessage().contains("'lm_head.weight'")
                    && e.getMessage().contains("[10, 10]") && e.getMessage().contains("[32128, 512]"), e.getMessage());
            UserError m = assertThrows(UserError.class, () -> src.getChecked("encoder.block.9.x", 1));
            assertTrue(m.getMessage().contains("model.safetensors.index.json")
                    && m.getMessage().contains("encoder.block.9.x"));
        }
    }

    @Test
    void aTensorLargerThanTheShardSizeGetsItsOwnShard() throws IOException {
        List<RawTensor> ts = List.of(RawTensor.ofFloats("small", new long[]{1}, new float[]{1}),
                RawTensor.ofFloats("big", new long[]{100}, new float[100]),
                RawTensor.ofFloats("small2", new long[]{1}, new float[]{2}));
        CheckpointFiles.write(dir, ts, 100);
        try (TensorSource src = CheckpointFiles.open(dir)) {
            assertEquals(3, ((ShardedTensorSource) src).shards().size());
            assertEquals(List.of("small", "big", "small2"), src.names());
        }
    }

    @Test
    void rewritingRemovesStaleFilesOfTheOtherLayout() throws IOException {
        List<RawTensor> ts = model();
        CheckpointFiles.write(dir, ts, 1000);
        Files.writeString(dir.resolve("config.json"), "{}");
        CheckpointFiles.write(dir, ts.subList(0, 3)); // now fits one file: index and shards must go
        assertEquals(List.of("config.json", "model.safetensors"), files(dir));
        CheckpointFiles.write(dir, ts, 1600); // sharded again (3 shards): the single file must go, else it wins
        assertEquals(List.of("config.json", "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", "model.safetensors.index.json"), files(dir));
        CheckpointFiles.write(dir, ts, 2000); // 2 shards: the 3-shard files must go
        assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json"), files(dir));
        try (TensorSource src = CheckpointFiles.open(dir)) {
            assertEquals(10, src.names().size());
        }
    }

    @Test
    void missingShardNamesIndexShardAndTensor() throws IOException {
        CheckpointFiles.write(dir, model(), 1000);
        Files.delete(dir.resolve("model-00003-of-00005.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        UserError e = assertThrows(UserError.class, () -> CheckpointFiles.open(dir));
        String m = e.getMessage();
        assertTrue(m.contains(index.toString()) && m.contains("model-00003-of-00005.safetensors")
                && m.contains("encoder.block.0.layer.0.SelfAttention.o.weight") && m.contains("not found"), m);
    }

    @Test
    void indexPointingAtTheWrongShardNamesTheTensor() throws IOException {
        CheckpointFiles.write(dir, model(), 1000);
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace(
                "\"lm_head.weight\": \"model-00005-of-00005.safetensors\"",
                        "\"lm_head.weight\": \"model-00001-of-00005.safetensors\""));
        UserError e = assertThrows(UserError.class, () -> CheckpointFiles.open(dir));
        assertTrue(e.getMessage().contains("lm_head.weight")
                && e.getMessage().contains("model-00001-of-00005.safetensors")
                && e.getMessage().contains("does not contain"), e.getMessage());
    }

    @Test
    void badIndexFiles() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\": {}, \"weight_map\": {\"w\": \"../evil.safetensors\"}}");
        UserError e = assertThrows(UserError.class, () -> CheckpointFiles.open(dir));
        assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("'w'"), e.getMessage());
        Files.writeString(index, "{\"metadata\": {}}");
        assertTrue(assertThrows(UserError.class, () -> CheckpointFiles.open(dir)).getMessage().contains("weight_map"));
        Files.writeString(index, "{\"weight_map\": {");
        assertTrue(assertThrows(UserError.class, () -> CheckpointFiles.open(dir)).getMessage()
                .contains("invalid JSON"));
    }

    @Test
    void corruptShardNamesTheShardFile() throws IOException {
        CheckpointFiles.write(dir, model(), 1000);
        Path shard = dir.resolve("model-00002-of-00005.safetensors");
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length - 10));
        UserError e = assertThrows(UserError.class, () -> CheckpointFiles.open(dir));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("encoder.block.0.layer.0.SelfAttention.v.weight"), e.getMessage());
    }

    @Test
    void findsPytorchBinAndItsShardedIndex() throws IOException {
        // pytorch_model.bin alone
        Path one = Files.createDirectory(dir.resolve("one"));
        TorchZip.StateDict sd = new TorchZip.StateDict().add("w", "FloatStorage", "0", 2, 0, new long[]{2},
                new long[]{1});
        TorchZip.standard("archive", sd.pickle(), Map.of("0", PyTorchBinReaderTest.f32(3,
                4))).write(one.resolve("pytorch_model.bin"));
        try (TensorSource src = CheckpointFiles.open(one)) {
            assertInstanceOf(PyTorchBinReader.class, src);
            assertEquals(List.of("w"), src.names());
        }
        // safetensors wins over pytorch_model.bin, as in transformers
        CheckpointFiles.write(one, List.of(RawTensor.ofFloats("v", new long[]{1}, new float[]{1})));
        try (TensorSource src = CheckpointFiles.open(one)) {
            assertEquals(List.of("v"), src.names());
        }
        // sharded pytorch_model-0000i-of-00002.bin + pytorch_model.bin.index.json
        Path two = Files.createDirectory(dir.resolve("two"));
        TorchZip.StateDict s1 = new TorchZip.StateDict().add("a", "FloatStorage", "0", 1, 0, new long[]{1},
                new long[]{1});
        TorchZip.StateDict s2 = new TorchZip.StateDict().add("b", "BFloat16Storage", "0", 2, 0, new long[]{2},
                new long[]{1});
        TorchZip.standard("pytorch_model-00001-of-00002", s1.pickle(), Map.of("0", PyTorchBinReaderTest.f32(5)))
                .write(two.resolve("pytorch_model-00001-of-00002.bin"));
        TorchZip.standard("pytorch_model-00002-of-00002", s2.pickle(), Map.of("0", PyTorchBinReaderTest.bf16(1, 2)))
                .write(two.resolve("pytorch_model-00002-of-00002.bin"));
        Files.writeString(two.resolve("pytorch_model.bin.index.json"),
                "{\"metadata\": {\"total_size\": 8}, \"weight_map\": "
                + "{\"b\": \"pytorch_model-00002-of-00002.bin\", \"a\": \"pytorch_model-00001-of-00002.bin\"}}");
        try (TensorSource src = CheckpointFiles.open(two)) {
            assertEquals(List.of("a", "b"), src.names());
            assertEquals(5f, src.get("a").toFloatArray()[0]);
            assertEquals(DType.BF16, src.get("b").dtype());
        }
    }

    @Test
    void emptyOrMissingFolders() throws IOException {
        UserError e = assertThrows(UserError.class, () -> CheckpointFiles.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("model.safetensors"));
        assertTrue(assertThrows(UserError.class, () -> CheckpointFiles.open(dir.resolve("nope"))).getMessage()
                .contains("nope"));
        Path txt = Files.writeString(dir.resolve("weights.txt"), "x");
        assertTrue(assertThrows(UserError.class, () -> CheckpointFiles.open(txt)).getMessage()
                .contains("unknown checkpoint file type"));
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
    }
}
