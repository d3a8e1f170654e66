package dev.t5j.tokenizer;

import java.util.HashSet;
import java.util.Set;
import dev.t5j.common.Progress;
import dev.t5j.common.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What training needs from the corpus: each line normalized as the final model will normalize it, split into words at
 * U+2581 (spm's split_by_whitespace), and counted; plus character counts for the character-coverage cut. Memory is
 * bounded by {@link TrainerConfig#maxWords}: when the word table grows past it, the rarest words are dropped (their
 * counts are small by construction), so a 100 MB corpus needs a few hundred MB at most.
 */
final class TrainingCorpus {
    /** spm's placeholder for characters outside the coverage (U+2585); pieces never contain it. */
    static final int UNK_CHAR = 0x2585;

    final String[] words;
    final long[] freqs;
    /** Characters kept (covering {@code characterCoverage} of all characters), most frequent first, with counts. */
    final int[] requiredChars;
    final long[] requiredCharFreqs;
    final long sentences;

    private TrainingCorpus(String[] words, long[] freqs, int[] requiredChars, long[] requiredCharFreqs,
            long sentences) {
        this.words = words;
        this.freqs = freqs;
        this.requiredChars = requiredChars;
        this.requiredCharFreqs = requiredCharFreqs;
        this.sentences = sentences;
    }

    static TrainingCorpus read(TrainerConfig cfg, Normalizer normalizer) {
        Map<String, long[]> counts = new HashMap<>();
        long lines = 0;
        long total = 0;
        for (Path p : cfg.inputs()) {
            try {
                total += Files.size(p);
            } catch (NoSuchFileException e) {
                throw new UserError(p + ": file not found");
            } catch (IOException e) {
                throw new UserError(p + ": cannot read: " + e.getMessage(), e);
            }
        }
        long minCount = 1;
        Normalizer.Buf buf = new Normalizer.Buf();
        try (Progress progress = new Progress("reading corpus", total, "bytes")) {
            outer:
            for (Path p : cfg.inputs()) {
                try (Utf8LineReader in = new Utf8LineReader(Files.newInputStream(p))) {
                    while (in.next()) {
                        byte[] line = in.bytes();
                        int n = in.length();
                        long lineNo = in.lineNumber();
                        progress.step(n + 1);
                        int bad = Utf8.firstInvalid(line, 0, n);
                        if (bad >= 0) throw UserError.at(p, lineNo, null, "invalid UTF-8 at byte " + bad
                                + " of the line");
                        normalizer.normalize(line, 0, n, buf);
                        addWords(buf, counts);
                        lines++;
                        if (counts.size() > cfg.maxWords()) minCount = prune(counts, cfg.maxWords(), minCount);
                        if (cfg.maxSentences() > 0 && lines >= cfg.maxSentences()) break outer;
                    }
                } catch (IOException e) {
                    throw new UserError(p + ": cannot read: " + e.getMessage(), e);
                }
            }
        }
        if (counts.isEmpty()) throw new UserError("no text in " + cfg.inputs() + " (all lines empty?)");
        // character coverage
        Map<Integer, long[]> chars = new HashMap<>();
        long allChars = 0;
        for (var e : counts.entrySet()) {
            String w = e.getKey();
            long f = e.getValue()[0];
            for (int i = 0; i < w.length(); ) {
                int cp = w.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == 0x2581) continue; // the whitespace symbol is a meta character, added separately
                chars.computeIfAbsent(cp, k -> new long[1])[0] += f;
                allChars += f;
            }
        }
        List<Map.Entry<Integer, long[]>> sorted = new ArrayList<>(chars.entrySet());
        sorted.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                : Integer.compare(a.getKey(), b.getKey()));
        long acc = 0;
        List<Integer> keep = new ArrayList<>();
        List<Long> keepF = new ArrayList<>();
        long wsFreq = 0;
        for (var e : counts.entrySet()) if (e.getKey().startsWith("\u2581")) wsFreq += e.getValue()[0];
        if (wsFreq > 0) { // U+2581 is always a required character (spm adds it to required_chars)
            keep.add(0x2581);
            keepF.add(wsFreq);
        }
        for (var e : sorted) {
            if (acc >= cfg.characterCoverage() * allChars && !keep.isEmpty()) break;
            acc += e.getValue()[0];
            keep.add(e.getKey());
            keepF.add(e.getValue()[0]);
        }
        Set<Integer> keepSet = new HashSet<>(keep);
        // rare characters become UNK_CHAR inside words so no piece learns them
        Map<String, long[]> words = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        for (var e : counts.entrySet()) {
            String w = e.getKey();
            sb.setLength(0);
            for (int i = 0; i < w.length(); ) {
                int cp = w.codePointAt(i);
                i += Character.charCount(cp);
                sb.appendCodePoint(keepSet.contains(cp) ? cp : UNK_CHAR);
            }
            words.computeIfAbsent(sb.toString(), k -> new long[1])[0] += e.getValue()[0];
        }
        String[] ws = new String[words.size()];
        long[] fs = new long[words.size()];
        int i = 0;
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(words.entrySet());
        entries.sort(Map.Entry.comparingByKey()); // deterministic order
        for (var e : entries) {
            ws[i] = e.getKey();
            fs[i++] = e.getValue()[0];
        }
        int[] rc = keep.stream().mapToInt(Integer::intValue).toArray();
        long[] rf = keepF.stream().mapToLong(Long::longValue).toArray();
        return new TrainingCorpus(ws, fs, rc, rf, lines);
    }

    /** spm's SplitIntoWords on the normalized line: a new word begins at each U+2581. */
    private static void addWords(Normalizer.Buf buf, Map<String, long[]> counts) {
        byte[] b = buf.b;
        int n = buf.n, start = 0;
        for (int i = 0; i < n; ) {
            int m = Math.min(Utf8.oneCharLen(b[i]), n - i);
            boolean ws = m == 3 && b[i] == (byte) 0xE2 && b[i + 1] == (byte) 0x96 && b[i + 2] == (byte) 0x81;
            if (ws && i > start) {
                counts.computeIfAbsent(new String(b, start, i - start, StandardCharsets.UTF_8), k -> new long[1])[0]++;
                start = i;
            }
            i += m;
        }
        if (n > start) counts.computeIfAbsent(new String(b, start, n - start, StandardCharsets.UTF_8), k
                -> new long[1])[0]++;
    }

    /** Drops words seen at most {@code minCount} times (raising the bar until the table is at most 3/4 full). */
    private static long prune(Map<String, long[]> counts, int maxWords, long minCount) {
        while (counts.size() > maxWords * 3L / 4) {
            final long m = minCount;
            counts.values().removeIf(v -> v[0] <= m);
            minCount++;
        }
        return minCount;
    }
}
