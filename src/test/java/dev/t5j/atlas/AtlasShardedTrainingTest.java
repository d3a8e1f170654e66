package dev.t5j.atlas;

import dev.t5j.cli.T5jCli;
import dev.t5j.engine.Tensors;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.retrieval.index.FlatIndex;
import dev.t5j.retrieval.index.Hit;
import dev.t5j.retrieval.index.IndexLoadOptions;
import dev.t5j.retrieval.index.IndexManifest;
import dev.t5j.retrieval.index.ShardedIndex;
import dev.t5j.run.MetricsLog;
import dev.t5j.run.ThreadReplicas;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An Atlas run on two replicas with the passage index sharded across them trains, refreshes, checkpoints and
 * evaluates as one process does: first with threads standing in for processes ({@link ThreadReplicas}: the index
 * files and staging are checked in detail), then as two real worker processes of a Gloo group
 * ({@code t5j train --nproc 2}). Each replica trains on its half of every batch. Dropout is off: replicas that are
 * threads share libtorch's one random generator, and dropout masks of a half batch are not one process's anyway.
 */
class AtlasShardedTrainingTest {
    @TempDir
    static Path tmp;
    static Path reader, retriever;

    @BeforeAll
    static void data() throws Exception {
        AtlasTrainerTest.dir = tmp;
        AtlasTrainerTest.data();
        // fixed starting weights, saved once: fresh inits would draw from the shared generator
        try (AtlasModel m = new AtlasTrainer(AtlasConfig.load(null, AtlasTrainerTest.base("init")),
                new PrintStream(new ByteArrayOutputStream())).buildModel()) {
            reader = tmp.resolve("reader");
            Checkpoint.save(m.t5(), reader);
            retriever = tmp.resolve("retriever");
            m.retriever().save(retriever);
        }
        try (Stream<Path> s = Stream.concat(Files.walk(reader), Files.walk(retriever))) {
            for (Path f : s.filter(p -> p.getFileName().toString().equals("config.json")).toList())
                Files.writeString(f, Files.readString(f).replaceAll("(\"[a-z_]*dropout[a-z_]*\"\\s*:\\s*)[0-9.eE-]+",
                        "$10.0"));
        }
    }

    static List<String> config(String out) {
        List<String> o = AtlasTrainerTest.base(out);
        o.addAll(List.of("reader.init_from=" + reader, "reader.preset=null", "reader.dropout=0.0",
                "retriever.init_from=" + retriever, "retriever.preset=null", "index.shards=2", "index.refresh=2",
                "train.steps=4", "train.checkpoint_every=2", "train.checkpoint_keep=5"));
        return o;
    }

    static AtlasTrainer trainer(String out) {
        return new AtlasTrainer(AtlasConfig.load(null, config(out)), new PrintStream(new ByteArrayOutputStream()))
                .withProgress(false);
    }

    @Test
    void twoReplicasWithAShardedIndexTrainAsOneProcess() throws Exception {
        AtlasTrainer.Result one = trainer("one").run();
        List<AtlasTrainer.Result> two = ThreadReplicas.run(2, r -> trainer("two").withReplicas(r).run());
        assertEquals(two.get(0).metrics(), two.get(1).metrics(), "every rank evaluates the same");
        Map<String, Double> a = one.metrics(), b = two.get(0).metrics();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) // retrieval and answers the same; the loss up to fp32 summation order
            assertEquals(a.get(k), b.get(k), k.endsWith("loss") ? 1e-5 * Math.max(1, Math.abs(a.get(k))) : 1e-9, k);
        assertTrue(a.containsKey("eval/answer_recall@3"), a.toString());

        List<Map<String, Object>> la = MetricsLog.read(one.runDir().resolve("metrics.jsonl"));
        List<Map<String, Object>> lb = MetricsLog.read(two.get(0).runDir().resolve("metrics.jsonl"));
        assertEquals(la.size(), lb.size());
        int refreshes = 0;
        for (int i = 0; i < la.size(); i++) {
            if (la.get(i).containsKey("index_refresh")) refreshes++;
            assertEquals(la.get(i).containsKey("loss"), lb.get(i).containsKey("loss"));
            if (la.get(i).containsKey("loss")) { // each rank trains on half the batch: fp32 sums differ in order
                double x = ((Number) la.get(i).get("loss")).doubleValue();
                assertEquals(x, ((Number) lb.get(i).get("loss")).doubleValue(), 1e-5 * Math.max(1, Math.abs(x)),
                        "loss, record " + i);
            }
        }
        assertTrue(refreshes >= 1, "the index was refreshed during training (by both ranks, each on its shard)");

