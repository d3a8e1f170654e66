package dev.t5j.train;

import dev.t5j.common.UserError;
import dev.t5j.data.DataCatalog;
import dev.t5j.data.DatasetProvider;
import dev.t5j.data.MissingMembers;
import dev.t5j.data.Mixture;
import dev.t5j.data.ReadOptions;
import dev.t5j.data.prompted.PromptedTestData;
import dev.t5j.data.tasks.DataSetup;
import dev.t5j.data.tasks.DataSpec;
import dev.t5j.run.MetricsLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code t5j train} on t0_train with only rotten_tomatoes on disk (test templates, a few review lines written here):
 * an error naming the missing members before step 1, or with {@code data.allow_missing} a note and a run on the
 * members present, rates renormalised.
 */
class TrainT0MixtureTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void setUp() throws IOException {
        data = tmp.resolve("data");
        PromptedTestData.copyTemplates(data);
        Files.createDirectories(data.resolve("rotten_tomatoes"));
        StringBuilder pos = new StringBuilder(), neg = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            pos.append("a fine film , number ").append(i).append(" .\n");
            neg.append("a dull film , number ").append(i).append(" .\n");
        }
        Files.writeString(data.resolve("rotten_tomatoes/rt-polarity.pos"), pos, StandardCharsets.ISO_8859_1);
        Files.writeString(data.resolve("rotten_tomatoes/rt-polarity.neg"), neg, StandardCharsets.ISO_8859_1);
    }

    static List<String> run(Path out, boolean allowMissing) {
        return new ArrayList<>(List.of("out=" + out, "model.preset=tiny", "data.task=t0_train",
                "data.data_dir=" + data, "data.vocab=byte", "data.inputs_length=64", "data.targets_length=16",
                "data.batch_size=2", "data.allow_missing=" + allowMissing, "train.steps=2", "train.threads=1",
                "train.log_every=1", "eval.examples=0", "optimizer.name=adafactor", "schedule.lr=0.01"));
    }

    @Test
    void missingMembersFailBeforeStepOneNamingThem() {
        assertFalse(TrainConfig.load(null, List.of()).data().allowMissing(), "default: false");
        Path out = tmp.resolve("strict");
        UserError e = assertThrows(UserError.class, () -> new Trainer(TrainConfig.load(null, run(out, false)),
                new PrintStream(new ByteArrayOutputStream())).run(false));
        assertTrue(e.getMessage().contains("mixture 't0_train'") && e.getMessage().contains("members cannot be read"),
                e.getMessage());
        assertTrue(e.getMessage().contains("data.allow_missing: true"), e.getMessage());
        // dozens of datasets are missing here: the error names a few and says where the full list is
        assertTrue(e.getMessage().matches("(?s).* and \\d+ more datasets \\(`t5j data show --mixture t0_train "
                + "--allow-missing` lists them all\\).*"), e.getMessage());
        assertTrue(e.getMessage().length() < 700, e.getMessage().length() + " characters: " + e.getMessage());
        Path metrics = out.resolve("metrics.jsonl");
        assertTrue(!Files.exists(metrics) || MetricsLog.read(metrics).stream().noneMatch(r -> r.containsKey("loss")),
                "no step was run");
    }

    @Test
    void allowMissingTrainsOnThePresentMembersAfterANote() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path out = tmp.resolve("allowed");
        Trainer.Result r = new Trainer(TrainConfig.load(null, run(out, true)),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run(false);
        assertEquals(2, r.steps());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("t5j: note: mixture 't0_train'") && text.contains("skipped, as allowed"), text);
        assertTrue(text.contains("dream") && !text.contains(" more datasets"), "the note names every dataset: " + text);
        long losses = MetricsLog.read(out.resolve("metrics.jsonl")).stream().filter(m -> m.containsKey("loss"))
                .count();
        assertEquals(2, losses);
        // the mixture trained on: rotten_tomatoes' prompts only, weights summing to 1
        DataCatalog c = DataSetup.of(new DataSpec("byte", data.toString(), List.of(), null, null)).catalog();
        ReadOptions train = ReadOptions.split("train");
        DatasetProvider kept = MissingMembers.present(c.mixture("t0_train"), train, true, "allowed", s -> { });
        List<Mixture.WeightedTask> tasks = kept.weightedTasks(train);
        assertFalse(tasks.isEmpty());
        for (Mixture.WeightedTask wt : tasks) assertTrue(wt.task().name().startsWith("rotten_tomatoes_"), wt.task()
                .name());
        assertEquals(1.0, tasks.stream().mapToDouble(Mixture.WeightedTask::weight).sum(), 1e-9);
    }
}
