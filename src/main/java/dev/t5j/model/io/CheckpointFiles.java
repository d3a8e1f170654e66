package dev.t5j.model.io;

import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tensor files of an HF checkpoint folder: finds and opens them as one {@link TensorSource}, and writes them.
 *
 * <p>Lookup order is transformers': {@code model.safetensors}, {@code model.safetensors.index.json} (+ shards),
 * {@code pytorch_model.bin}, {@code pytorch_model.bin.index.json} (+ shards). A path to a file is opened by its
 * extension. {@code config.json} is not handled here.
 */
public final class CheckpointFiles {
    public static final String SAFETENSORS = "model.safetensors";
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    public static final String PYTORCH_BIN = "pytorch_model.bin";
    public static final String PYTORCH_BIN_INDEX = "pytorch_model.bin.index.json";
    /** transformers' default {@code max_shard_size="5GB"} (decimal gigabytes). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private CheckpointFiles() {}

    /** Opens the checkpoint tensors in folder {@code dir}, or the tensor file / index {@code dir} itself. */
    public static TensorSource open(Path dir) {
        if (Files.isRegularFile(dir)) return openFile(dir);
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such checkpoint folder or file");
        for (String n : List.of(SAFETENSORS, SAFETENSORS_INDEX, PYTORCH_BIN, PYTORCH_BIN_INDEX)) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return openFile(p);
        }
        throw new UserError(dir + ": no checkpoint tensors found (looked for " + SAFETENSORS + ", "
                + SAFETENSORS_INDEX + ", " + PYTORCH_BIN + ", " + PYTORCH_BIN_INDEX + ")");
    }

    private static TensorSource openFile(Path p) {
        String n = p.getFileName().toString();
        if (n.endsWith(".safetensors")) return SafetensorsReader.open(p);
        if (n.endsWith(".safetensors.index.json")) return ShardedTensorSource.open(p, SafetensorsReader::open);
        if (n.endsWith(".bin.index.json") || n.endsWith(".pt.index.json")) {
            return ShardedTensorSource.open(p, PyTorchBinReader::open);
        }
        if (n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth")) return PyTorchBinReader.open(p);
        throw new UserError(p + ": unknown checkpoint file type (expected .safetensors, .bin, .pt, .pth or an "
                + "*.index.json)");
    }

    /** Writes {@code tensors} into {@code dir} as safetensors, sharding above the default 5 GB. */
    public static void write(Path dir, Collection<RawTensor> tensors) throws IOException {
        write(dir, tensors, DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * Writes {@code tensors} into {@code dir} (other files there are kept): {@code model.safetensors} when they fit
     * in one shard of {@code maxShardBytes} (tensor bytes, as transformers counts), else
     * {@code model-0000i-of-0000n.safetensors} shards filled greedily in the given order plus
     * {@code model.safetensors.index.json}, written last. Each file is written atomically; tensor files of an
     * earlier save that the new one does not use are deleted afterwards so they cannot shadow it.
     */
    public static void write(Path dir, Collection<RawTensor> tensors, long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive");
        List<List<RawTensor>> shards = new ArrayList<>();
        List<RawTensor> cur = new ArrayList<>();
        long curBytes = 0;
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (RawTensor t : tensors) {
            if (!seen.add(t.name())) throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            long b = t.byteSize();
            total += b;
            if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
                shards.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(t);
            curBytes += b;
        }
        if (!cur.isEmpty() || shards.isEmpty()) shards.add(cur);
        Files.createDirectories(dir);
        Set<String> written = new HashSet<>();
        if (shards.size() == 1) {
            SafetensorsWriter.write(dir.resolve(SAFETENSORS), shards.get(0));
            written.add(SAFETENSORS);
        } else {
            Map<String, String> weightMap = new TreeMap<>();
            int n = shards.size();
            for (int i = 0; i < n; i++) {
                String name = shardName(i + 1, n);
                SafetensorsWriter.write(dir.resolve(name), shards.get(i));
                written.add(name);
                for (RawTensor t : shards.get(i)) weightMap.put(t.name(), name);
            }
            AtomicFiles.writeString(dir.resolve(SAFETENSORS_INDEX), indexJson(total, weightMap));
            written.add(SAFETENSORS_INDEX);
        }
        removeStale(dir, written);
    }

    /** HF's shard file name, e.g. {@code model-00001-of-00003.safetensors}. */
    public static String shardName(int i, int n) {
        return String.format("model-%05d-of-%05d.safetensors", i, n);
    }

    /** The index as transformers writes it: {@code json.dumps(index, indent=2, sort_keys=True) + "\n"}. */
    static String indexJson(long totalSize, Map<String, String> sortedWeightMap) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"metadata\": {\n    \"total_size\": ").append(totalSize).append("\n  },\n  \"weight_map\": {");
        boolean first = true;
        for (var e : sortedWeightMap.entrySet()) {
            sb.append(first ? "\n" : ",\n").append("    ").append(Json.write(e.getKey())).append(": ")
                    .append(Json.write(e.getValue()));
            first = false;
        }
        sb.append(first ? "}\n}\n" : "\n  }\n}\n");
        return sb.toString();
    }

    private static void removeStale(Path dir, Set<String> written) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean ours = n.equals(SAFETENSORS) || n.equals(SAFETENSORS_INDEX) || SHARD_NAME.matcher(n).matches();
                if (ours && !written.contains(n)) stale.add(p);
            }
        }
        for (Path p : stale) Files.deleteIfExists(p);
    }
}
