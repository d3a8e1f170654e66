package dev.t5j.atlas.tasks;

import dev.t5j.common.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;

/**
 * Task files as Atlas reads them ({@code BaseTask.data_iterator}, {@code batch_iterator}, train.py's loop).
 *
 * <p>Lines of all files, in order, are counted from 1 across files; with {@code world > 1}, line number {@code c}
 * goes to rank {@code c % world} (so with two workers the first line goes to rank 1, as in Atlas). Training
 * ({@code repeatIfLessThanWorld}) passes over the files again until the count reaches the world size, so every rank
 * gets data. Blank lines are skipped (Atlas would fail on them). Bad JSON, a line that is not an object, and a
 * missing or wrongly typed field are {@link UserError}s naming file, line and field.
 */
public final class AtlasData {
    private AtlasData() {}

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    /** One parsed line and where it came from. */
    public record Line(Path file, long lineNo, Map<String, Object> json) {}

    /** The lines of {@code files} that belong to {@code rank} of {@code world} (world 1: all). */
    public static List<Line> readShard(List<Path> files, int rank, int world, boolean repeatIfLessThanWorld) {
        if (world < 1 || rank < 0 || rank >= world) throw new IllegalArgumentException("rank " + rank + " of world "
                + world);
        List<Line> out = new ArrayList<>();
        long total = 0;
        do {
            long before = total;
            for (Path f : files) total = readFile(f, rank, world, total, out);
            if (total == before) throw new UserError(String.join(", ", files.stream().map(Path::toString).toList())
                    + ": no examples");
        } while (repeatIfLessThanWorld && total < world);
        return out;
    }

    private static long readFile(Path f, int rank, int world, long total, List<Line> out) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                total++;
                if (world > 1 && total % world != rank) continue;
                out.add(new Line(f, lineNo, parse(f, lineNo, line)));
            }
            return total;
        } catch (NoSuchFileException e) {
            throw new UserError(f + ": file not found");
        } catch (CharacterCodingException e) {
            throw new UserError(f + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserError(f + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** One jsonl line as a JSON object (keys in file order). */
    public static Map<String, Object> parse(Path file, long lineNo, String line) {
        String t = line.strip();
        if (!t.startsWith("{")) throw UserError.at(file, lineNo, null, "expected a JSON object, got: " + abbreviate(t));
        try {
            return Json.MAPPER.readValue(t, MAP);
        } catch (JsonProcessingException e) {
            throw UserError.at(file, lineNo, null, "invalid JSON: " + Json.problem(e));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /**
     * {@code expand} (multiple-choice permutations) then {@code process} for every line, dropping the skipped ones;
     * a {@link FieldError} becomes a UserError at the line.
     */
    public static List<AtlasExample> process(AtlasTask task, List<Line> lines, boolean eval, Random rng) {
        List<AtlasExample> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            try {
                for (Map<String, Object> copy : task.expand(l.json(), eval)) {
                    Optional<AtlasExample> ex = task.process(copy, rng);
                    ex.ifPresent(out::add);
                }
            } catch (FieldError e) {
                throw UserError.at(l.file(), l.lineNo(), e.field(), e.what() + " (task " + task.name() + ")");
            }
        }
        return out;
    }

    /** An evaluation set: one pass over the rank's lines, every example processed (eval permutations). */
    public static List<AtlasExample> loadEval(AtlasTask task, List<Path> files, int rank, int world, Random rng) {
        return process(task, readShard(files, rank, world, false), true, rng);
    }

    /** Writes JSON objects as jsonl, atomically (converted task files). */
    public static void writeJsonl(Path out, List<? extends Map<String, ?>> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Map<String, ?> l : lines) sb.append(Json.write(l)).append('\n');
        AtomicFiles.writeString(out, sb.toString());
    }

    /** Atlas's {@code shuffle_iterator}: the whole list shuffled with the given random source. */
    public static <T> List<T> shuffle(List<T> items, Random rng) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, rng);
        return copy;
    }

    /** Consecutive batches of {@code batchSize}; the last smaller one kept unless {@code dropLast}. */
    public static <T> List<List<T>> batches(List<T> items, int batchSize, boolean dropLast) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += batchSize) {
            int end = Math.min(i + batchSize, items.size());
            if (end - i < batchSize && dropLast) break;
            out.add(List.copyOf(items.subList(i, end)));
        }
        return out;
    }

    /**
     * Training batches as train.py makes them, without end: each epoch re-reads the rank's lines (repeating while the
     * files hold fewer lines than the world size), processes them afresh (new answer choices, mlm spans, lm splits),
     * shuffles when asked, and yields full batches only ({@code drop_last=True}). One random source seeded with
     * {@code seed} drives everything, so a run is reproducible (Atlas uses Python's unseeded global random).
     *
     * @throws UserError (on the first {@code next}) when an epoch has fewer examples than one batch
     */
    public static AtlasBatches trainingBatches(AtlasTask task, List<Path> files, int rank, int world,
                                               int batchSize, boolean shuffle, long seed) {
        return new AtlasBatches(task, files, rank, world, batchSize, shuffle, seed);
    }
}
