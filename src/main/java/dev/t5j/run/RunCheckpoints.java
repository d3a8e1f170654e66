package dev.t5j.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.AtomicFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.RawTensor;
import dev.t5j.model.io.SafetensorsWriter;
import dev.t5j.model.io.TensorSource;
import dev.t5j.optim.Optimizer;
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
 * The checkpoints of a run: {@code <run>/checkpoints/step_<N>/} each hold what the trainer writes (the model; for
 * Atlas {@code model/} and {@code index/}) plus {@code optimizer.safetensors} and {@code trainer_state.json} (step,
 * optimizer steps, the trainer's own fields such as the data position, metrics). Each directory is built under a
 * temporary name and renamed into place, so a crash (or a full disk) never leaves a half checkpoint and the previous
 * ones survive. {@code best/} holds the best by the configured metric.
 *
 * <p>Format version 1, unchanged: T5 states carry {@code data_examples}/{@code data_rows_into_window}; Atlas states
 * ({@code "kind": "atlas"}) {@code index_stale} and, since the shared run loop, the data position
 * ({@code data_epoch_state}/{@code data_batches_into_epoch}; older Atlas states without it resume by replaying the
 * stream).
 */
public final class RunCheckpoints {
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    public static final String BEST = "best";
    public static final int FORMAT_VERSION = 1;
    /** Keys the loop writes itself; a trainer's own fields go beside them. */
    static final List<String> OWN_KEYS = List.of("format_version", "step", "optimizer_steps", "metrics");

    /**
     * What a checkpoint says besides the weights: the step, the optimizer's step count, the metrics of its step and
     * the trainer's own fields ({@link #field} reads them typed).
     */
    public record State(Path file, long step, long optimizerSteps, Map<String, Double> metrics, JsonNode fields) {
        /** A required integer field of the trainer's own. */
        public long longField(String name) {
            return integer(file, fields, name, true);
        }

        /** An optional integer field; null when absent (an older checkpoint). */
        public Long optionalLong(String name) {
            return fields.has(name) ? integer(file, fields, name, true) : null;
        }

        /** A required boolean field. */
        public boolean booleanField(String name) {
            JsonNode v = fields.get(name);
            if (v == null || !v.isBoolean()) throw badField(file, name, "true or false", v);
            return v.booleanValue();
        }

        /** A string field (null when absent). */
        public String field(String name) {
            JsonNode v = fields.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isTextual()) throw badField(file, name, "a string", v);
            return v.textValue();
        }
    }

    /** A complete checkpoint directory and its state. */
    public record Saved(Path dir, State state) {}

    /** Writes a trainer's model files (and whatever else it restores from) into a checkpoint directory. */
    @FunctionalInterface
    public interface ModelWriter {
        void write(Path dir) throws IOException;
    }

    private final Path dir;


    public RunCheckpoints(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    public Path dir() {
        return dir;
    }

    public static String stepName(long step) {
        return String.format("step_%08d", step);
    }

    /**
     * Saves a step checkpoint: the trainer's files, the optimizer state and {@code trainer_state.json} with
     * {@code fields} (the trainer's own, e.g. the data position) and {@code metrics}.
     */
    public Path save(long step, Optimizer opt, Map<String, Object> fields, Map<String, Double> metrics,
            ModelWriter model)
            throws IOException {
        Path target = dir.resolve(stepName(step));
        write(target, step, opt, fields, metrics, model);
        return target;
    }

    public void saveBest(long step, Optimizer opt, Map<String, Object> fields, Map<String, Double> metrics,
                         ModelWriter model) throws IOException {
        write(dir.resolve(BEST), step, opt, fields, metrics, model);
    }

    private static void write(Path target, long step, Optimizer opt, Map<String, Object> fields,
                              Map<String, Double> metrics, ModelWriter model) throws IOException {
        AtomicFiles.writeDirectory(target, tmp -> {
            model.write(tmp);
            List<RawTensor> raws = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : opt.state().entrySet())
                raws.add(RawTensor.ofFloats(e.getKey(), Tensors.shape(e.getValue()), Tensors.toFloats(e.getValue())));
            if (!raws.isEmpty())
                SafetensorsWriter.write(tmp.resolve(OPTIMIZER_FILE), raws, Map.of("format", "t5j-optimizer"));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("format_version", FORMAT_VERSION);
            s.put("step", step);
            s.put("optimizer_steps", opt.stepCount());
            fields.forEach((k, v) -> {
                if (OWN_KEYS.contains(k)) throw new IllegalArgumentException("reserved trainer_state key " + k);
                s.put(k, v);
            });
            s.put("metrics", metrics);
            AtomicFiles.writeString(tmp.resolve(STATE_FILE), Json.writePretty(s) + "\n");
        });
    }

    /** Step checkpoints, oldest first (only complete ones exist: each was renamed into place when done). */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step_\\d{8}")
                            && Files.isRegularFile(p.resolve(STATE_FILE)))
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

    /**
     * Temporary directories of checkpoints whose writer died ({@code .step_N.*}, {@code .best.*}); only the holder of
     * the run's lock may delete them, as no other process can be writing them then.
     */
    public List<Path> leftovers() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\.(step_\\d{8}|best)\\..*")).sorted().toList();
        }
    }

    /** The state of a checkpoint, every field checked for its type (a wrong one names the file and the field). */
    public static State readState(Path ckpt) {
        Path f = ckpt.resolve(STATE_FILE);
        JsonNode n = Json.read(f);
        if (!n.isObject()) throw new UserError(f + ": not a trainer state (expected a JSON object)");
        long version = integer(f, n, "format_version", false);
        if (version != FORMAT_VERSION)
            throw new UserError(f + ": unsupported trainer state format_version " + version + " (this t5j reads "
                    + FORMAT_VERSION + ")");
        long step = integer(f, n, "step", true);
        long optSteps = n.has("optimizer_steps") ? integer(f, n, "optimizer_steps", true) : step;
        Map<String, Double> metrics = new LinkedHashMap<>();
        JsonNode m = n.path("metrics");
        if (!m.isMissingNode() && !m.isObject()) throw badField(f, "metrics", "an object of numbers", m);
        m.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            // JSON has no infinities: they are written as strings ("best" before any best metric is -Infinity)
            if (v.isTextual() && List.of("Infinity", "-Infinity", "NaN").contains(v.textValue()))
                metrics.put(e.getKey(), Double.parseDouble(v.textValue()));
            else if (v.isNumber()) metrics.put(e.getKey(), v.asDouble());
            else throw badField(f, "metrics." + e.getKey(), "a number", v);
        });
        return new State(f, step, optSteps, metrics, n);
    }

    /** Restores optimizer state saved with {@link #save}. */
    public static void loadOptimizer(Path ckpt, Optimizer opt) {
        State s = readState(ckpt);
        Path f = ckpt.resolve(OPTIMIZER_FILE);
        Map<String, float[]> values = new LinkedHashMap<>();
        if (Files.isRegularFile(f)) {
            try (TensorSource src = CheckpointFiles.open(f)) {
                for (String name : src.names()) values.put(name, src.get(name).toFloatArray());
            }
        }
        opt.loadState(values, s.optimizerSteps());
    }

    private static long integer(Path f, JsonNode n, String name, boolean nonNegative) {
        JsonNode v = n.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || (nonNegative && v.asLong() < 0))
            throw badField(f, name, nonNegative ? "an integer >= 0" : "an integer", v);
        return v.asLong();
    }

    private static UserError badField(Path f, String name, String expected, JsonNode got) {
        return new UserError(f + ": field '" + name + "': expected " + expected + ", got "
                + (got == null ? "nothing" : got.toString()));
    }
}
