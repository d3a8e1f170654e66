package dev.t5j.atlas;

import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.engine.Tensors;
import dev.t5j.retrieval.Retriever;
import dev.t5j.run.MetricsLog;
import dev.t5j.run.RunCheckpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Atlas end to end on a 12-passage corpus with a tiny reader and retriever: every teacher trains the retriever, the
 * refresh schedule re-embeds the corpus when Atlas would, query-side training leaves the passage encoder alone,
 * freezing leaves the retriever alone, and {@code t5j eval} on the saved model reproduces the run's final evaluation.
 */
class AtlasTrainerTest {
    @TempDir
    static Path dir;
    static Path passages, train, eval, initialRetriever;

    @BeforeAll
    static void data() throws Exception {
        StringBuilder ps = new StringBuilder(), tr = new StringBuilder(), ev = new StringBuilder();
        String[] animals = {"otter", "falcon", "badger", "heron", "lynx", "walrus", "gecko", "bison", "koala",
                "marten", "ibis", "tapir"};
        for (int i = 0; i < animals.length; i++) {
            String text = "the " + animals[i] + " lives near river " + (i * 7) + " and eats " + animals[(i
                    + 1) % animals.length] + " food";
            ps.append(Json.write(Map.of("id", String.valueOf(i), "title", "Article " + animals[i], "text",
                    text))).append('\n');
            tr.append(Json.write(Map.of("question", "which article mentions the " + animals[i] + "?", "answers",
                    List.of("Article " + animals[i])))).append('\n');
            if (i % 3 == 0) ev.append(Json.write(Map.of("question", "where does the " + animals[i] + " live?",
                    "answers", List.of("Article " + animals[i])))).append('\n');
        }
        passages = Files.writeString(dir.resolve("passages.jsonl"), ps);
        train = Files.writeString(dir.resolve("train.jsonl"), tr);
        eval = Files.writeString(dir.resolve("eval.jsonl"), ev);
    }

    static List<String> base(String out) {
        return new ArrayList<>(List.of(
                "reader.preset=tiny", "reader.vocab=" + AtlasTestData.resource("tokenizer/t5/spiece.model"),
                        "retriever.preset=tiny",
                "retriever.vocab=" + AtlasTestData.resource("tokenizer/bert/vocab.txt"), "retriever.max_length=32",
                "index.passages=[" + passages + "]", "index.refresh=2",
                "task.train_data=[" + train + "]", "task.eval_data=[" + eval + "]",
                "atlas.n_context=2", "atlas.retriever_n_context=3", "atlas.text_maxlength=32",
                        "atlas.target_maxlength=8",
                "optimizer.lr=1.0e-3", "optimizer.lr_retriever=1.0e-3", "optimizer.scheduler=fixed",
                "train.steps=3", "train.batch_size=2", "train.log_every=1", "train.threads=1",
                "eval.batch_size=4", "eval.max_new_tokens=4", "eval.recall_at=[1,3]",
                "out=" + dir.resolve(out)));
    }

    static AtlasTrainer.Result run(List<String> overrides) throws Exception {
        return new AtlasTrainer(AtlasConfig.load(null, overrides),
                new PrintStream(new ByteArrayOutputStream())).withProgress(false).run();
    }

    /** Parameter values of a retriever directory, by name. */
    static Map<String, float[]> weights(Path retrieverDir) {
        try (Retriever r = Retriever.load(retrieverDir)) {
            Map<String, float[]> m = new java.util.TreeMap<>();
            r.parameters().forEach((k, v) -> m.put(k, Tensors.toFloats(v)));
            return m;
        }
    }

    /** The initial retriever every run starts from, saved once so that runs can be compared to it. */
    static synchronized Path initialRetriever() throws Exception {
        if (initialRetriever == null) {
            try (AtlasModel m = new AtlasTrainer(AtlasConfig.load(null, base("init")), System.out).buildModel()) {
                initialRetriever = dir.resolve("initial-retriever");
                m.retriever().save(initialRetriever);
            }
        }
        return initialRetriever;
    }

