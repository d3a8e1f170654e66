package dev.t5j.train;

import dev.t5j.engine.ComputeDtype;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code train.dtype: bf16}: a short run's loss curve stays within 2% of the fp32 run's at every step (same data,
 * init and seed; bf16 rounds each matrix product's inputs to 8 mantissa bits), the config records the dtype, and the
 * saved model holds fp32 master weights.
 */
class TrainerBf16Test {
    static List<String> run(Path out, String dtype) {
        List<String> o = TrainerTest.tiny(out, 8);
        o.addAll(List.of("model.dropout=0.0", "eval.examples=0", "checkpoint.every=0", "optimizer.name=adamw",
                "schedule.lr=0.003", "train.log_every=1", "train.dtype=" + dtype));
        return o;
    }

    @Test
    void bf16LossTracksFp32AndWeightsStayFp32(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(ComputeDtype.cpuHasBf16(), "bf16 falls back to fp32 on this CPU");
        Path f32 = tmp.resolve("fp32");
        Path b16 = tmp.resolve("bf16");
        new Trainer(TrainConfig.load(null, run(f32, "fp32")), TrainerTest.QUIET).run(false);
        new Trainer(TrainConfig.load(null, run(b16, "bf16")), TrainerTest.QUIET).run(false);
        List<Double> a = TrainerTest.losses(f32);
        List<Double> b = TrainerTest.losses(b16);
        assertEquals(8, b.size());
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i), b.get(i), 0.02 * a.get(i), "step " + (i + 1));
        assertNotEquals(a, b, "bf16 must differ from fp32 somewhere (else it did not run in bf16)");
        assertTrue(b.get(7) < b.get(0), "bf16 training lowers the loss: " + b);
        assertTrue(Files.readString(b16.resolve("config.yaml")).contains("dtype: \"bf16\""));
        try (T5ForConditionalGeneration m = Checkpoint.load(b16.resolve("model"))) {
            for (Tensor p : m.parameters().values()) assertEquals(ScalarType.Float, p.scalar_type().intern());
        }
    }

    @Test
    void unknownDtypeNamesTheAllowedValues(@TempDir Path tmp) {
        List<String> o = run(tmp.resolve("x"), "fp16");
        Exception e = assertThrows(Exception.class, () -> TrainConfig.load(null, o));
        assertTrue(e.getMessage().contains("fp32, bf16"), e.getMessage());
    }
}
