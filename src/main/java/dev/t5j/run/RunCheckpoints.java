package dev.t5j.run;

import dev.t5j.model.io.SafetensorsWriter;
import dev.t5j.optim.Optimizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.Packing;
import dev.t5j.engine.Tensors;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.TensorSource;
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
 * The checkpoints of a run: {@code <run>/checkpoints/step_<N>/} each hold the model in HF layout plus
 * {@code optimizer.safetensors} and {@code trainer_state.json} (step, data position, metrics). Each directory is
 * built under a temporary name and renamed into place, so a crash (or a full disk) never leaves a half checkpoint and
 * the previous ones survive. {@code best/} holds the best by the configured metric.
 */
public final class RunCheckpoints {
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    public static final int FORMAT_VERSION = 1;

    /** What a resumed run needs besides the weights. */
    public record State(long step, Packing.Position dataPosition, Map<String, Double> metrics) {}

    private final Path dir;

    private AtomicFiles.IOConsumer<Path> extra;

    public RunCheckpoints(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    public Path dir() {
        return dir;
    }

    public static String stepName(long step) {
        return String.format("step_%08d", step);
    }

    /** Writes more files into every checkpoint, inside its atomic rename (a run's adapter folder); null = none. */
    public RunCheckpoints withExtra(AtomicFiles.IOConsumer<Path> extra) {
        this.extra = extra;
        return this;
    }

    public Path save(T5ForConditionalGeneration model, Optimizer opt, State state) throws IOException {
        Path target = dir.resolve(stepName(state.step()));
        write(target, model, opt, state, extra);
        return target;
    }

    public void saveBest(T5ForConditionalGeneration model, Optimizer opt, State state) throws IOException {
        write(dir.resolve("best"), model, opt, state, extra);
    }

    private static void write(Path target, T5ForConditionalGeneration model, Optimizer opt, State state,
                              AtomicFiles.IOConsumer<Path> extra) throws IOException {
        AtomicFiles.writeDirectory(target, tmp -> {
            Checkpoint.save(model, tmp);
            if (extra != null) extra.accept(tmp);
            List<RawTensor> raws = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : opt.state().entrySet())
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue())));
            if (!raws.isEmpty()) SafetensorsWriter.write(tmp.resolve(OPTIMIZER_FILE), raws, Map.of("format", "t5j-optimizer"));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("format_version", FORMAT_VERSION);
            s.put("step", state.step());
            s.put("optimizer_steps", opt.stepCount());
            s.put("data_examples", state.dataPosition().examples());
            s.put("data_rows_into_window", state.dataPosition().rowsIntoWindow());
            s.put("metrics", state.metrics());
            AtomicFiles.writeString(tmp.resolve(STATE_FILE), Json.writePretty(s) + "\n");
        });
    }

    /** Step checkpoints, oldest first (only complete ones exist: each was renamed into place when done). */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step_\\d{8}") && Files.isRegularFile(p.resolve(STATE_FILE)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    public Path latest() throws IOException {
        List<Path> l = list();
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    /** Deletes all but the newest {@code keep} step checkpoints ({@code best/} is separate). */
    public void prune(int keep) throws IOException {
        List<Path> l = list();
        for (int i = 0; i < l.size() - keep; i++) AtomicFiles.deleteRecursively(l.get(i));
    }

    public static State readState(Path ckpt) {
        JsonNode n = Json.read(ckpt.resolve(STATE_FILE));
        if (n.path("format_version").asInt(-1) != FORMAT_VERSION)
            throw new UserError(ckpt.resolve(STATE_FILE) + ": unsupported trainer state format_version " + n.path("format_version"));
        Map<String, Double> metrics = new LinkedHashMap<>();
        n.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        return new State(n.path("step").asLong(), new Packing.Position(n.path("data_examples").asLong(), n.path("data_rows_into_window").asInt()), metrics);
    }

    /** Restores optimizer state saved with {@link #save}. */
    public static void loadOptimizer(Path ckpt, Optimizer opt) {
        JsonNode n = Json.read(ckpt.resolve(STATE_FILE));
        Path f = ckpt.resolve(OPTIMIZER_FILE);
        Map<String, float[]> values = new LinkedHashMap<>();
        if (Files.isRegularFile(f)) {
            try (TensorSource src = CheckpointFiles.open(f)) {
                for (String name : src.names()) values.put(name, src.get(name).toFloatArray());
            }
        }
        opt.loadState(values, n.path("optimizer_steps").asLong());
    }
}
