package dev.t5j.model.io;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PyTorchBinReaderTest {
    @TempDir
    Path dir;

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    static byte[] bf16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putShort(HalfFloats.floatToBf16(f));
        return b.array();
    }

    static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    /**
     * The pickle torch.save(state_dict) writes (protocol 2) for:
     * <pre>
     *   s0 = torch.arange(8.)                          # FloatStorage, key '0'
     *   sd = OrderedDict(
     *     a.weight = s0[:6].view(2, 3),                 # offset 0, size (2,3), stride (3,1)
     *     a.tail   = s0[6:],                            # same storage, offset 6: shared + offset
     *     a.t      = s0[:6].view(2, 3).t(),             # size (3,2), stride (1,3): non-contiguous
     *     b.bf16   = tensor([1, -2, .5], bfloat16),     # BFloat16Storage, key '1'
     *     c.param  = Parameter(tensor([7, 2**40])),     # LongStorage, key '2', via _rebuild_parameter
     *     tied     = sd['a.weight'])                    # the same object again: one BINGET
     * </pre>
     * Opcodes, with the memo index each BINPUT ('q') assigns:
     */
    static byte[] handWrittenPickle() {
        PickleBytes p = new PickleBytes();
        p.proto(2);                                                          // 80 02
        p.global("collections", "OrderedDict").put();                       // c collections\nOrderedDict\n q00
        p.emptyTuple().reduce().put();                                       // ) R q01  -> the state dict
        p.mark();                                                            // (
        // 'a.weight': _rebuild_tensor_v2(storage, 0, (2,3), (3,1), False, OrderedDict())
        p.str("a.weight").put();                                             // X 'a.weight' q02
        p.global("torch._utils", "_rebuild_tensor_v2").put();                // c torch._utils\n_rebuild_tensor_v2\n q03
        p.mark();                                                            // (  args
        p.mark();                                                            // (  persistent id
        p.str("storage").put();                                              // X 'storage' q04
        p.global("torch", "FloatStorage").put();                             // c torch\nFloatStorage\n q05
        p.str("0").put();                                                    // X '0' q06  (storage key)
        p.str("cpu").put();                                                  // X 'cpu' q07 (location)
        p.integer(8);                                                        // K 08 (storage numel)
        p.tuple().put();                                                     // t q08
        p.binpersid();                                                       // Q
        p.integer(0);                                                        // K 00 storage_offset
        p.integer(2).integer(3).tuple2().put();                              // K02 K03 86 q09 size
        p.integer(3).integer(1).tuple2().put();                              // K03 K01 86 q0a stride
        p.newFalse();                                                        // 89 requires_grad
        p.get(0).emptyTuple().reduce().put();                                // h00 ) R q0b backward_hooks
        p.tuple().put();                                                     // t q0c
        p.reduce().put();                                                    // R q0d  -> tensor a.weight
        // 'a.tail': same storage (a new pid tuple whose items come from the memo), offset 6, size (2,), stride (1,)
        p.str("a.tail").put();                                               // q0e
        p.get(3).mark().mark().get(4).get(5).get(6).get(7).integer(8).tuple().put(); // q0f
        p.binpersid().integer(6);
        p.integer(2).tuple1().put();                                         // 85 q10
        p.integer(1).tuple1().put();                                         // q11
        p.newFalse().get(0).emptyTuple().reduce().put();                     // q12
        p.tuple().put().reduce().put();                                      // q13 q14
        // 'a.t': the transpose: offset 0, size (3,2), stride (1,3)
        p.str("a.t").put();                                                  // q15
        p.get(3).mark().mark().get(4).get(5).get(6).get(7).integer(8).tuple().put(); // q16
        p.binpersid().integer(0);
        p.integer(3).integer(2).tuple2().put();                              // q17
        p.integer(1).integer(3).tuple2().put();                              // q18
        p.newFalse().get(0).emptyTuple().reduce().put();                     // q19
        p.tuple().put().reduce().put();                                      // q1a q1b
        // 'b.bf16': BFloat16Storage key '1', 3 elements
        p.str("b.bf16").put();                                               // q1c
        p.get(3).mark().mark().get(4);
        p.global("torch", "BFloat16Storage").put();                          // q1d
        p.str("1").put().get(7).integer(3).tuple().put();                    // q1e q1f
        p.binpersid().integer(0);
        p.integer(3).tuple1().put();                                         // q20
        p.integer(1).tuple1().put();                                         // q21
        p.newFalse().get(0).emptyTuple().reduce().put();                     // q22
        p.tuple().put().reduce().put();                                      // q23 q24
        // 'c.param': _rebuild_parameter(_rebuild_tensor_v2(LongStorage '2', 0, (2,), (1,), False, {}), True, {})
        p.str("c.param").put();                                              // q25
        p.global("torch._utils", "_rebuild_parameter").put();                // q26
        p.get(3).mark().mark().get(4);
        p.global("torch", "LongStorage").put();                              // q27
        p.str("2").put().get(7).integer(2).tuple().put();                    // q28 q29
        p.binpersid().integer(0);
        p.integer(2).tuple1().put();                                         // q2a
        p.integer(1).tuple1().put();                                         // q2b
        p.newFalse().get(0).emptyTuple().reduce().put();                     // q2c
        p.tuple().put().reduce().put();                                      // q2d q2e  -> the data tensor
        p.op(0x88);                                                          // 88 NEWTRUE requires_grad
        p.get(0).emptyTuple().reduce().put();                                // q2f
        p.tuple3().put().reduce().put();                                     // 87 q30 R q31
        // 'tied': the a.weight tensor object again
        p.str("tied").put().get(0x0d);                                       // q32 h0d
        p.setitems();                                                        // u
        // BUILD with the OrderedDict's attributes: {'_metadata': OrderedDict([('', {'version': 1})])}
        p.emptyDict().put().str("_metadata").put().get(0).emptyTuple().reduce().put();
        p.str("").put().emptyDict().put().str("version").put().integer(1).setitem().setitem();
        p.setitem().build().stop();                                          // s b .
        return p.bytes();
    }

    static Map<String, byte[]> storages() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("0", f32(0, 1, 2, 3, 4, 5, 6, 7));
        s.put("1", bf16(1, -2, 0.5f));
        s.put("2", i64(7, 1L << 40));
        return s;
    }

    Path save(String fileName, String prefix, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path p = dir.resolve(fileName);
        TorchZip.standard(prefix, pickle, storages).write(p);
        return p;
    }

    @Test
    void readsTheTorchSaveLayout() throws IOException {
        Path p = save("pytorch_model.bin", "archive", handWrittenPickle(), storages());
        try (PyTorchBinReader r = PyTorchBinReader.open(p)) {
            assertEquals(List.of("a.weight", "a.tail", "a.t", "b.bf16", "c.param", "tied"), r.names());
            RawTensor w = r.get("a.weight");
            assertEquals(DType.F32, w.dtype());
            assertArrayEquals(new long[]{2, 3}, w.shape());
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, w.toFloatArray());
            assertArrayEquals(new float[]{6, 7}, r.get("a.tail").toFloatArray());
            RawTensor t = r.get("a.t");
            assertArrayEquals(new long[]{3, 2}, t.shape());
            assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, t.toFloatArray());
            RawTensor b = r.get("b.bf16");
            assertEquals(DType.BF16, b.dtype());
            assertArrayEquals(new float[]{1, -2, 0.5f}, b.toFloatArray());
            RawTensor c = r.get("c.param");
            assertEquals(DType.I64, c.dtype());
            assertArrayEquals(new long[]{7, 1L << 40}, c.toLongArray());
            assertEquals(w.withName("tied"), r.get("tied"));
            assertEquals(DType.BF16, r.info("b.bf16").dtype());
            assertEquals(Map.of(), r.metadata());
        }
    }

    @Test
    void plainDictRootAndRebuildFromTypeV2() throws IOException {
        // torch 1.13 wrote every tensor through _rebuild_from_type_v2(func, type, args, state) (pytorch#81616), and
        // plain-dict checkpoints (e.g. consolidated.pth) start with EMPTY_DICT instead of an OrderedDict:
        // } q00 ( X'w' c torch._tensor _rebuild_from_type_v2 ( c torch._utils _rebuild_tensor_v2
        //   c torch.nn.parameter Parameter ( (pid) Q K00 (2,) (1,) 89 ) t } t R u .
        PickleBytes p = new PickleBytes().proto(2).emptyDict().put().mark();
        p.str("w").put();
        p.global("torch._tensor", "_rebuild_from_type_v2").put();
        p.mark();
        p.global("torch._utils", "_rebuild_tensor_v2").put();
        p.global("torch.nn.parameter", "Parameter").put();
        p.mark().mark().str("storage").put().global("torch", "HalfStorage").put().str("0").put().str("cpu").put()
                .integer(2).tuple().put().binpersid();
        p.integer(0).integer(2).tuple1().put().integer(1).tuple1().put().newFalse();
        p.emptyDict().put();                                                 // backward_hooks as a plain dict
        p.tuple().put();                                                     // inner args
        p.emptyDict().put();                                                 // state
        p.tuple().put().reduce().put();
        p.setitems().stop();
        ByteBuffer h = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(0, HalfFloats.floatToF16(0.25f)).putShort(2, HalfFloats.floatToF16(-3f));
        Path file = save("consolidated.00.pth", "consolidated", p.bytes(), Map.of("0", h.array()));
        try (TensorSource r = CheckpointFiles.open(file)) {
            assertEquals(List.of("w"), r.names());
            assertEquals(DType.F16, r.get("w").dtype());
            assertArrayEquals(new float[]{0.25f, -3f}, r.get("w").toFloatArray());
        }
    }

    @Test
    void theTopFolderNameVaries() throws IOException {
        Path p = save("weights.pt", "pytorch_model", handWrittenPickle(), storages());
        try (TensorSource r = CheckpointFiles.open(p)) {
            assertArrayEquals(new float[]{6, 7}, r.get("a.tail").toFloatArray());
        }
    }

    @Test
    void generatedStateDictsWithManyTensorsUseLongMemoIndices() throws IOException {
        // 150 tensors push the memo past 255, so the pickler switches to LONG_BINPUT/LONG_BINGET.
        TorchZip.StateDict sd = new TorchZip.StateDict();
        Map<String, byte[]> st = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            st.put(Integer.toString(i), f32(i, i + 0.5f, -i));
            sd.add("layer." + i + ".w", "FloatStorage", Integer.toString(i), 3, 0,
                    new long[]{1, 3, 1, 1}, new long[]{3, 1, 1, 1});
        }
        byte[] pickle = sd.pickle();
        assertTrue(indexOf(pickle, new byte[]{'r', 0, 1, 0, 0}) >= 0, "LONG_BINPUT 256 present");
        Path p = save("big.bin", "big", pickle, st);
        try (PyTorchBinReader r = PyTorchBinReader.open(p)) {
            assertEquals(150, r.names().size());
            for (int i = 0; i < 150; i += 37) {
                RawTensor t = r.get("layer." + i + ".w");
                assertArrayEquals(new long[]{1, 3, 1, 1}, t.shape());
                assertArrayEquals(new float[]{i, i + 0.5f, -i}, t.toFloatArray());
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void gatherMatchesTheStrideDefinition() {
        // A 3-D permutation of a contiguous (4,3,2) block: size (2,3,4), stride (1,2,6), starting at element 5.
        long[] size = {2, 3, 4};
        long[] stride = {1, 2, 6};
        int offset = 5;
        float[] storage = new float[offset + 24];
        for (int i = 0; i < storage.length; i++) storage[i] = i * 1.5f;
        byte[] span = Arrays.copyOfRange(f32(storage), offset * 4, storage.length * 4);
        assertTrue(!PyTorchBinReader.isContiguous(size, stride));
        byte[] got = PyTorchBinReader.gather(span, size, stride, 4);
        ByteBuffer g = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN);
        int k = 0;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int l = 0; l < 4; l++) {
                    assertEquals(storage[offset + i + 2 * j + 6 * l], g.getFloat(4 * k++), "at " + i + "," + j + ","
                            + l);
                }
        assertTrue(PyTorchBinReader.isContiguous(new long[]{2, 1, 3}, new long[]{3, 99, 1}), "size-1 strides ignored");
        assertTrue(PyTorchBinReader.isContiguous(new long[]{}, new long[]{}));
    }

    @Test
    void scalarAndHalfTensors() throws IOException {
        TorchZip.StateDict sd = new TorchZip.StateDict()
                .add("scalar", "HalfStorage", "0", 1, 0, new long[]{}, new long[]{})
                .add("empty", "FloatStorage", "1", 0, 0, new long[]{0, 3}, new long[]{3, 1});
        ByteBuffer h = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, HalfFloats.floatToF16(1.5f));
        Path p = save("s.bin", "s", sd.pickle(), Map.of("0", h.array(), "1", new byte[0]));
        try (PyTorchBinReader r = PyTorchBinReader.open(p)) {
            RawTensor s = r.get("scalar");
            assertEquals(DType.F16, s.dtype());
            assertEquals(0, s.rank());
            assertArrayEquals(new float[]{1.5f}, s.toFloatArray());
            assertEquals(0, r.get("empty").numel());
        }
    }

    // ---- refusals and damaged files: messages name the file and the tensor ----

    UserError fails(Path p) {
        UserError e = assertThrows(UserError.class, () -> PyTorchBinReader.open(p).close());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        return e;
    }

    @Test
    void refusesGlobalsOutsideTheAllowList() throws IOException {
        // The classic exploit: os.system('echo pwned') via GLOBAL + REDUCE.
        PickleBytes p = new PickleBytes().proto(2).global("os", "system").put().str("echo pwned").tuple1().reduce()
                .stop();
        UserError e = fails(save("evil.bin", "archive", p.bytes(), Map.of()));
        assertTrue(e.getMessage().contains("os.system") && e.getMessage().contains("refusing"), e.getMessage());
        assertTrue(e.getMessage().contains("archive/data.pkl"), e.getMessage());
        // An allowed class may still not be called unless it has a Java meaning.
        PickleBytes q = new PickleBytes().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop();
        assertTrue(fails(save("evil2.bin", "archive", q.bytes(), Map.of())).getMessage().contains("cannot be called"));
    }

    @Test
    void missingOrTruncatedStorageNamesTheTensor() throws IOException {
        Map<String, byte[]> missing = storages();
        missing.remove("2");
        UserError e1 = fails(save("missing.bin", "archive", handWrittenPickle(), missing));
        assertTrue(e1.getMessage().contains("tensor 'c.param'") && e1.getMessage().contains("archive/data/2"),
                e1.getMessage());

        Map<String, byte[]> shortened = storages();
        shortened.put("0", f32(0, 1, 2, 3, 4));
        UserError e2 = fails(save("short.bin", "archive", handWrittenPickle(), shortened));
        assertTrue(e2.getMessage().contains("tensor 'a.weight'") && e2.getMessage().contains("truncated"),
                e2.getMessage());
    }

    @Test
    void viewsReachingPastTheirStorageAreRejected() throws IOException {
        TorchZip.StateDict sd = new TorchZip.StateDict().add("w", "FloatStorage", "0", 4, 2, new long[]{3},
                new long[]{1});
        UserError e = fails(save("reach.bin", "a", sd.pickle(), Map.of("0", f32(1, 2, 3, 4))));
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("reach element 4"), e.getMessage());
    }

    @Test
    void unsupportedStorageTypeNamesTheTensor() throws IOException {
        TorchZip.StateDict sd = new TorchZip.StateDict().add("z", "ComplexFloatStorage", "0", 1, 0, new long[]{1},
                new long[]{1});
        UserError e = fails(save("complex.bin", "a", sd.pickle(), Map.of("0", new byte[8])));
        assertTrue(e.getMessage().contains("tensor 'z'") && e.getMessage().contains("ComplexFloatStorage"),
                e.getMessage());
    }

    @Test
    void notAZipBigEndianAndTruncatedPickle() throws IOException {
        Path legacy = dir.resolve("legacy.bin");
        Files.write(legacy, new byte[]{(byte) 0x80, 2, (byte) 0x8a, 10});
        assertTrue(fails(legacy).getMessage().contains("not a zip"));

        Path big = dir.resolve("big-endian.bin");
        new TorchZip().add("archive/data.pkl", handWrittenPickle()).add("archive/byteorder",
                "big".getBytes()).write(big);
        assertTrue(fails(big).getMessage().contains("little-endian"));

        byte[] pk = handWrittenPickle();
        UserError e = fails(save("cut.bin", "archive", Arrays.copyOf(pk, pk.length / 2), storages()));
        assertTrue(e.getMessage().contains("truncated pickle"), e.getMessage());

        Path noPkl = dir.resolve("nopkl.bin");
        new TorchZip().add("archive/other", new byte[1]).write(noPkl);
        assertTrue(fails(noPkl).getMessage().contains("data.pkl"));
    }

    @Test
    void missingTensorNamesFileAndTensor() throws IOException {
        Path p = save("pytorch_model.bin", "archive", handWrittenPickle(), storages());
        try (PyTorchBinReader r = PyTorchBinReader.open(p)) {
            UserError e = assertThrows(UserError.class, () -> r.get("nope"));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("'nope'"));
        }
    }
}
