package dev.t5j.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A sharded checkpoint: an index ({@code model.safetensors.index.json} or {@code pytorch_model.bin.index.json},
 * {@code {"metadata": {"total_size": N}, "weight_map": {"tensor": "shard file"}}}) plus the shard files beside it.
 *
 * <p>All shards are opened (headers validated) up front; every tensor the index names must be in the shard it names,
 * otherwise a {@link UserError} names the index, the shard and the tensor. Tensors a shard holds but the index does
 * not name are ignored, as transformers ignores them.
 */
public final class ShardedTensorSource implements TensorSource {
    private final Path index;
    private final Map<String, TensorSource> byTensor;
    private final List<TensorSource> shards;
    private final List<String> names;
    private final Map<String, String> metadata;

    private ShardedTensorSource(Path index, Map<String, TensorSource> byTensor, List<TensorSource> shards,
                                List<String> names, Map<String, String> metadata) {
        this.index = index;
        this.byTensor = byTensor;
        this.shards = shards;
        this.names = names;
        this.metadata = metadata;
    }

    /** Opens the index and its shards, each with {@code opener} (the format's reader). */
    public static ShardedTensorSource open(Path index, Function<Path, TensorSource> opener) {
        JsonNode root = Json.read(index);
        if (!root.isObject()) throw UserError.at(index, 0, null, "index is not a JSON object");
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject()) throw UserError.at(index, 0, "weight_map", "missing or not an object");
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && md.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = md.fields(); it.hasNext(); ) {
                var e = it.next();
                metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        Path dir = index.toAbsolutePath().getParent();
        // shard file name -> tensors the index puts there (shards in file-name order, which is shard order)
        Map<String, List<String>> perShard = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
            var e = it.next();
            String tensor = e.getKey();
            JsonNode v = e.getValue();
            if (!v.isTextual()) {
                throw UserError.at(index, 0, "weight_map", "tensor '" + tensor + "': shard is not a file name: " + v);
            }
            String shard = v.textValue();
            Path p = dir.resolve(shard).normalize();
            if (shard.isEmpty() || Path.of(shard).isAbsolute() || !p.getParent().equals(dir)) {
                throw UserError.at(index, 0, "weight_map", "tensor '" + tensor + "': shard '" + shard
                        + "' is not a file name in the index's folder");
            }
            perShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(tensor);
        }
        List<TensorSource> opened = new ArrayList<>();
        try {
            Map<String, TensorSource> byTensor = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (var e : perShard.entrySet()) {
                Path p = dir.resolve(e.getKey());
                List<String> tensors = e.getValue();
                if (!Files.isRegularFile(p)) {
                    throw UserError.at(index, 0, "weight_map", "shard '" + e.getKey() + "' not found (" + p
                            + "); it should hold tensor '" + tensors.get(0) + "'"
                            + (tensors.size() > 1 ? " and " + (tensors.size() - 1) + " more" : ""));
                }
                TensorSource src = opener.apply(p);
                opened.add(src);
                for (String t : tensors) {
                    if (!src.contains(t)) {
                        throw new UserError(index + ": tensor '" + t + "' is mapped to shard " + p
                                + " but that shard does not contain it");
                    }
                    byTensor.put(t, src);
                }
                // Names in the shard's own order.
                for (String t : src.names()) if (byTensor.get(t) == src) names.add(t);
            }
            return new ShardedTensorSource(index, byTensor, opened, List.copyOf(names),
                    Collections.unmodifiableMap(metadata));
        } catch (RuntimeException ex) {
            for (TensorSource s : opened) s.close();
            throw ex;
        }
    }

    @Override
    public Path path() {
        return index;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public TensorInfo info(String name) {
        TensorSource s = byTensor.get(name);
        return s == null ? null : s.info(name);
    }

    @Override
    public RawTensor get(String name) {
        TensorSource s = byTensor.get(name);
        if (s == null) throw TensorSource.missing(index, name);
        return s.get(name);
    }

    /** The index's "metadata" object (e.g. total_size), values as text. */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The opened shards, in shard order. */
    public List<TensorSource> shards() {
        return shards;
    }

    @Override
    public void close() {
        for (TensorSource s : shards) s.close();
    }

    @Override
    public String toString() {
        return "sharded " + index + " (" + shards.size() + " shards, " + names.size() + " tensors)";
    }
}
