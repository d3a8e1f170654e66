package dev.t5j.train;

import dev.t5j.common.UserError;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.TaskCache;
import dev.t5j.data.tasks.DataSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run config's data section: tokens_per_batch and use_cached. */
class TrainDataConfigTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path tmp;

    @Test
    void tokensPerBatchDerivesRowsFromTheLongerSequence() {
        TrainConfig c = TrainConfig.load(null, List.of("data.tokens_per_batch=200", "data.inputs_length=48",
                "data.targets_length=16"));
        assertEquals(4, c.data().rows(), "200 / max(48, 16), rounded down");
        assertEquals(32, TrainConfig.load(null, List.of()).data().rows(), "batch_size when tokens_per_batch is unset");
        UserError both = assertThrows(UserError.class, () -> TrainConfig.load(null,
                List.of("data.tokens_per_batch=256", "data.batch_size=8")));
        assertTrue(both.getMessage().contains("give one of them"), both.getMessage());
        UserError tooFew = assertThrows(UserError.class, () -> TrainConfig.load(null,
                List.of("data.tokens_per_batch=10", "data.inputs_length=16")));
        assertTrue(tooFew.getMessage().contains("data.tokens_per_batch"), tooFew.getMessage());
    }

    /** A task read from a JSON-lines file, cached, then the file deleted: only the cache can feed the run. */
    @Test
    void useCachedTrainsFromTheCacheAndRefusesAnUncachedTask() throws Exception {
        Path src = tmp.resolve("qa.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) sb.append("{\"q\": \"what is ").append(i).append("\", \"a\": \"").append(i * 7)
                .append("\"}\n");
        Files.writeString(src, sb.toString());
        Path tasks = tmp.resolve("tasks.json");
        Files.writeString(tasks, "{\"tasks\": [{\"name\": \"tiny_qa\", \"source\": {\"type\": \"jsonl\", \"splits\": "
                + "{\"train\": \"qa.jsonl\", \"validation\": \"qa.jsonl\"}, \"fields\": [\"q\", \"a\"]}, " +
                        "\"preprocessors\": ["
                + "{\"name\": \"rekey\", \"map\": {\"inputs\": \"q\", \"targets\": \"a\"}}, \"tokenize\", " +
                        "\"append_eos\"]}]}");
        Path cache = tmp.resolve("cache");
        List<String> base = List.of("model.preset=tiny", "data.task=tiny_qa", "data.task_files=[" + tasks + "]",
                "data.inputs_length=16", "data.targets_length=8", "data.batch_size=4", "train.steps=2",
                "train.threads=1", "eval.examples=0", "optimizer.name=adafactor");
        List<String> cached = new ArrayList<>(base);
        cached.addAll(List.of("data.use_cached=true", "data.cache_dir=" + cache));
        cached.add("out=" + tmp.resolve("uncached"));
        UserError none = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, cached),
                QUIET).run(false));
        assertTrue(none.getMessage().contains("tiny_qa")
                && none.getMessage().contains("t5j data cache"), none.getMessage());

        var setup = DataSetup.of(TrainConfig.load(null, base).data().spec());
        TaskCache.write(setup.catalog().task("tiny_qa"), ReadOptions.split("train"), cache,
                new TaskCache.Options(1, 1, false, false));
        Files.delete(src);
        cached.set(cached.size() - 1, "out=" + tmp.resolve("run"));
        Trainer.Result r = new Trainer(TrainConfig.load(null, cached), QUIET).run(false);
        assertEquals(2, r.steps());
        List<String> direct = new ArrayList<>(base);
        direct.add("out=" + tmp.resolve("direct"));
        UserError gone = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, direct),
                QUIET).run(false));
        assertTrue(gone.getMessage().contains("qa.jsonl"), gone.getMessage());
    }
}
