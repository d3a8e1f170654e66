package dev.t5j.train;

import dev.t5j.api.T5j;
import dev.t5j.decoding.GenerationConfig;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.model.io.TokenizerFiles;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.synth.SimpleVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14: a trained model folder and every checkpoint carry the vocabulary its targets were written in. */
class TrainerVocabularyTest {
    @Test
    void finalModelAndCheckpointsCarryTheTaskVocabulary(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        new Trainer(TrainConfig.load(null, TrainerTest.tiny(run, 2)), TrainerTest.QUIET).run(false);
        Path ckpt = new RunCheckpoints(run).latest();
        SimpleVocabulary task = new SimpleVocabulary(); // synth_pool narrows the sampled ids, not the vocabulary
        for (Path dir : List.of(run.resolve("model"), ckpt)) {
            assertTrue(Files.isRegularFile(dir.resolve(TokenizerFiles.T5J_VOCAB)), dir.toString());
            var v = assertInstanceOf(SimpleVocabulary.class, ModelVocabulary.load(dir));
            assertEquals(task.vocabSize(), v.vocabSize());
            assertArrayEquals(task.encode("reverse t1 t5 t60"), v.encode("reverse t1 t5 t60"));
        }
        try (T5j t5 = T5j.load(run.resolve("model"))) {
            assertEquals(1, t5.generate(List.of("reverse t1 t2"), GenerationConfig.greedy(4)).size());
        }
    }
}
