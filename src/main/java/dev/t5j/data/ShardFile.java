package dev.t5j.data;

import java.util.Arrays;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The t5j cache shard format, version 1 (little-endian; see docs/data.md):
 * <pre>
 * header  : "T5JSHARD" | u32 version=1 | u32 flags=0
 * records : u32 payloadBytes | u16 fieldCount | fieldCount × (u16 nameIndex | u8 type | value)
 *           type 1 string  : u32 n | n UTF-8 bytes      type 5 long    : i64
 *           type 2 ids u16 : u32 n | n × u16            type 6 double  : f64
 *           type 3 ids i32 : u32 n | n × i32            type 7 boolean : u8
 *           type 4 strings : u32 count | count × (u32 n | n UTF-8 bytes)
 * footer  : u32 nameCount | nameCount × (u16 n | n UTF-8 bytes) | numExamples × u64 record offset
 * trailer : u64 numExamples | u64 footerOffset | u32 crc32(bytes [0, footerOffset)) | "T5JSEND1"
 * </pre>
 * Token ids are stored as u16 when all fit (any vocabulary up to 65,536 ids), else i32. The offset index gives O(1)
 * access to any example, which makes resuming from a cache instant.
 */
public final class ShardFile {
    static final byte[] MAGIC = "T5JSHARD".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "T5JSEND1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int TRAILER = 8 + 8 + 4 + 8;
    private static final byte STRING = 1, IDS16 = 2, IDS32 = 3, STRINGS = 4, LONG = 5, DOUBLE = 6, BOOL = 7;

    private ShardFile() {}

    /** Streams examples into an output stream (use inside {@code AtomicFiles.write}). */
    public static final class Writer {
        private final OutputStream out;
        private final CRC32 crc = new CRC32();
        private final Map<String, Integer> names = new HashMap<>();
        private final List<String> nameList = new ArrayList<>();
        private long[] offsets = new long[1024];
        private int count;
        private long position;
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        public Writer(OutputStream out) throws IOException {
            this.out = out;
            ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(VERSION).putInt(0);
            emit(h.array(), 16, true);
        }

        private void emit(byte[] b, int n, boolean checksum) throws IOException {
            out.write(b, 0, n);
            if (checksum) crc.update(b, 0, n);
            position += n;
        }

        private void ensure(int more) {
            if (buf.remaining() >= more) return;
            int cap = Math.max(buf.capacity() * 2, buf.position() + more + 1024);
            ByteBuffer nb = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            nb.put(buf);
            buf = nb;
        }

        private void putString(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            ensure(4 + b.length);
            buf.putInt(b.length).put(b);
        }

        public void write(Example e) throws IOException {
            buf.clear();
            ensure(6);
            buf.putInt(0).putShort((short) e.size());
            for (var en : e.asMap().entrySet()) {
                Object v = en.getValue();
                if (v == null) throw new IllegalArgumentException("null field " + en.getKey());
                Integer idx = names.get(en.getKey());
                if (idx == null) {
                    if (nameList.size() >=
                            65535) throw new UserError("too many distinct field names for a cache shard");
                    idx = nameList.size();
                    names.put(en.getKey(), idx);
                    nameList.add(en.getKey());
                }
                ensure(3);
                buf.putShort((short) (int) idx);
                if (v instanceof int[] a) {
                    boolean small = true;
                    for (int x : a) if (x < 0 || x > 0xFFFF) { small = false; break; }
                    ensure(5 + a.length * (small ? 2 : 4));
                    buf.put(small ? IDS16 : IDS32).putInt(a.length);
                    if (small) for (int x : a) buf.putShort((short) x);
                    else for (int x : a) buf.putInt(x);
                } else if (v instanceof String s) {
                    ensure(1);
                    buf.put(STRING);
                    putString(s);
                } else if (v instanceof List<?> l) {
                    ensure(5);
                    buf.put(STRINGS).putInt(l.size());
                    for (Object o : l) putString((String) o);
                } else if (v instanceof Long x) {
                    ensure(9);
                    buf.put(LONG).putLong(x);
                } else if (v instanceof Double x) {
                    ensure(9);
                    buf.put(DOUBLE).putDouble(x);
                } else if (v instanceof Boolean x) {
                    ensure(2);
                    buf.put(BOOL).put((byte) (x ? 1 : 0));
                } else throw new IllegalArgumentException("cannot cache field type " + v.getClass());
            }
            int len = buf.position();
            buf.putInt(0, len - 4);
            if (count == offsets.length) offsets = Arrays.copyOf(offsets, count * 2);
            offsets[count++] = position;
            emit(buf.array(), len, true);
        }

        public int count() {
            return count;
        }

        /** Writes footer and trailer; returns the CRC32 of the data region. */
        public long finish() throws IOException {
            long footerOffset = position;
            long dataCrc = crc.getValue();
            buf.clear();
            ensure(4);
            buf.putInt(nameList.size());
            for (String n : nameList) {
                byte[] b = n.getBytes(StandardCharsets.UTF_8);
                ensure(2 + b.length);
                buf.putShort((short) b.length).put(b);
            }
            ensure(8 * count + TRAILER);
            for (int i = 0; i < count; i++) buf.putLong(offsets[i]);
            buf.putLong(count).putLong(footerOffset).putInt((int) dataCrc).put(END);
            emit(buf.array(), buf.position(), false);
            return dataCrc;
        }
    }

