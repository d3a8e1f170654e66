package dev.t5j.model.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@code .safetensors} file laid out the way the reference implementation (and so HF's
 * {@code save_file}/{@code save_pretrained}) lays it out: tensors sorted by descending dtype alignment, then by name;
 * compact JSON header with {@code __metadata__} first and the tensors in data order; header padded with spaces to a
 * multiple of 8 bytes so that every tensor starts at a multiple of its element size. The file is written atomically.
 */
public final class SafetensorsWriter {
    /** The metadata HF's PyTorch writer records; readers such as transformers check it. */
    public static final Map<String, String> PT_METADATA = Map.of("format", "pt");
    private static final int COPY_CHUNK = 1 << 20;

    private SafetensorsWriter() {}

    /** Writes {@code tensors} with {@code {"format":"pt"}} metadata. */
    public static void write(Path file, Collection<RawTensor> tensors) throws IOException {
        write(file, tensors, PT_METADATA);
    }

    /** Writes {@code tensors} (names must be unique) with the given metadata (null or empty: no __metadata__). */
    public static void write(Path file, Collection<RawTensor> tensors, Map<String,
            String> metadata) throws IOException {
        List<RawTensor> ordered = order(tensors);
        byte[] header = header(ordered, metadata);
        AtomicFiles.write(file, os -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            os.write(len.array());
            os.write(header);
            byte[] chunk = null;
            for (RawTensor t : ordered) chunk = copy(t.data(), os, chunk);
        });
    }

    /** The reference order: descending dtype alignment (declaration order of {@link DType}), then name. */
    static List<RawTensor> order(Collection<RawTensor> tensors) {
        List<RawTensor> list = new ArrayList<>(tensors);
        Set<String> seen = new HashSet<>();
        for (RawTensor t : list) {
            if (t.name().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved");
            if (!seen.add(t.name())) throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
        }
        list.sort(Comparator.comparing((RawTensor t) -> t.dtype().ordinal()).reversed()
                .thenComparing(RawTensor::name));
        return list;
    }

    /** The JSON header for tensors already in file order, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(List<RawTensor> ordered, Map<String, String> metadata) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(),
                    e.getValue()));
        }
        long offset = 0;
        for (RawTensor t : ordered) {
            ObjectNode o = root.putObject(t.name());
            o.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = o.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            long end = offset + t.byteSize();
            o.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) out[i] = ' ';
        return out;
    }

    /** Size of the file {@link #write} would produce. */
    public static long fileSize(Collection<RawTensor> tensors, Map<String, String> metadata) {
        List<RawTensor> ordered = order(tensors);
        long n = 8 + header(ordered, metadata).length;
        for (RawTensor t : ordered) n += t.byteSize();
        return n;
    }

    private static byte[] copy(ByteBuffer src, OutputStream os, byte[] chunk) throws IOException {
        if (src.hasArray()) {
            os.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            return chunk;
        }
        if (chunk == null) chunk = new byte[COPY_CHUNK];
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            os.write(chunk, 0, n);
        }
        return chunk;
    }
}
