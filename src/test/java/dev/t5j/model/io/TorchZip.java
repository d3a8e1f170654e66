package dev.t5j.model.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip laid out as torch.save (PyTorch >= 1.6, PyTorchFileWriter) lays it out: every record STORED
 * (uncompressed), its data aligned to 64 bytes by padding in an extra field with id "FB", records in the order
 * {@code <p>/data.pkl}, {@code <p>/byteorder} ("little"), {@code <p>/data/<key>} in key order, {@code <p>/version}
 * ("3\n"), {@code <p>/.data/serialization_id}. {@code <p>} is the saved file's name without extension.
 */
final class TorchZip {
    private final Map<String, byte[]> records = new LinkedHashMap<>();

    TorchZip add(String name, byte[] data) {
        records.put(name, data);
        return this;
    }

    /** The standard record set around a pickle and its storages. */
    static TorchZip standard(String prefix, byte[] pickle, Map<String, byte[]> storages) {
        TorchZip z = new TorchZip().add(prefix + "/data.pkl", pickle)
                .add(prefix + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        storages.keySet().stream().sorted().forEach(k -> z.add(prefix + "/data/" + k, storages.get(k)));
        z.add(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        z.add(prefix + "/.data/serialization_id", "1234567890".getBytes(StandardCharsets.US_ASCII));
        return z;
    }

    void write(Path file) throws IOException {
        try (Counting count = new Counting(Files.newOutputStream(file)); ZipOutputStream zip =
                new ZipOutputStream(count)) {
            for (var e : records.entrySet()) {
                byte[] data = e.getValue();
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(data.length);
                ze.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                ze.setCrc(crc.getValue());
                int nameLen = e.getKey().getBytes(StandardCharsets.UTF_8).length;
                long start = count.count + 30 + nameLen + 4; // local header, name, "FB" extra header
                int pad = (int) ((64 - start % 64) % 64);
                byte[] extra = new byte[4 + pad];
                extra[0] = 'F';
                extra[1] = 'B';
                extra[2] = (byte) pad;
                extra[3] = (byte) (pad >>> 8);
                ze.setExtra(extra);
                zip.putNextEntry(ze);
                zip.write(data);
                zip.closeEntry();
            }
        }
    }

    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /**
     * A state dict pickled as torch.save pickles it (protocol 2), for tensors over given storages, with the
     * pickler's memo: the rebuild function, the 'storage' tag, each storage class, each storage key and 'cpu' are
     * written once and fetched with BINGET afterwards.
     */
    static final class StateDict {
        record T(String name, String storageType, String key, long storageNumel, long offset, long[] size,
                long[] stride) {}

        final List<T> tensors = new ArrayList<>();

        StateDict add(String name, String storageType, String key, long storageNumel, long offset, long[] size,
                long[] stride) {
            tensors.add(new T(name, storageType, key, storageNumel, offset, size, stride));
            return this;
        }

        byte[] pickle() {
            PickleBytes p = new PickleBytes();
            Map<String, Integer> memo = new HashMap<>();
            p.proto(2);
            p.global("collections", "OrderedDict").put();               // memo 0: OrderedDict
            p.emptyTuple().reduce().put();                               // memo 1: the state dict
            p.mark();
            for (T t : tensors) {
                p.str(t.name()).put();
                memoGlobal(p, memo, "torch._utils", "_rebuild_tensor_v2");
                p.mark();                                                // args of _rebuild_tensor_v2
                p.mark();                                                // persistent id tuple
                memoStr(p, memo, "storage");
                memoGlobal(p, memo, "torch", t.storageType());
                memoStr(p, memo, t.key());
                memoStr(p, memo, "cpu");
                p.integer(t.storageNumel());
                p.tuple().put();
                p.binpersid();
                p.integer(t.offset());
                sizeTuple(p, t.size());
                sizeTuple(p, t.stride());
                p.newFalse();                                            // requires_grad
                p.get(0).emptyTuple().reduce().put();                    // backward_hooks = OrderedDict()
                p.tuple().put();
                p.reduce().put();
            }
            p.setitems();
            // state = {'_metadata': OrderedDict([('', {'version': 1})])}, then BUILD
            p.emptyDict().put().str("_metadata").put().get(0).emptyTuple().reduce().put();
            p.str("").put().emptyDict().put().str("version").put().integer(1).setitem().setitem();
            p.setitem().build().stop();
            return p.bytes();
        }

        private static void memoStr(PickleBytes p, Map<String, Integer> memo, String s) {
            Integer i = memo.get("s:" + s);
            if (i != null) {
                p.get(i);
            } else {
                p.str(s).put();
                memo.put("s:" + s, p.lastMemo());
            }
        }

        private static void memoGlobal(PickleBytes p, Map<String, Integer> memo, String module, String name) {
            Integer i = memo.get("g:" + module + "." + name);
            if (i != null) {
                p.get(i);
            } else {
                p.global(module, name).put();
                memo.put("g:" + module + "." + name, p.lastMemo());
            }
        }

        static void sizeTuple(PickleBytes p, long[] v) {
            if (v.length == 0) {
                p.emptyTuple();
                return;
            }
            if (v.length > 3) p.mark();
            for (long x : v) p.integer(x);
            switch (v.length) {
                case 1 -> p.tuple1();
                case 2 -> p.tuple2();
                case 3 -> p.tuple3();
                default -> p.tuple();
            }
            p.put();
        }
    }
}