    /** A memory-mapped shard: random access to any record. Thread-safe (each read uses its own buffer view). */
    public static final class Reader {
        private final Path path;
        private final MappedByteBuffer map;
        private final String[] names;
        private final long[] offsets;
        private final long footerOffset;
        private final int storedCrc;

        public Reader(Path path) {
            this.path = path;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE) throw UserError.atByte(path, 0,
                        "shard larger than 2 GiB; cache with more shards (--shards)");
                if (size < 16 + TRAILER) throw UserError.atByte(path, 0, "truncated cache shard (" + size + " bytes)");
                map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                map.order(ByteOrder.LITTLE_ENDIAN);
                byte[] m = new byte[8];
                map.get(0, m);
                if (!Arrays.equals(m, MAGIC)) throw UserError.atByte(path, 0,
                        "not a t5j cache shard (bad magic)");
                int version = map.getInt(8);
                if (version != VERSION) throw UserError.atByte(path, 8, "cache shard format version " + version
                        + ", this t5j reads version " + VERSION + "; rebuild the cache");
                int t = (int) size - TRAILER;
                byte[] end = new byte[8];
                map.get(t + 20, end);
                if (!Arrays.equals(end, END)) throw UserError.atByte(path, t + 20,
                        "truncated or corrupt cache shard (no end marker)");
                long n = map.getLong(t);
                footerOffset = map.getLong(t + 8);
                storedCrc = map.getInt(t + 16);
                if (footerOffset < 16 || footerOffset > t || n < 0 || n > (t - footerOffset) / 8)
                    throw UserError.atByte(path, t, "corrupt cache shard trailer");
                int p = (int) footerOffset;
                int nameCount = map.getInt(p);
                p += 4;
                names = new String[nameCount];
                for (int i = 0; i < nameCount; i++) {
                    int len = Short.toUnsignedInt(map.getShort(p));
                    byte[] b = new byte[len];
                    map.get(p + 2, b);
                    names[i] = new String(b, StandardCharsets.UTF_8);
                    p += 2 + len;
                }
                offsets = new long[(int) n];
                for (int i = 0; i < n; i++) offsets[i] = map.getLong(p + 8 * i);
            } catch (IOException e) {
                throw new UserError(path + ": cannot read cache shard: " + e.getMessage(), e);
            }
        }

        public int numExamples() {
            return offsets.length;
        }

        public Path path() {
            return path;
        }

        /** Recomputes the data CRC and compares it with the stored one. */
        public boolean verify() {
            CRC32 crc = new CRC32();
            ByteBuffer view = map.duplicate();
            view.position(0).limit((int) footerOffset);
            crc.update(view);
            return (int) crc.getValue() == storedCrc;
        }

        public Example read(int index) {
            ByteBuffer b = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int p = (int) offsets[index];
            try {
                b.position(p);
                int len = b.getInt();
                int end = b.position() + len;
                int nf = Short.toUnsignedInt(b.getShort());
                LinkedHashMap<String, Object> m = new LinkedHashMap<>(nf * 2);
                for (int f = 0; f < nf; f++) {
                    String name = names[Short.toUnsignedInt(b.getShort())];
                    byte type = b.get();
                    Object v;
                    switch (type) {
                        case STRING -> v = getString(b);
                        case IDS16 -> {
                            int[] a = new int[b.getInt()];
                            for (int i = 0; i < a.length; i++) a[i] = Short.toUnsignedInt(b.getShort());
                            v = a;
                        }
                        case IDS32 -> {
                            int[] a = new int[b.getInt()];
                            b.asIntBuffer().get(a);
                            b.position(b.position() + 4 * a.length);
                            v = a;
                        }
                        case STRINGS -> {
                            int c = b.getInt();
                            List<String> l = new ArrayList<>(c);
                            for (int i = 0; i < c; i++) l.add(getString(b));
                            v = l;
                        }
                        case LONG -> v = b.getLong();
                        case DOUBLE -> v = b.getDouble();
                        case BOOL -> v = b.get() != 0;
                        default -> throw UserError.atByte(path, b.position() - 1, "corrupt cache record " + index
                                + ": unknown field type " + type);
                    }
                    m.put(name, v);
                }
                if (b.position() != end) throw UserError.atByte(path, p, "corrupt cache record " + index
                        + ": length mismatch");
                return Example.of(m, new Example.Origin(path, index + 1L));
            } catch (RuntimeException e) {
                if (e instanceof UserError) throw e;
                throw UserError.atByte(path, p, "corrupt cache record " + index + ": " + e);
            }
        }

        private static String getString(ByteBuffer b) {
            int n = b.getInt();
            return new String(bytes(b, n), StandardCharsets.UTF_8);
        }

        private static byte[] bytes(ByteBuffer b, int n) {
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }
    }
}
