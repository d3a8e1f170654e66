package dev.t5j.model.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}), then the
 * data section; offsets are relative to the data section.
 *
 * <p>Validation is as strict as the reference implementation: the header must fit in the file, be valid JSON without
 * duplicate keys, and the tensors' byte ranges must tile the data section exactly (no gap, no overlap, each range
 * exactly shape × element size, ending at end of file). Every failure is a {@link UserError} naming the file, and the
 * tensor and byte offset where there is one.
 *
 * <p>Tensors are zero-copy slices of a read-only memory mapping: one mapping of the whole file when it is under
 * 2 GiB (Java's buffer limit), otherwise one mapping per tensor, made when the tensor is asked for.
 */
public final class SafetensorsReader implements TensorSource {
    /** Same cap as the reference implementation, against absurd headers. */
    static final long MAX_HEADER = 100_000_000L;
    private static final long WHOLE_MAPPING_LIMIT = Integer.MAX_VALUE;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final List<String> names;
    private final Map<String, String> metadata;
    private final ByteBuffer whole; // null: map per tensor
    private volatile boolean closed;

    private record Entry(TensorInfo info, long begin, long end) {}

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries,
                              Map<String, String> metadata, ByteBuffer whole) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.names = List.copyOf(entries.keySet());
        this.metadata = Collections.unmodifiableMap(metadata);
        this.whole = whole;
    }

    public static SafetensorsReader open(Path file) {
        return open(file, WHOLE_MAPPING_LIMIT);
    }

    /** {@code wholeMappingLimit}: largest file mapped in one piece (tests lower it to exercise per-tensor maps). */
    static SafetensorsReader open(Path file, long wholeMappingLimit) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw UserError.atByte(file, 0, "truncated safetensors file: " + size
                        + " bytes, less than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > MAX_HEADER) {
                throw UserError.atByte(file, 0, "header length " + Long.toUnsignedString(n)
                        + " is beyond the " + MAX_HEADER + "-byte limit: not a safetensors file or corrupt");
            }
            if (8 + n > size) {
                throw UserError.atByte(file, 0, "header length " + n + " runs past the end of the file (" + size
                        + " bytes): truncated or not a safetensors file");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            byte[] header = hb.array();
            long dataStart = 8 + n;
            Map<String, String> meta = new LinkedHashMap<>();
            List<Entry> list = parseHeader(file, header, meta);
            Map<String, Entry> entries = validateLayout(file, list, dataStart, size);
            ByteBuffer whole = null;
            if (size <= wholeMappingLimit) {
                whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            return new SafetensorsReader(file, ch, dataStart, entries, meta, whole);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static List<Entry> parseHeader(Path file, byte[] header, Map<String, String> meta) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header));
        } catch (CharacterCodingException e) {
            throw UserError.atByte(file, 8, "header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(header);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            long at = 8 + (loc == null || loc.getByteOffset() < 0 ? 0 : loc.getByteOffset());
            throw UserError.atByte(file, at, "invalid JSON in header: " + Json.problem(e));
        } catch (IOException e) {
            throw UserError.atByte(file, 8, "invalid JSON in header: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw UserError.atByte(file, 8, "header is not a JSON object");
        }
        List<Entry> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (v.isNull()) continue;
                if (!v.isObject()) throw UserError.atByte(file, 8, "'__metadata__' must be an object of strings");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    var kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw UserError.atByte(file, 8, "'__metadata__' value of '" + kv.getKey()
                                + "' is not a string");
                    }
                    meta.put(kv.getKey(), kv.getValue().textValue());
                }
                continue;
            }
            list.add(parseEntry(file, name, v));
        }
        return list;
    }

    private static Entry parseEntry(Path file, String name, JsonNode v) {
        if (!v.isObject()) throw tensorError(file, name, "header entry is not an object");
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) throw tensorError(file, name, "field 'dtype' missing or not a string");
        DType dtype = DType.fromSafetensors(dt.textValue());
        if (dtype == null) {
            throw tensorError(file, name, "field 'dtype': unknown dtype '" + dt.textValue() + "' (supported: "
                    + DType.supportedNames() + ")");
        }
        long[] shape = longArray(file, name, "shape", v.get("shape"), -1);
        long[] offs = longArray(file, name, "data_offsets", v.get("data_offsets"), 2);
        long numel;
        try {
            numel = RawTensor.numel(shape);
            Math.multiplyExact(numel, dtype.size());
        } catch (ArithmeticException e) {
            throw tensorError(file, name, "field 'shape': " + Arrays.toString(shape) + " overflows");
        }
        return new Entry(new TensorInfo(name, dtype, shape, file), offs[0], offs[1]);
    }

    private static long[] longArray(Path file, String name, String field, JsonNode a, int wantLen) {
        if (a == null || !a.isArray()) throw tensorError(file, name, "field '" + field + "' missing or not an array");
        if (wantLen >= 0 && a.size() != wantLen) {
            throw tensorError(file, name, "field '" + field + "' must have " + wantLen + " numbers, has " + a.size());
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < 0) {
                throw tensorError(file, name, "field '" + field + "': element " + i + " (" + x
                        + ") is not a non-negative integer");
            }
            out[i] = x.longValue();
        }
        return out;
    }

    /** Checks that the ranges tile [0, data length) exactly, in offset order, and returns the entries in that order. */
    private static Map<String, Entry> validateLayout(Path file, List<Entry> list, long dataStart, long fileSize) {
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long dataLen = fileSize - dataStart;
        long expected = 0;
        Entry prev = null;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Entry e : list) {
            String name = e.info().name();
            if (e.end() < e.begin()) {
                throw UserError.atByte(file, dataStart + e.begin(), "tensor '" + name + "': data_offsets ["
                        + e.begin() + ", " + e.end() + "] end before they begin");
            }
            long need = e.info().byteSize();
            if (e.end() - e.begin() != need) {
                throw UserError.atByte(file, dataStart + e.begin(), "tensor '" + name + "': data_offsets ["
                        + e.begin() + ", " + e.end() + "] hold " + (e.end() - e.begin()) + " bytes but shape "
                        + Arrays.toString(e.info().shape()) + " of " + e.info().dtype() + " needs " + need);
            }
            if (e.begin() < expected) {
                throw UserError.atByte(file, dataStart + e.begin(), "tensor '" + name + "': data_offsets ["
                        + e.begin() + ", " + e.end() + "] overlap tensor '" + prev.info().name() + "' ["
                        + prev.begin() + ", " + prev.end() + "]");
            }
            if (e.begin() > expected) {
                throw UserError.atByte(file, dataStart + expected, "tensor '" + name + "': data_offsets ["
                        + e.begin() + ", " + e.end() + "] leave a gap of " + (e.begin() - expected)
                        + " unused bytes before it");
            }
            if (e.end() > dataLen) {
                throw UserError.atByte(file, dataStart + e.begin(), "truncated file: tensor '" + name
                        + "' needs bytes up to " + (dataStart + e.end()) + " but the file has only " + fileSize);
            }
            out.put(name, e);
            expected = e.end();
            prev = e;
        }
        if (expected != dataLen) {
            throw UserError.atByte(file, dataStart + expected, (dataLen - expected)
                    + " trailing bytes after the last tensor's data (the header does not describe them)");
        }
        return out;
    }

    private static UserError tensorError(Path file, String name, String what) {
        return new UserError(file + ": tensor '" + name + "': " + what);
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public TensorInfo info(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.info();
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Zero-copy: a slice of the read-only file mapping. */
    @Override
    public RawTensor get(String name) {
        Entry e = entry(name);
        long len = e.end() - e.begin();
        ByteBuffer data;
        if (whole != null) {
            data = whole.slice((int) (dataStart + e.begin()), (int) len);
        } else {
            try {
                data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), len);
            } catch (IOException ex) {
                throw new UserError(file + ": tensor '" + name + "': cannot map: " + ex.getMessage(), ex);
            }
        }
        return new RawTensor(name, e.info().dtype(), e.info().shape(), data);
    }

    /** A copy on the Java heap, read with positional reads (no mapping); what a non-mmap loader does. */
    public RawTensor getCopy(String name) {
        Entry e = entry(name);
        ByteBuffer buf = ByteBuffer.allocate((int) (e.end() - e.begin()));
        try {
            readFully(channel, buf, dataStart + e.begin());
        } catch (IOException ex) {
            throw new UserError(file + ": tensor '" + name + "': cannot read: " + ex.getMessage(), ex);
        }
        buf.flip();
        return new RawTensor(name, e.info().dtype(), e.info().shape(), buf);
    }

    private Entry entry(String name) {
        if (closed) throw new IllegalStateException(file + " is closed");
        Entry e = entries.get(name);
        if (e == null) throw TensorSource.missing(file, name);
        long len = e.end() - e.begin();
        if (len > Integer.MAX_VALUE) {
            throw new UserError(file + ": tensor '" + name + "' has " + len
                    + " bytes; tensors over 2 GiB are not supported");
        }
        return e;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new IOException("unexpected end of file at byte " + pos);
            pos += r;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "safetensors " + file + " (" + names.size() + " tensors)";
    }
}