    static boolean changed(Map<String, float[]> a, Map<String, float[]> b, String prefix) {
        for (var e : a.entrySet())
            if (e.getKey().startsWith(prefix) && !Arrays.equals(e.getValue(), b.get(e.getKey()))) return true;
        return false;
    }

    @Test
    void everyGoldScoreModeTrainsTheRetrieverAndTheIndexRefreshesOnSchedule() throws Exception {
        Map<String, float[]> before = weights(initialRetriever());
        for (String mode : List.of("pdist", "adist", "emdr", "loop")) {
            List<String> o = base("mode-" + mode);
            o.addAll(List.of("atlas.gold_score_mode=" + mode, "retriever.init_from=" + initialRetriever(),
                    "retriever.preset=null"));
            AtlasTrainer.Result r = run(o);
            List<Map<String, Object>> log = MetricsLog.read(r.runDir().resolve("metrics.jsonl"));
            List<Object> refreshes = log.stream().filter(x -> x.containsKey("index_refresh")).map(x -> x.get("step"))
                    .toList();
            assertEquals(List.of(2), refreshes.stream().map(x -> ((Number) x).intValue()).toList(), mode
                    + ": refresh '2' rebuilds at step 2 only");
            long withRetrieverLoss = log.stream().filter(x -> x.containsKey("retriever_loss")).count();
            assertEquals(3, withRetrieverLoss, mode);
            for (Map<String, Object> x : log)
                if (x.containsKey("retriever_loss")) assertTrue(Double.isFinite(MetricsLog.number(x,
                        "retriever_loss")), mode);
            assertTrue(changed(before, weights(r.modelDir().resolve(AtlasModel.RETRIEVER_DIR)), "contriever."), mode
                    + " updates the retriever");
            assertTrue(r.metrics().containsKey("eval/exact_match") && r.metrics().containsKey("eval/answer_recall@3"),
                    mode + ": " + r.metrics());
        }
    }

    @Test
    void querySideTrainingFreezesPassagesAndFreezeStepsFreezeTheRetriever() throws Exception {
        Map<String, float[]> before = weights(initialRetriever());
        List<String> qs = base("query-side");
        qs.addAll(List.of("retriever.init_from=" + initialRetriever(), "retriever.preset=null",
                "retriever.query_side_training=true", "index.refresh=-1"));
        Map<String, float[]> after = weights(run(qs).modelDir().resolve(AtlasModel.RETRIEVER_DIR));
        assertTrue(changed(prefixed(before, "query_contriever."), after, "query_contriever."),
                "the query encoder trains");
        assertFalse(changed(prefixed(before, "passage_contriever."), after, "passage_contriever."),
                "the passage encoder is frozen");

        List<String> partly = base("partly-frozen");
        partly.addAll(List.of("retriever.init_from=" + initialRetriever(), "retriever.preset=null",
                "atlas.freeze_retriever_steps=2"));
        List<Integer> trained = MetricsLog.read(run(partly).runDir().resolve("metrics.jsonl")).stream()
                .filter(x -> x.containsKey("retriever_loss")).map(x -> ((Number) x.get("step")).intValue())
                .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of(3), trained,
                "as Atlas (step counted from 1): the retriever trains once step > freeze_retriever_steps");

