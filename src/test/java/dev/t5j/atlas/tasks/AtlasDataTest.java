package dev.t5j.atlas.tasks;

import dev.t5j.atlas.AtlasTestData;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class AtlasDataTest {
    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    private static String qa(int i) {
        return "{\"question\": \"q" + i + "\", \"answers\": [\"a" + i + "\"]}";
    }

    private static List<String> questions(List<AtlasData.Line> lines) {
        return lines.stream().map(l -> (String) l.json().get("question")).toList();
    }

    @Test
    void shardingFollowsAtlasCounter() throws IOException {
        Path a = file("a.jsonl", qa(1), qa(2), qa(3)), b = file("b.jsonl", qa(4), "", qa(5));
        assertEquals(List.of("q1", "q2", "q3", "q4", "q5"), questions(AtlasData.readShard(List.of(a, b), 0, 1, false)));
        // the counter starts at 1 and runs across files: rank = counter % world
        assertEquals(List.of("q2", "q4"), questions(AtlasData.readShard(List.of(a, b), 0, 2, false)));
        assertEquals(List.of("q1", "q3", "q5"), questions(AtlasData.readShard(List.of(a, b), 1, 2, false)));
        assertEquals(List.of("q3"), questions(AtlasData.readShard(List.of(a, b), 0, 3, false)));
        AtlasData.Line q5 = AtlasData.readShard(List.of(a, b), 1, 2, false).get(2);
        assertEquals(b, q5.file());
        assertEquals(3, q5.lineNo()); // blank line 2 skipped, numbering kept
    }

    @Test
    void trainingRepeatsUntilEveryRankHasData() throws IOException {
        Path a = file("a.jsonl", qa(1), qa(2));
        // world 4, 2 lines: counters 1,2 | 3,4 → rank 0 gets counter 4 (q2), rank 3 gets counter 3 (q1)
        assertEquals(List.of("q2"), questions(AtlasData.readShard(List.of(a), 0, 4, true)));
        assertEquals(List.of("q1"), questions(AtlasData.readShard(List.of(a), 3, 4, true)));
        assertEquals(List.of(), questions(AtlasData.readShard(List.of(a), 0, 4, false)));
        assertThrows(UserError.class, () -> AtlasData.readShard(List.of(file("empty.jsonl", "")), 0, 1, false));
    }

    @Test
    void badLinesNameFileLineAndField() throws IOException {
        AtlasTask qaTask = AtlasTasks.byName("qa", AtlasTaskOptions.defaults());
        Path badJson = file("bad.jsonl", qa(1), "{\"question\": \"q\", ");
        UserError e = assertThrows(UserError.class, () -> AtlasData.readShard(List.of(badJson), 0, 1, false));
        assertTrue(e.getMessage().startsWith(badJson + ":2: invalid JSON"), e.getMessage());

        Path notObject = file("arr.jsonl", "[1, 2]");
        e = assertThrows(UserError.class, () -> AtlasData.readShard(List.of(notObject), 0, 1, false));
        assertTrue(e.getMessage().startsWith(notObject + ":1: expected a JSON object"), e.getMessage());

        Path missing = file("missing.jsonl", qa(1), qa(2), "{\"answers\": [\"x\"]}");
        e = assertThrows(UserError.class, () -> AtlasData.loadEval(qaTask, List.of(missing), 0, 1, new Random(0)));
        assertEquals(missing + ":3: field 'question': missing (task qa)", e.getMessage());

        Path wrongType = file("type.jsonl", "{\"question\": \"q\", \"answers\": \"Paris\"}");
        e = assertThrows(UserError.class, () -> AtlasData.loadEval(qaTask, List.of(wrongType), 0, 1, new Random(0)));
        assertEquals(wrongType + ":1: field 'answers': expected a list of strings, got a string (task qa)",
                e.getMessage());

        e = assertThrows(UserError.class, () -> AtlasData.readShard(List.of(dir.resolve("nope.jsonl")), 0, 1, false));
        assertTrue(e.getMessage().endsWith("nope.jsonl: file not found"), e.getMessage());
    }

    @Test
    void evalExpandsPermutationsAndSkips() throws IOException {
        Path f = file("mc.jsonl",
                "{\"question\": \"q\", \"options\": {\"A\": \"x\", \"B\": \"y\", \"C\": \"z\", \"D\": \"w\"}, " +
                "\"answer\": \"C\"}");
        AtlasTask mc = AtlasTasks.byName("multiple_choice",
                AtlasTaskOptions.defaults().withVocabulary(AtlasTestData.t5()).withMultipleChoice(4, "single",
                        "cyclic"));
        assertEquals(4, AtlasData.loadEval(mc, List.of(f), 0, 1, new Random(0)).size());
        Path s = file("section.jsonl", "{\"id\": \"1\", \"title\": \"T\", \"section\": \"\", \"text\": \"x\"}",
                "{\"id\": \"2\", \"title\": \"T\", \"section\": \"S\", \"text\": \"x\"}");
        List<AtlasExample> exs = AtlasData.loadEval(AtlasTasks.byName("section", AtlasTaskOptions.defaults()),
                List.of(s), 0, 1, new Random(0));
        assertEquals(1, exs.size());
        assertEquals("2", exs.get(0).filterId());
    }

    @Test
    void batchesAndShuffle() {
        List<Integer> xs = List.of(1, 2, 3, 4, 5, 6, 7);
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)), AtlasData.batches(xs, 3, false));
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6)), AtlasData.batches(xs, 3, true));
        List<Integer> sh = AtlasData.shuffle(xs, new Random(5));
        assertEquals(sh, AtlasData.shuffle(xs, new Random(5)));
        assertEquals(xs, sh.stream().sorted().toList());
        assertNotEquals(xs, sh);
    }

    @Test
    void trainingBatchesRunEpochsReproducibly() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) lines.add(qa(i));
        Path f = file("train.jsonl", lines.toArray(String[]::new));
        AtlasTask qaTask = AtlasTasks.byName("qa", AtlasTaskOptions.defaults());
        Iterator<List<AtlasExample>> it = AtlasData.trainingBatches(qaTask, List.of(f), 0, 1, 4, true, 17);
        List<String> epoch1 = new ArrayList<>(), epoch2 = new ArrayList<>();
        for (int b = 0; b < 2; b++) it.next().forEach(e -> epoch1.add(e.query())); // 10 examples → 2 full batches of 4
        for (int b = 0; b < 2; b++) it.next().forEach(e -> epoch2.add(e.query()));
        assertEquals(8, epoch1.size());
        assertEquals(8, epoch1.stream().distinct().count());
        assertNotEquals(epoch1, epoch2); // reshuffled each epoch
        Iterator<List<AtlasExample>> again = AtlasData.trainingBatches(qaTask, List.of(f), 0, 1, 4, true, 17);
        List<String> replay = new ArrayList<>();
        for (int b = 0; b < 2; b++) again.next().forEach(e -> replay.add(e.query()));
        assertEquals(epoch1, replay);
        Iterator<List<AtlasExample>> ordered = AtlasData.trainingBatches(qaTask, List.of(f), 0, 1, 4, false, 1);
        assertEquals("question: q0 answer: <extra_id_0>", ordered.next().get(0).query());
        Iterator<List<AtlasExample>> tooBig = AtlasData.trainingBatches(qaTask, List.of(f), 0, 1, 11, false, 1);
        assertThrows(UserError.class, tooBig::next);
    }

    /** A stream restarted at a saved position yields what the original yields from there, across epochs. */
    @Test
    void trainingBatchesResumeAtAPositionWithoutReplay() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) lines.add(qa(i));
        Path f = file("resume.jsonl", lines.toArray(String[]::new));
        AtlasTask qaTask = AtlasTasks.byName("qa", AtlasTaskOptions.defaults());
        AtlasBatches original = AtlasData.trainingBatches(qaTask, List.of(f), 0, 1, 4, true, 17);
        for (int b = 0; b < 3; b++) original.next(); // into the second epoch
        AtlasBatches.Position p = original.position();
        assertEquals(1, p.batchesIntoEpoch());
        List<String> want = new ArrayList<>(), got = new ArrayList<>();
        for (int b = 0; b < 5; b++) original.next().forEach(e -> want.add(e.query()));
        AtlasBatches resumed = AtlasData.trainingBatches(qaTask, List.of(f), 0, 1, 4, true, 17);
        resumed.seek(p);
        for (int b = 0; b < 5; b++) resumed.next().forEach(e -> got.add(e.query()));
        assertEquals(want, got);
        // the stream's generator draws what java.util.Random draws (so runs keep their data order), and its state
        // can be set back
        Random ref = new Random(99);
        AtlasBatches.StatefulRandom mine = new AtlasBatches.StatefulRandom(99);
        for (int i = 0; i < 50; i++) {
            assertEquals(ref.nextInt(1000), mine.nextInt(1000));
            assertEquals(ref.nextDouble(), mine.nextDouble());
            assertEquals(ref.nextLong(), mine.nextLong());
        }
        long state = mine.state();
        long next = mine.nextLong();
        mine.setState(state);
        assertEquals(next, mine.nextLong());
    }
}
