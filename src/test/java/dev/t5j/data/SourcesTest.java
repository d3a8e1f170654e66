package dev.t5j.data;

import dev.t5j.synth.SyntheticTask;
import dev.t5j.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SourcesTest {
    @TempDir
    Path tmp;

    static List<Example> read(DataSource s, String split, Shard shard, BadLines bad) {
        List<Example> l = new ArrayList<>();
        try (ExampleIterator it = s.open(split, shard, bad)) {
            it.forEachRemaining(l::add);
        }
        return l;
    }

    Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void jsonlFieldsAndMalformedLines() throws IOException {
        Path f = write("a.jsonl",
                "{\"q\": \"one\", \"a\": [\"x\", \"y\"], \"n\": 3, \"ids\": [5, 6], \"o\": {\"v\": " +
                "\"deep\"}}\n\n{\"q\": \"two\"\n{\"q\": \"three\", \"a\": []}\n");
        JsonlSource s = new JsonlSource(FileSplits.of("train", f), List.of("q"));
        var e = assertThrows(UserError.class, () -> read(s, "train", Shard.ALL, BadLines.stop()));
        assertTrue(e.getMessage().startsWith(f + ":3: invalid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("--skip-bad-lines"), e.getMessage());
        BadLines skip = BadLines.skipping();
        List<Example> l = read(s, "train", Shard.ALL, skip);
        assertEquals(2, l.size());
        assertEquals(1, skip.count());
        assertTrue(skip.summary().contains("skipped 1 bad line") && skip.summary().contains(":3:"), skip.summary());
        Example first = l.get(0);
        assertEquals("one", first.string("q"));
        assertEquals(List.of("x", "y"), first.strings("a"));
        assertEquals(3L, first.get("n"));
        assertArrayEquals(new int[] {5, 6}, first.tokens("ids"));
        assertEquals("deep", first.string("o/v"));
        assertEquals(new Example.Origin(f, 1), first.origin());
        assertEquals(new Example.Origin(f, 4), l.get(1).origin(), "line numbers count blank lines");
        assertEquals(3, s.numExamples("train").getAsLong());

        Path g = write("b.jsonl", "{\"other\": 1}\n");
        var missing = assertThrows(UserError.class, () -> read(new JsonlSource(FileSplits.of("train", g), List.of("q")),
                "train", Shard.ALL, BadLines.stop()));
        assertTrue(missing.getMessage().startsWith(g + ":1: field 'q': missing"), missing.getMessage());
    }

    @Test
    void missingFilesAndGlobs() throws IOException {
        write("part-1.jsonl", "{\"q\": 1}\n");
        write("part-2.jsonl", "{\"q\": 2}\n{\"q\": 3}\n");
        FileSplits fs = new FileSplits(Map.of("train", List.of("part-*.jsonl"), "test", List.of("nope.jsonl")), tmp);
        JsonlSource s = new JsonlSource(fs);
        assertEquals(3, read(s, "train", Shard.ALL, BadLines.stop()).size());
        var e = assertThrows(UserError.class, () -> s.check("test"));
        assertTrue(e.getMessage().contains("nope.jsonl: file not found (split 'test')"), e.getMessage());
        var g = assertThrows(UserError.class, () -> new JsonlSource(new FileSplits(Map.of("x", List.of("zz-*.jsonl")),
                tmp)).check("x"));
        assertTrue(g.getMessage().contains("no files match"), g.getMessage());
    }

    @Test
    void shardingAcrossFilesIsRoundRobin() throws IOException {
        write("p1.txt", "a\nb\nc\n");
        write("p2.txt", "d\ne\n");
        TextLineSource s = new TextLineSource(new FileSplits(Map.of("train", List.of("p*.txt")), tmp), "text", 0);
        assertEquals(List.of("a", "c", "e"), read(s, "train", new Shard(0, 2), BadLines.stop()).stream().map(x
                -> x.string("text")).toList());
        assertEquals(List.of("b", "d"), read(s, "train", new Shard(1, 2), BadLines.stop()).stream().map(x
                -> x.string("text")).toList());
    }

    @Test
    void tsvColumns() throws IOException {
        Path f = write("a.tsv", "question\tanswer\nq1\ta1\nq2\n");
        TsvSource s = new TsvSource(FileSplits.of("train", f), List.of("question", "answer"), 1);
        var e = assertThrows(UserError.class, () -> read(s, "train", Shard.ALL, BadLines.stop()));
        assertTrue(e.getMessage().startsWith(f + ":3: field 'answer': missing"), e.getMessage());
        List<Example> l = read(s, "train", Shard.ALL, BadLines.skipping());
        assertEquals(1, l.size());
        assertEquals("a1", l.get(0).string("answer"));
    }

    @Test
    void atlasPassagesMergeSection() throws IOException {
        Path f = write("p.jsonl",
                "{\"id\": \"0\", \"title\": \"Orchid\", \"section\": \"Description\", \"text\": \"t\", \"extra\": 1}\n"
                + "{\"id\": 7, \"title\": \"B\", \"section\": \"\", \"text\": \"u\"}\n{\"title\": \"no id\", " +
                        "\"text\": \"v\"}\n");
        PassageSource s = new PassageSource(FileSplits.of("train", f));
        BadLines skip = BadLines.skipping();
        List<Example> l = read(s, "train", Shard.ALL, skip);
        assertEquals("Orchid: Description", l.get(0).string("title"));
        assertEquals(1L, l.get(0).get("extra"));
        assertEquals("B", l.get(1).string("title"));
        assertEquals("7", l.get(1).string("id"));
        assertEquals(1, skip.count());
        assertTrue(skip.firstMessages().get(0).contains(":3: field 'id': missing"));
        // the real DPR passages sample
        PassageSource real = new PassageSource(FileSplits.of("train",
                Path.of("src/test/resources/data/passages.jsonl")));
        assertEquals(30, read(real, "train", Shard.ALL, BadLines.stop()).size());
    }

    @Test
    void jsonArraysStreamedTopLevelAndUnderAField() throws IOException {
        Path top = write("wq.json", "[{\"utterance\": \"a\"}, {\"utterance\": \"b\"}, 5, {\"utterance\": \"c\"}]");
        JsonArraySource s = new JsonArraySource(FileSplits.of("train", top), "");
        BadLines skip = BadLines.skipping();
        assertEquals(List.of("a", "b", "c"), read(s, "train", Shard.ALL, skip).stream().map(x
                -> x.string("utterance")).toList());
        assertEquals(1, skip.count());
        assertEquals(List.of("b", "c"), read(s, "train", new Shard(1, 2), skip).stream().map(x
                -> x.string("utterance")).toList());
        Path nested = write("tqa.json",
                "{\"Version\": 1, \"Data\": [{\"Question\": \"q\", \"Answer\": {\"Value\": \"v\", \"Aliases\": " +
                "[\"v\", \"w\"]}}]}");
        List<Example> l = read(new JsonArraySource(FileSplits.of("train", nested), "Data"), "train", Shard.ALL,
                BadLines.stop());
        assertEquals(List.of("v", "w"), l.get(0).strings("Answer/Aliases"));
        Path broken = write("broken.json", "[{\"a\": 1},\n{\"a\": ]");
        var e = assertThrows(UserError.class, () -> read(new JsonArraySource(FileSplits.of("train", broken), ""),
                "train", Shard.ALL, BadLines.skipping()));
        assertTrue(e.getMessage().startsWith(broken + ":2: invalid JSON"), e.getMessage());
        var noField = assertThrows(UserError.class, () -> read(new JsonArraySource(FileSplits.of("train", nested),
                "Rows"), "train", Shard.ALL, BadLines.stop()));
        assertTrue(noField.getMessage().contains("field 'Rows': missing"), noField.getMessage());
    }

    @Test
    void slicesLikeTfds() {
        List<Example> l = new ArrayList<>();
        for (int i = 0; i < 10; i++) l.add(Example.of("i", (long) i));
        DataSource base = new MemorySource(Map.of("train", l, "validation", List.of(Example.of("i", 100L))));
        SlicedSource s = new SlicedSource(base, Map.of("a", "train[:3]", "b", "train[3:]", "c", "train[-2:]", "d",
                "train[50%:]",
                "e", "train[:2]+validation"));
        assertEquals(List.of(0L, 1L, 2L), ids(read(s, "a", Shard.ALL, BadLines.stop())));
        assertEquals(7, read(s, "b", Shard.ALL, BadLines.stop()).size());
        assertEquals(List.of(8L, 9L), ids(read(s, "c", Shard.ALL, BadLines.stop())));
        assertEquals(5, read(s, "d", Shard.ALL, BadLines.stop()).size());
        assertEquals(List.of(0L, 1L, 100L), ids(read(s, "e", Shard.ALL, BadLines.stop())));
        assertEquals(List.of(4L, 6L, 8L), ids(read(s, "b", new Shard(1, 2), BadLines.stop())));
        assertEquals(7, s.numExamples("b").getAsLong());
        assertThrows(UserError.class, () -> new SlicedSource(base, Map.of("x", "train[:abc]")));
    }

    private static List<Object> ids(List<Example> l) {
        return l.stream().map(e -> e.get("i")).toList();
    }

    @Test
    void generatorSourcesAreIndexedAndShardable() {
        GeneratorSource g = new GeneratorSource(Map.of("train", 10L), (split, i) -> Example.of("i", i), "counter");
        assertEquals(List.of(1L, 4L, 7L), ids(read(g, "train", new Shard(1, 3), BadLines.stop())));
        try (ExampleIterator it = g.open("train", Shard.ALL, BadLines.stop())) {
            assertEquals(8, it.skip(8));
            assertEquals(8L, it.next().get("i"));
        }
        SyntheticTask syn = new SyntheticTask() {
            public String name() { return "copy"; }
            public SyntheticExample generate(java.util.random.RandomGenerator rng) {
                int[] x = {3 + rng.nextInt(10), 3 + rng.nextInt(10)};
                return new SyntheticExample(x, x.clone());
            }
        };
        GeneratorSource s = GeneratorSource.synthetic(syn, Map.of("train", 50L), 7);
        List<Example> all = read(s, "train", Shard.ALL, BadLines.stop());
        List<Example> odd = read(s, "train", new Shard(1, 2), BadLines.stop());
        for (int i = 0; i < odd.size(); i++) assertArrayEquals(all.get(2 * i + 1).tokens("inputs"),
                odd.get(i).tokens("inputs"));
        assertArrayEquals(all.get(0).tokens("inputs"), all.get(0).tokens("targets"));
    }
}
