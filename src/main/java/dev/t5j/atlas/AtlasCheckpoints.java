package dev.t5j.atlas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.SafetensorsWriter;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.optim.Optimizer;
import dev.t5j.run.RunCheckpoints;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Resumable Atlas checkpoints: {@code <out>/checkpoints/step_NNNNNNNN/} holds {@code model/} (reader, retriever,
 * vocabulary), the optimizer state and {@code trainer_state.json} in {@link RunCheckpoints}' formats, and
 * {@code index/}: the passage index as it was (built by the retriever of the last refresh, not the current one), so
 * that a resumed run retrieves exactly what the uninterrupted run would have. Each directory is renamed into place
 * whole.
 */
public final class AtlasCheckpoints {
    public static final String DIR = "checkpoints", MODEL = "model", INDEX = "index";

    private AtlasCheckpoints() {}

    /** What a resumed run restores besides weights, optimizer and index. */
    public record State(long step, boolean indexStale) {}

    public static Path save(Path runDir, AtlasModel model, Optimizer opt, FlatIndex index, State state) throws IOException {
        Path target = runDir.resolve(DIR).resolve(RunCheckpoints.stepName(state.step()));
        AtomicFiles.writeDirectory(target, tmp -> {
            model.save(tmp.resolve(MODEL));
            if (index != null) index.save(tmp.resolve(INDEX));
            List<RawTensor> raws = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : opt.state().entrySet())
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue())));
            if (!raws.isEmpty()) SafetensorsWriter.write(tmp.resolve(RunCheckpoints.OPTIMIZER_FILE), raws, Map.of("format", "t5j-optimizer"));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("format_version", RunCheckpoints.FORMAT_VERSION);
            s.put("kind", "atlas");
            s.put("step", state.step());
            s.put("optimizer_steps", opt.stepCount());
            s.put("index_stale", state.indexStale());
            AtomicFiles.writeString(tmp.resolve(RunCheckpoints.STATE_FILE), Json.writePretty(s) + "\n");
        });
        return target;
    }

    /** Complete step checkpoints, oldest first. */
    public static List<Path> list(Path runDir) throws IOException {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step_\\d{8}") && Files.isRegularFile(p.resolve(RunCheckpoints.STATE_FILE)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    public static Path latest(Path runDir) throws IOException {
        List<Path> l = list(runDir);
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    public static void prune(Path runDir, int keep) throws IOException {
        List<Path> l = list(runDir);
        for (int i = 0; i < l.size() - keep; i++) AtomicFiles.deleteRecursively(l.get(i));
    }

    public static State readState(Path ckpt) {
        Path f = ckpt.resolve(RunCheckpoints.STATE_FILE);
        JsonNode n = Json.read(f);
        if (n.path("format_version").asInt(-1) != RunCheckpoints.FORMAT_VERSION || !"atlas".equals(n.path("kind").asText()))
            throw new UserError(f + ": not an Atlas trainer state of format_version " + RunCheckpoints.FORMAT_VERSION);
        return new State(n.path("step").asLong(), n.path("index_stale").asBoolean());
    }
}
