package dev.t5j.model.io;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** 8-byte little-endian header length, the header bytes as given, then the data: a file built byte by byte. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] f32le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsAHandBuiltFile() throws IOException {
        // Two tensors in data order; header unpadded (the format does not require padding).
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"hi\"},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
        byte[] data = new byte[28];
        System.arraycopy(f32le(0, 1, 2, 3, 4, 5), 0, data, 0, 24);
        data[24] = (byte) 0x80; data[25] = (byte) 0x3f; // bf16 1.0 = 0x3f80
        data[26] = (byte) 0x00; data[27] = (byte) 0xc0; // bf16 -2.0 = 0xc000
        Path p = write("hand.safetensors", file(header, data));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(List.of("a", "b"), r.names()); // data order
            assertEquals(Map.of("format", "pt", "note", "hi"), r.metadata());
            RawTensor a = r.get("a");
            assertEquals(DType.F32, a.dtype());
            assertArrayEquals(new long[]{2, 3}, a.shape());
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, a.toFloatArray());
            assertTrue(a.data().isDirect(), "mapped, not copied");
            assertArrayEquals(new float[]{1, -2}, r.get("b").toFloatArray());
            assertEquals(r.get("a"), r.getCopy("a"));
            assertFalse(r.getCopy("a").data().isDirect());
            assertArrayEquals(new long[]{2}, r.info("b").shape());
            assertEquals(28, r.totalBytes());
        }
    }

    @Test
    void writerMatchesTheReferenceLayoutByteForByte() throws IOException {
        // The safetensors reference serialises {"attn.0": F32 [1,2,3] = 0..5} without metadata as exactly:
        // u64 LE 64, then this 64-byte header (no padding needed), then the 24 data bytes.
        RawTensor t = RawTensor.ofFloats("attn.0", new long[]{1, 2, 3}, new float[]{0, 1, 2, 3, 4, 5});
        Path p = dir.resolve("ref.safetensors");
        SafetensorsWriter.write(p, List.of(t), null);
        String header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(64, header.length());
        assertArrayEquals(file(header, f32le(0, 1, 2, 3, 4, 5)), Files.readAllBytes(p));

        // A shorter name needs padding: spaces up to a multiple of 8, so the data stays 8-aligned.
        RawTensor u = t.withName("attn0");
        SafetensorsWriter.write(p, List.of(u), null);
        String h2 = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(63, h2.length());
        assertArrayEquals(file(h2 + " ", f32le(0, 1, 2, 3, 4, 5)), Files.readAllBytes(p));
    }

    @Test
    void writerOrdersByDescendingAlignmentThenNameWithMetadataFirst() throws IOException {
        List<RawTensor> ts = List.of(
                RawTensor.ofFloats("z.f16", new long[]{3}, new float[]{1, 2, 3}, DType.F16),
                RawTensor.ofFloats("b.f32", new long[]{1}, new float[]{1}),
                RawTensor.ofLongs("c.i64", new long[]{1}, new long[]{9}),
                RawTensor.ofFloats("a.f32", new long[]{1}, new float[]{2}));
        Path p = dir.resolve("order.safetensors");
        SafetensorsWriter.write(p, ts);
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"c.i64\":"), header);
        assertTrue(header.indexOf("\"a.f32\"") < header.indexOf("\"b.f32\"")
                && header.indexOf("\"b.f32\"") < header.indexOf("\"z.f16\""));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(List.of("c.i64", "a.f32", "b.f32", "z.f16"), r.names());
            for (RawTensor t : ts) assertEquals(t, r.get(t.name()));
        }
        assertEquals(Files.size(p), SafetensorsWriter.fileSize(ts, SafetensorsWriter.PT_METADATA));
    }

    static List<RawTensor> allDtypes(SplittableRandom rnd) {
        List<RawTensor> ts = new ArrayList<>();
        long[][] shapes = {{3, 5}, {7}, {2, 1, 3}, {}, {0, 4}};
        int k = 0;
        for (DType d : DType.values()) {
            long[] shape = shapes[k++ % shapes.length];
            int bytes = (int) (RawTensor.numel(shape) * d.size());
            byte[] data = new byte[bytes];
            for (int i = 0; i < bytes; i++) data[i] = (byte) rnd.nextInt(256);
            if (d == DType.BOOL) for (int i = 0; i < bytes; i++) data[i] &= 1;
            ts.add(new RawTensor("t." + d.name().toLowerCase(), d, shape, ByteBuffer.wrap(data)));
        }
        return ts;
    }

    @Test
    void roundTripsEveryDtypeAlignedBothMappingModes() throws IOException {
        List<RawTensor> ts = allDtypes(new SplittableRandom(1));
        Path p = dir.resolve("all.safetensors");
        SafetensorsWriter.write(p, ts, Map.of("format", "pt", "k", "v"));
        for (long limit : new long[]{Integer.MAX_VALUE, 0}) { // whole-file mapping, then one mapping per tensor
            try (SafetensorsReader r = SafetensorsReader.open(p, limit)) {
                assertEquals(ts.size(), r.names().size());
                assertEquals(Map.of("format", "pt", "k", "v"), r.metadata());
                for (RawTensor t : ts) {
                    RawTensor got = r.get(t.name());
                    assertEquals(t, got);
                    assertArrayEquals(t.shape(), got.shape());
                }
            }
        }
        // Every tensor starts at a multiple of its element size (absolute file offset).
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        var root = Json.MAPPER.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        for (RawTensor t : ts) {
            long begin = root.get(t.name()).get("data_offsets").get(0).longValue();
            assertEquals(0, (8 + n + begin) % t.dtype().size(), t.name());
        }
    }

    @Test
    void writeIsAtomicAndReplaces() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafetensorsWriter.write(p, List.of(RawTensor.ofFloats("x", new long[]{1}, new float[]{1})));
        SafetensorsWriter.write(p, List.of(RawTensor.ofFloats("y", new long[]{1}, new float[]{2})));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(List.of("y"), r.names());
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary files left behind");
        }
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(p, List.of(
                RawTensor.ofFloats("x", new long[]{1}, new float[]{1}), RawTensor.ofFloats("x", new long[]{1},
                        new float[]{1}))));
    }

    // ---- strict validation: every message names the file, and the tensor where there is one ----

    UserError fails(String name, byte[] bytes) throws IOException {
        Path p = write(name, bytes);
        UserError e = assertThrows(UserError.class, () -> SafetensorsReader.open(p).close());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        return e;
    }

    static final String TWO = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]}}";

    @Test
    void truncatedFileNamesTheTensorCut() throws IOException {
        byte[] good = file(TWO, f32le(1, 2, 3, 4, 5));
        UserError e = fails("trunc.safetensors", Arrays.copyOf(good, good.length - 3));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("tensor 'b'"), e.getMessage());
        // Cut inside the header.
        UserError h = fails("trunc2.safetensors", Arrays.copyOf(good, 20));
        assertTrue(h.getMessage().contains("header length"), h.getMessage());
        UserError tiny = fails("trunc3.safetensors", new byte[]{1, 2, 3});
        assertTrue(tiny.getMessage().contains("truncated"), tiny.getMessage());
    }

    @Test
    void headerLengthBeyondFileOrLimit() throws IOException {
        byte[] b = file(TWO, f32le(1, 2, 3, 4, 5));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertTrue(fails("huge.safetensors", b).getMessage().contains("header length"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length);
        assertTrue(fails("past.safetensors", b).getMessage().contains("past the end"));
    }

    @Test
    void invalidJsonAndBadStructure() throws IOException {
        assertTrue(fails("json.safetensors", file("{\"a\":{\"dtype\":",
                new byte[0])).getMessage().contains("invalid JSON"));
        assertTrue(fails("tail.safetensors", file("{} x", new byte[0])).getMessage().contains("invalid JSON"));
        assertTrue(fails("arr.safetensors", file("[1,2]   ", new byte[0])).getMessage().contains("not a JSON object"));
        String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertTrue(fails("dup.safetensors", file(dup, f32le(1, 2))).getMessage().contains("Duplicate"));
        String meta = "{\"__metadata__\":{\"n\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertTrue(fails("meta.safetensors", file(meta, f32le(1))).getMessage().contains("__metadata__"));
        String neg = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}";
        UserError e = fails("neg.safetensors", file(neg, f32le(1)));
        assertTrue(e.getMessage().contains("tensor 'a'") && e.getMessage().contains("shape"), e.getMessage());
        String noOffsets = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}";
        assertTrue(fails("noofs.safetensors", file(noOffsets,
                f32le(1))).getMessage().contains("tensor 'a': field 'data_offsets'"));
    }

    @Test
    void unknownDtypeNamesTensorAndDtype() throws IOException {
        String h = "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}";
        UserError e = fails("dtype.safetensors", file(h, new byte[4]));
        assertTrue(e.getMessage().contains("tensor 'q'") && e.getMessage().contains("unknown dtype 'F8_E4M3'"),
                e.getMessage());
    }

    @Test
    void badOffsetsAreRejected() throws IOException {
        // size does not match shape x dtype
        String size = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        UserError e1 = fails("size.safetensors", file(size, f32le(1, 2)));
        assertTrue(e1.getMessage().contains("tensor 'a'") && e1.getMessage().contains("needs 12"), e1.getMessage());
        // overlap
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        UserError e2 = fails("overlap.safetensors", file(overlap, f32le(1, 2, 3)));
        assertTrue(e2.getMessage().contains("tensor 'b'") && e2.getMessage().contains("overlap tensor 'a'"),
                e2.getMessage());
        // gap
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        UserError e3 = fails("gap.safetensors", file(gap, f32le(1, 2)));
        assertTrue(e3.getMessage().contains("tensor 'a'") && e3.getMessage().contains("gap"), e3.getMessage());
        // end before begin
        String rev = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}";
        assertTrue(fails("rev.safetensors", file(rev, f32le(1))).getMessage().contains("tensor 'a'"));
        // out of range: offsets beyond the data section
        String out = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        UserError e5 = fails("out.safetensors", file(out, f32le(1, 2)));
        assertTrue(e5.getMessage().contains("tensor 'a'") && e5.getMessage().contains("byte "), e5.getMessage());
        // trailing bytes nobody owns
        String trail = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertTrue(fails("trail.safetensors", file(trail, f32le(1, 2))).getMessage().contains("trailing"));
    }

    @Test
    void missingTensorAndMissingFile() throws IOException {
        Path p = write("ok.safetensors", file(TWO, f32le(1, 2, 3, 4, 5)));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            UserError e = assertThrows(UserError.class, () -> r.get("zzz"));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("'zzz'"));
        }
        UserError e = assertThrows(UserError.class, () -> SafetensorsReader.open(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("nope.safetensors") && e.getMessage().contains("not found"));
    }

    @Test
    void emptyFileWithOnlyMetadataIsValid() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        SafetensorsWriter.write(p, List.of());
        assertEquals(8 + 32, Files.size(p)); // {"__metadata__":{"format":"pt"}} is 31 bytes, padded to 32
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(List.of(), r.names());
        }
    }
}