        try (T5ForConditionalGeneration x = Checkpoint.load(one.modelDir().resolve(AtlasModel.READER_DIR));
             T5ForConditionalGeneration y = Checkpoint.load(two.get(0).modelDir().resolve(AtlasModel.READER_DIR))) {
            for (var e : x.parameters().entrySet()) {
                float[] p = Tensors.toFloats(e.getValue()), q = Tensors.toFloats(y.parameters().get(e.getKey()));
                for (int j = 0; j < p.length; j++) assertEquals(p[j], q[j], 1e-5, e.getKey());
            }
        }

        // the checkpoint's index: both ranks' shards, saved per shard, loadable by one process as a flat index
        Path ck1 = checkpointIndex(one.runDir()), ck2 = checkpointIndex(two.get(0).runDir());
        assertEquals(2, ((Number) IndexManifest.read(ck2).params()
                .get(ShardedIndex.WORLD_SIZE)).intValue());
        try (FlatIndex p = FlatIndex.load(ck1, IndexLoadOptions.defaults());
             FlatIndex q = FlatIndex.load(ck2, IndexLoadOptions.defaults())) {
            for (int row = 0; row < p.size(); row++) assertArrayEquals(p.row(row), q.row(row), "row " + row);
            float[][] probe = {p.row(0), p.row(5)};
            List<List<Hit>> h1 = p.search(probe, 4), h2 = q.search(probe, 4);
            assertEquals(h1, h2);
        }
        assertFalse(Files.exists(two.get(0).runDir().resolve("checkpoints").resolve("..").resolve(
                ".index-for-checkpoint.sharded-partial")), "no staging left behind");
    }

    @Test
    void twoWorkerProcessesWithAShardedIndexTrainAsOneProcess() throws Exception {
        AtlasTrainer.Result one = trainer("one-p").run();
        Path config = tmp.resolve("two-p.yaml");
        Files.writeString(config, AtlasConfig.load(null, config("two-p")).toYaml());
        StringWriter err = new StringWriter();
        CommandLine cl = T5jCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("train", "--config", config.toString(), "--nproc", "2", "--dist-timeout", "60"),
                err.toString());
        Path two = AtlasTrainerTest.dir.resolve("two-p");
        List<Map<String, Object>> la = MetricsLog.read(one.runDir().resolve("metrics.jsonl"));
        List<Map<String, Object>> lb = MetricsLog.read(two.resolve("metrics.jsonl"));
        assertEquals(la.stream().filter(r -> r.containsKey("loss")).count(),
                lb.stream().filter(r -> r.containsKey("loss")).count(), "steps logged");
        List<Double> wa = lossesOf(la), wb = lossesOf(lb);
        for (int i = 0; i < wa.size(); i++)
            assertEquals(wa.get(i), wb.get(i), 1e-5 * Math.max(1, Math.abs(wa.get(i))), "loss of step " + (i + 1));
        Map<String, Object> ea = lastEval(la), eb = lastEval(lb);
        assertTrue(ea.containsKey("eval/answer_recall@3"), ea.toString());
        for (String k : ea.keySet())
            if (k.startsWith("eval/") && !k.endsWith("loss")) assertEquals(ea.get(k), eb.get(k), k);
        assertEquals(2, ((Number) IndexManifest.read(checkpointIndex(two)).params()
                .get(ShardedIndex.WORLD_SIZE)).intValue(), "the checkpoint's index was saved by both ranks");
    }

    private static List<Double> lossesOf(List<Map<String, Object>> log) {
        return log.stream().filter(r -> r.containsKey("loss")).map(r -> ((Number) r.get("loss")).doubleValue())
                .toList();
    }

    private static Map<String, Object> lastEval(List<Map<String, Object>> log) {
        Map<String, Object> last = null;
        for (Map<String, Object> r : log) if (r.keySet().stream().anyMatch(k -> k.startsWith("eval/"))) last = r;
        assertNotNull(last, "an evaluation in the metrics log");
        return last;
    }

    private static Path checkpointIndex(Path runDir) throws IOException {
        try (Stream<Path> s = Files.list(runDir.resolve("checkpoints"))) {
            List<Path> c = new ArrayList<>(s.filter(p -> Files.isDirectory(p.resolve(AtlasTrainer.INDEX))).sorted()
                    .toList());
            assertFalse(c.isEmpty(), "a checkpoint with an index in " + runDir);
            return c.get(0).resolve(AtlasTrainer.INDEX);
        }
    }
}