        List<String> frozen = base("frozen");
        frozen.addAll(List.of("retriever.init_from=" + initialRetriever(), "retriever.preset=null",
                "atlas.freeze_retriever_steps=10"));
        AtlasTrainer.Result r = run(frozen);
        assertFalse(changed(before, weights(r.modelDir().resolve(AtlasModel.RETRIEVER_DIR)), "contriever."));
        assertTrue(MetricsLog.read(r.runDir().resolve("metrics.jsonl")).stream()
                        .noneMatch(x -> x.containsKey("retriever_loss") || x.containsKey("index_refresh")),
                "a frozen retriever is neither trained nor re-indexed");
    }

    /** A tied retriever's weights renamed as the untied copy's query or passage encoder. */
    static Map<String, float[]> prefixed(Map<String, float[]> tied, String prefix) {
        Map<String, float[]> m = new java.util.TreeMap<>();
        tied.forEach((k, v) -> m.put(prefix + k.substring("contriever.".length()), v));
        return m;
    }

    @Test
    void evalOnTheSavedModelReproducesTheRunAndWritesAtlasResults() throws Exception {
        List<String> o = base("eval-run");
        AtlasTrainer.Result r = run(o);
        Path results = r.runDir().resolve("eval-step-3.jsonl");
        assertTrue(Files.isRegularFile(results), "results written: " + results);
        List<String> lines = Files.readAllLines(results);
        assertEquals(4, lines.size());
        var first = Json.MAPPER.readTree(lines.get(0));
        assertTrue(first.has("query") && first.has("answers") && first.has("generation")
                && first.get("passages").size() == 2, lines.get(0));
        assertTrue(Files.isRegularFile(r.runDir().resolve("config.yaml"))
                && Files.isRegularFile(r.modelDir().resolve(AtlasModel.ATLAS_JSON)));

        AtlasConfig cfg = AtlasConfig.load(null, o);
        Map<String, Double> again = new AtlasTrainer(cfg,
                new PrintStream(new ByteArrayOutputStream())).withProgress(false).evaluateOnly(r.modelDir());
        for (String k : List.of("eval/exact_match", "eval/eval_loss", "eval/answer_recall@1", "eval/answer_recall@3"))
            assertEquals(r.metrics().get(k), again.get(k), 1e-4, k);
    }

    @Test
    void aResumedRunContinuesExactlyAsTheUninterruptedOne() throws Exception {
        List<String> full = base("resume-full");
        full.addAll(List.of("train.steps=4", "index.refresh=3", "train.checkpoint_every=2", "retriever.init_from="
                + initialRetriever(), "retriever.preset=null"));
        AtlasTrainer.Result a = run(full);
        // the same run stopped after its step-2 checkpoint: keep that checkpoint, drop what came later, resume
        List<String> part = base("resume-part");
        part.addAll(List.of("train.steps=4", "index.refresh=3", "train.checkpoint_every=2", "retriever.init_from="
                + initialRetriever(), "retriever.preset=null"));
        AtlasConfig pc = AtlasConfig.load(null, part);
        new AtlasTrainer(AtlasConfig.load(null, withSteps(part, 3)),
                new PrintStream(new ByteArrayOutputStream())).withProgress(false).run();
        assertEquals(1, new RunCheckpoints(a.runDir().getParent().resolve("resume-part")).list().size());
        UserError again = assertThrows(UserError.class, () -> run(part));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
        ByteArrayOutputStream resumedLog = new ByteArrayOutputStream();
        AtlasTrainer.Result b = new AtlasTrainer(pc, new PrintStream(resumedLog, true)).withProgress(false).run(true);
        assertTrue(resumedLog.toString().contains("at step 2"), "it resumed rather than started over: " + resumedLog);
        List<Map<String, Object>> la = MetricsLog.read(a.runDir().resolve("metrics.jsonl")),
                lb = MetricsLog.read(b.runDir().resolve("metrics.jsonl"));
        assertEquals(la.size(), lb.size(), lb.toString());
        for (int i = 0; i < la.size(); i++)
            for (String k : List.of("loss", "retriever_loss", "eval/exact_match", "eval/eval_loss"))
                if (la.get(i).containsKey(k)) assertEquals(MetricsLog.number(la.get(i), k),
                        MetricsLog.number(lb.get(i), k), 0.0, "line " + i + " " + k);
        String emb = "contriever.embeddings.word_embeddings.weight";
        assertEquals(weights(a.modelDir().resolve(AtlasModel.RETRIEVER_DIR)).get(emb)[12345],
                weights(b.modelDir().resolve(AtlasModel.RETRIEVER_DIR)).get(emb)[12345]);
    }

    static List<Double> losses(Path run) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> r : MetricsLog.read(run.resolve("metrics.jsonl")))
            if (r.containsKey("loss")) out.add(MetricsLog.number(r, "loss"));
        return out;
    }

    /** A resumable Atlas run: checkpoints every 2 steps, the index refreshed every 3, dropout on. */
    static List<String> resumable(String out, long steps) throws Exception {
        List<String> o = base(out);
        o.addAll(List.of("train.steps=" + steps, "index.refresh=3", "train.checkpoint_every=2", "reader.dropout=0.1",
                "retriever.init_from=" + initialRetriever(), "retriever.preset=null", "task.eval_data=[]"));
        return o;
    }

    /** kill -9 of a real Atlas training process, then resume: the uninterrupted run's losses, step by step. */
    @Test
    void killMinus9ThenResumeMatchesUninterruptedRun() throws Exception {
        Path b = dir.resolve("kill-b");
        run(resumable("kill-a", 7));
        Path cfgFile = Files.writeString(dir.resolve("kill-atlas.yaml"), "atlas: {n_context: 2}\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dt5j.quiet=true", "-cp", System.getProperty("java.class.path"), "dev.t5j.cli.T5jCli", "train",
                "--config", cfgFile.toString()));
        for (String s : resumable("kill-b", 1_000_000)) {
            cmd.add("--set");
            cmd.add(s);
        }
        Path childLog = dir.resolve("kill-child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
        Path ckpt = b.resolve("checkpoints").resolve(RunCheckpoints.stepName(4));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(ckpt), "child reached step 4: " + Files.readString(childLog));
        // one writer per run: while the child trains, a second process is refused, naming the child
        UserError busy = assertThrows(UserError.class, () -> new AtlasTrainer(AtlasConfig.load(null,
                resumable("kill-b", 7)),
                new PrintStream(new ByteArrayOutputStream())).withProgress(false).run(true));
        assertTrue(busy.getMessage().contains("pid " + p.pid()), busy.getMessage());
        p.destroyForcibly().waitFor(); // SIGKILL, possibly while it writes the next checkpoint
        ByteArrayOutputStream resumedLog = new ByteArrayOutputStream();
        new AtlasTrainer(AtlasConfig.load(null, resumable("kill-b", 7)), new PrintStream(resumedLog, true))
                .withProgress(false).run(true);
        assertTrue(resumedLog.toString().contains("at step"), resumedLog.toString());
        assertEquals(losses(dir.resolve("kill-a")), losses(b), "same losses, bit for bit, step by step");
        try (var s = Files.list(b.resolve("checkpoints"))) {
            assertEquals(List.of(), s.filter(x -> x.getFileName().toString().startsWith(".")).toList(),
                    "temporary checkpoint directories of the killed process are gone");
        }
    }

    /**
     * A checkpoint whose trainer_state.json was written by t5j before the shared run loop (no data position, no
     * metrics; src/test/resources/atlas/old-trainer-state/SOURCE.md) still resumes: the stream is replayed to its step.
     */
    @Test
    void aCheckpointOfTheOldFormatStillResumes() throws Exception {
        run(resumable("old-a", 4));
        List<String> part = resumable("old-b", 4);
        new AtlasTrainer(AtlasConfig.load(null, part), new PrintStream(new ByteArrayOutputStream())).withProgress(false)
                .stopAfterStep(3).run(false);
        Path ckpt = dir.resolve("old-b").resolve("checkpoints").resolve(RunCheckpoints.stepName(2));
        assertTrue(Files.exists(ckpt));
        Files.copy(AtlasTestData.resource("atlas/old-trainer-state/trainer_state.json"),
                ckpt.resolve(RunCheckpoints.STATE_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        new AtlasTrainer(AtlasConfig.load(null, part),
                new PrintStream(new ByteArrayOutputStream())).withProgress(false).run(true);
        assertEquals(losses(dir.resolve("old-a")), losses(dir.resolve("old-b")));
    }

    @Test
    void betasAndCheckpointKeepAreConfigurable() throws Exception {
        List<String> o = resumable("keep", 6);
        o.addAll(List.of("train.checkpoint_keep=1", "optimizer.beta1=0.5"));
        AtlasTrainer.Result r = run(o);
        assertEquals(List.of(RunCheckpoints.stepName(4)), new RunCheckpoints(r.runDir()).list().stream()
                .map(x -> x.getFileName().toString()).toList());
        assertTrue(Files.readString(r.runDir().resolve("config.yaml")).contains("beta1: 0.5"));
        List<String> o9 = resumable("keep9", 6);
        o9.addAll(List.of("train.checkpoint_keep=1"));
        assertTrue(!losses(r.runDir()).equals(losses(run(o9).runDir())), "beta1 changes the updates");
        UserError e = assertThrows(UserError.class, () -> AtlasConfig.load(null, List.of("optimizer.beta1=1.5")));
        assertTrue(e.getMessage().contains("beta1"), e.getMessage());
    }

    /** The config with train.steps replaced, keeping the schedule of the longer run (total steps) unchanged. */
    static List<String> withSteps(List<String> o, int steps) {
        List<String> c = new ArrayList<>(o);
        c.add("train.steps=" + steps);
        return c;
    }

    @Test
    void closedBookNeedsNoIndexAndSavesNoRetriever() throws Exception {
        List<String> o = base("closed");
        o.addAll(List.of("atlas.closed_book=true", "index.passages=[]"));
        AtlasTrainer.Result r = run(o);
        assertFalse(Files.exists(r.modelDir().resolve(AtlasModel.RETRIEVER_DIR)));
        assertFalse(r.metrics().containsKey("eval/answer_recall@1"));
        assertTrue(r.metrics().get("eval/eval_loss") > 0);
    }

    @Test
    void theShippedExampleConfigIsValid() {
        AtlasConfig c = AtlasConfig.load(Path.of("examples/atlas-qa.yaml"), List.of());
        assertEquals(40, c.atlas().nContext());
        assertEquals(GoldScoreMode.PDIST, c.goldScoreMode());
        assertTrue(AtlasConfig.isAtlasConfig(Path.of("examples/atlas-qa.yaml")));
    }

    @Test
    void configErrorsNameTheKey() {
        UserError e = assertThrows(UserError.class, () -> AtlasConfig.load(null,
                List.of("atlas.gold_score_mode=evalsum")));
        assertTrue(e.getMessage().contains("gold_score_mode"), e.getMessage());
        e = assertThrows(UserError.class, () -> AtlasConfig.load(null, List.of("atlas.n_contxt=3")));
        assertTrue(e.getMessage().contains("n_contxt"), e.getMessage());
        e = assertThrows(UserError.class, () -> AtlasConfig.load(null, List.of("index.passages=[x.jsonl]",
                "index.refresh=0-10:x")));
        assertTrue(e.getMessage().contains("index.refresh"), e.getMessage());
        e = assertThrows(UserError.class, () -> AtlasConfig.load(null, List.of("atlas.closed_book=true",
                "atlas.encoder_format='{query} title: {title'")));
        assertTrue(e.getMessage().contains("atlas.encoder_format"), e.getMessage());
        List<String> unknownField = base("unknown-field");
        unknownField.add("atlas.retriever_format='{title} {url}'");
        e = assertThrows(UserError.class, () -> run(unknownField),
                "a field the passages lack is a user error at run time");
        assertTrue(e.getMessage().contains("atlas.retriever_format") && e.getMessage().contains("url"), e.getMessage());
        List<String> noVocab = base("novocab");
        noVocab.add("reader.vocab=null");
        e = assertThrows(UserError.class, () -> run(noVocab));
        assertTrue(e.getMessage().contains("reader.vocab"), e.getMessage());
    }
}
