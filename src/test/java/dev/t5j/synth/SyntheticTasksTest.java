package dev.t5j.synth;

import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticTasksTest {
    @Test
    void registryHasThe21PaperTasksAndTheAliases() {
        assertEquals(21, SyntheticTasks.PAPER_TASKS.size());
        for (String n : SyntheticTasks.PAPER_TASKS) assertEquals(n, SyntheticTasks.byName(n).name());
        assertEquals("identity", SyntheticTasks.byName("copy").name());
        assertEquals("first_token", SyntheticTasks.byName("first_char").name());
        assertEquals("set2_minus_set1", SyntheticTasks.byName("set_2_minus_1").name());
        assertEquals("lime_abduct", SyntheticTasks.byName("lime_abduct").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.byName("nope"));
        assertTrue(e.getMessage().contains("nesting_language"));
    }

    @Test
    void generationIsDeterministicPerSeedAndIndex() {
        for (String n : SyntheticTasks.PAPER_TASKS) {
            SyntheticTask t = SyntheticTasks.byName(n);
            var a = SyntheticTasks.example(t, 5, 3);
            var b = SyntheticTasks.example(SyntheticTasks.byName(n), 5, 3);
            assertArrayEquals(a.inputs(), b.inputs(), n);
            assertArrayEquals(a.targets(), b.targets(), n);
            var c = SyntheticTasks.example(t, 6, 3);
            assertFalse(Arrays.equals(a.inputs(), c.inputs()) && Arrays.equals(a.targets(), c.targets()), n
                    + ": seed matters");
        }
    }

    @Test
    void writerOutputDoesNotDependOnThreads(@TempDir Path dir) throws Exception {
        SyntheticTask t = SyntheticTasks.byName("sort");
        Path one = dir.resolve("one.tsv"), two = dir.resolve("two.tsv");
        SynthWriter.write(t, 5000, 17, 1, one, null);
        SynthWriter.write(t, 5000, 17, 2, two, null);
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
        List<String> lines = Files.readAllLines(one);
        assertEquals(5000, lines.size());
        for (int i = 0; i < 5; i++) {
            var ex = SynthTsv.parseLine(lines.get(i), one, i + 1);
            var want = SyntheticTasks.example(t, 17, i);
            assertArrayEquals(want.inputs(), ex.inputs());
            assertArrayEquals(want.targets(), ex.targets());
        }
    }

    @Test
    void tsvFormatIsPythonListRepr() {
        assertEquals("[1, 22, 333]\t[4]", SynthTsv.line(new SyntheticTask.SyntheticExample(new int[]{1, 22, 333},
                new int[]{4})));
        assertEquals("[]\t[5, 6]", SynthTsv.line(new SyntheticTask.SyntheticExample(new int[0], new int[]{5, 6})));
        Path f = Path.of("data.tsv");
        assertArrayEquals(new int[]{1, 2}, SynthTsv.parseList(" [1, 2] ", f, 1, "inputs"));
        UserError e = assertThrows(UserError.class, () -> SynthTsv.parseLine("[1, x]\t[2]", f, 7));
        assertEquals("data.tsv:7: field 'inputs': item 2 is not an integer: 'x'", e.getMessage());
        e = assertThrows(UserError.class, () -> SynthTsv.parseLine("[1]", f, 3));
        assertTrue(e.getMessage().startsWith("data.tsv:3: "));
    }

    @Test
    void smallVocabularyLayoutAndEncoding() {
        SimpleVocabulary v = new SimpleVocabulary();
        assertTrue(v.vocabSize() < 1000, "small enough for tiny models: " + v.vocabSize());
        assertEquals("<extra_id_0>", v.piece(v.vocabSize() - 1));
        assertEquals(v.sentinelId(0), TokenSpace.of(v).taskDivider());
        assertEquals(1, v.encode("set").length);
        int[] n = v.encode("219");
        assertEquals("2 1 9", v.decode(n));
        assertEquals(3, TokenSpace.of(v).encodeNumber(219).length);
        assertEquals("__ d3 __ keyword _ 0 __", v.decode(v.encode("__d3__keyword_0__")));
        assertEquals(v.unkId(), v.encode("Ä")[0]);
        int[] pool = TokenSpace.of(v).poolIds();
        assertEquals(SimpleVocabulary.DEFAULT_POOL_SIZE, pool.length);
        assertEquals("t0", v.piece(pool[0]));
        SimpleVocabulary listed = SimpleVocabulary.fromPieces(List.of("<pad>", "</s>", "<unk>", "a", "b",
                "<extra_id_1>", "<extra_id_0>"));
        assertEquals(2, listed.extraIds());
        assertArrayEquals(new int[]{3, 4, 3}, listed.encode("aba"));
    }
}
