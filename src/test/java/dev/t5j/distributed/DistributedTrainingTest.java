package dev.t5j.distributed;

import dev.t5j.cli.T5jCli;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.run.MetricsLog;
import dev.t5j.run.RunCheckpoints;
import dev.t5j.train.TrainConfig;
import dev.t5j.train.Trainer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel T5 training with real worker processes on 127.0.0.1: two workers with the same global batch train
 * exactly as one process does (losses per step and final weights within 1e-5), a worker killed with kill -9 stops the
 * job naming its rank and the last checkpoint and {@code --resume} continues as one process would, and launcher user
 * errors exit 2 without writing anything.
 */
class DistributedTrainingTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /**
     * A tiny run without dropout (masks would differ per slice of the batch), checkpoints every 2 steps. AdamW
     * divides by the root of the squared gradient, so a weight whose gradient is all round-off moves by ~lr either
     * way: lr 1e-4 keeps the summation-order noise of the all-reduce under the 1e-5 weight tolerance.
     */
    static List<String> tiny(Path out, long steps) {
        return new ArrayList<>(List.of("out=" + out, "model.preset=tiny", "model.dropout=0",
                "data.task=synth_reverse", "data.synth_length=[4,8]", "data.synth_pool=68", "data.inputs_length=16",
                "data.targets_length=12", "data.batch_size=8", "train.steps=" + steps, "train.threads=1",
                "eval.examples=0", "checkpoint.every=2", "checkpoint.keep=2", "optimizer.name=adamw",
                "schedule.lr=0.0001"));
    }

    static List<String> cli(Path out, long steps, String... extra) {
        List<String> a = new ArrayList<>(List.of("train"));
        for (String s : tiny(out, steps)) a.addAll(List.of("--set", s));
        a.addAll(List.of(extra));
        return a;
    }

    static List<Double> losses(Path run) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> r : MetricsLog.read(run.resolve("metrics.jsonl")))
            if (r.containsKey("loss")) out.add(((Number) r.get("loss")).doubleValue());
        return out;
    }

    static void assertClose(List<Double> want, List<Double> got) {
        assertEquals(want.size(), got.size(), "steps logged: " + got);
        for (int i = 0; i < want.size(); i++)
            assertEquals(want.get(i), got.get(i), 1e-5, "loss of step " + (i + 1) + ": " + want + " vs " + got);
    }

    static int execute(List<String> args, StringWriter err) {
        CommandLine cl = T5jCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args.toArray(String[]::new));
    }

    @Test
    void twoWorkersTrainAsOneProcessWithTheWholeBatch(@TempDir Path tmp) throws Exception {
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        new Trainer(TrainConfig.load(null, tiny(one, 4)), QUIET).run(false);
        StringWriter err = new StringWriter();
        assertEquals(0, execute(cli(two, 4, "--nproc", "2", "--dist-timeout", "60"), err), err.toString());
        assertClose(losses(one), losses(two));
        try (T5ForConditionalGeneration a = Checkpoint.load(one.resolve("model"));
             T5ForConditionalGeneration b = Checkpoint.load(two.resolve("model"))) {
            double worst = 0;
            for (Map.Entry<String, Tensor> e : a.parameters().entrySet()) {
                Tensor d = e.getValue().sub(b.parameters().get(e.getKey())).abs().max();
                worst = Math.max(worst, d.item_double());
            }
            assertTrue(worst < 1e-5, "largest weight difference " + worst);
            assertTrue(worst >= 0 && a.parameters().size() == b.parameters().size());
        }
        // the run directory has one writer's files: one config, metrics without duplicate steps, checkpoints
        assertEquals(4, losses(two).size());
        assertTrue(Files.isRegularFile(two.resolve("report.html")));
    }

    /** kill -9 of worker rank 1: the launcher stops rank 0 and names rank 1 and the checkpoint; resume matches. */
    @Test
    void killedWorkerStopsTheJobAndResumeMatchesOneProcess(@TempDir Path tmp) throws Exception {
        Path one = tmp.resolve("one"), run = tmp.resolve("run");
        new Trainer(TrainConfig.load(null, tiny(one, 6)), QUIET).run(false);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), T5jCli.class.getName()));
        cmd.addAll(cli(run, 1_000_000, "--nproc", "2", "--dist-timeout", "30"));
        Path log = tmp.resolve("launcher.log");
        Process launcher = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path ckpt = run.resolve("checkpoints").resolve(RunCheckpoints.stepName(4));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(ckpt) && launcher.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(Files.exists(ckpt), "reached step 4: " + Files.readString(log));
            Optional<ProcessHandle> rank1 = launcher.toHandle().children()
                    .filter(h -> commandLine(h).contains("-D" + Launcher.RANK_PROPERTY + "=1")).findFirst();
            assertTrue(rank1.isPresent(), "worker rank 1 found among the launcher's children");
            long killed = System.nanoTime();
            rank1.get().destroyForcibly(); // SIGKILL
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher stops within the timeout");
            double seconds = (System.nanoTime() - killed) / 1e9;
            String out = Files.readString(log);
            assertEquals(1, launcher.exitValue(), out);
            assertTrue(out.contains("rank 1 (pid " + rank1.get().pid() + ") was killed by signal 9"), out);
            assertTrue(out.contains("Last checkpoint: " + run.resolve("checkpoints")), out);
            assertTrue(seconds < 30, "stopped after " + seconds + " s");
        } finally {
            launcher.destroyForcibly().waitFor();
        }
        StringWriter err = new StringWriter();
        assertEquals(0, execute(cli(run, 6, "--nproc", "2", "--resume", "--dist-timeout", "60"), err),
                err.toString());
        assertClose(losses(one), losses(run));
    }

    /** A process's command line (/proc on Linux, where ProcessHandle.Info may leave it out). */
    static String commandLine(ProcessHandle h) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return h.info().commandLine().orElse("");
        }
    }

    @Test
    void launcherUserErrorsExit2AndWriteNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(2, execute(cli(out, 2, "--nproc", "3"), err));
        assertTrue(err.toString().contains("data.batch_size: 8 rows is not divisible by the 3 workers"),
                err.toString());
        try (ServerSocket taken = new ServerSocket(0)) {
            StringWriter e2 = new StringWriter();
            assertEquals(2, execute(cli(out, 2, "--nproc", "2", "--master-port",
                    Integer.toString(taken.getLocalPort())), e2));
            assertTrue(e2.toString().contains("port is in use"), e2.toString());
        }
        StringWriter e3 = new StringWriter();
        assertEquals(2, execute(cli(out, 2, "--nproc", "1", "--nnodes", "2", "--node-rank", "2",
                "--master-addr", "10.0.0.1"), e3));
        assertTrue(e3.toString().contains("--node-rank 2 is outside 0..1"), e3.toString());
        StringWriter e4 = new StringWriter();
        assertEquals(2, execute(cli(out, 2, "--nproc", "0"), e4));
        assertTrue(e4.toString().contains("--nproc must be at least 1"), e4.toString());
        for (StringWriter w : List.of(err, e3, e4))
            assertEquals(1, w.toString().strip().lines().count(), "one line: " + w);
        assertFalse(Files.exists(out), "nothing written");
    }
}
