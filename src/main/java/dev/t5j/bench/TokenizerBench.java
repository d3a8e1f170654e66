package dev.t5j.bench;

import java.nio.file.Files;
import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.InputFiles;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.IntList;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import dev.t5j.tokenizer.Utf8LineReader;
import dev.t5j.tokenizer.Vocabulary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokenizer encoding throughput ({@code t5j bench tokenizer}): MB/s of UTF-8 input, sentences/s and tokens/s on a
 * number of threads. Lines of a text file are the sentences; for a {@code .jsonl} file the "text" (or "contents",
 * "question", "claim") field of each line.
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    /**
     * Encodes sentences round-robin on {@code nThreads} threads for about {@code secs}; returns MB/s, sentences/s,
     * tokens/s.
     */
    public static double[] run(Vocabulary v, List<byte[]> lines, int nThreads, double secs, boolean report) {
        AtomicLong bytes = new AtomicLong(), sentences = new AtomicLong(), tokens = new AtomicLong();
        long deadline = System.nanoTime() + (long) (secs * 1e9);
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < nThreads; t++) {
            final int offset = t * lines.size() / nThreads;
            Thread th = new Thread(() -> {
                IntList out = new IntList(1024);
                long b = 0, s = 0, k = 0;
                int i = offset;
                while (true) {
                    for (int j = 0; j < 64; j++) {
                        byte[] line = lines.get(i);
                        out.clear();
                        if (v instanceof SentencePieceVocabulary sp) sp.encodeUtf8(line, 0, line.length, out, null);
                        else out.addAll(v.encode(new String(line, StandardCharsets.UTF_8)));
                        b += line.length;
                        s++;
                        k += out.size();
                        if (++i == lines.size()) i = 0;
                    }
                    if (System.nanoTime() > deadline) break;
                }
                bytes.addAndGet(b);
                sentences.addAndGet(s);
                tokens.addAndGet(k);
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        double el = (System.nanoTime() - t0) / 1e9;
        return new double[] {bytes.get() / 1e6 / el, sentences.get() / el, tokens.get() / el};
    }

    /** Sentences of all inputs (directories expanded, files sorted). */
    public static List<byte[]> readSentences(List<Path> inputs) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    for (Path f : s.filter(Files::isRegularFile).sorted()
                            .toList()) out.addAll(readSentences(f));
                }
            } else {
                out.addAll(readSentences(p));
            }
        }
        return out;
    }

    /** Lines of a text file, or the text fields of a JSON-lines file; invalid UTF-8 is an error naming the line. */
    public static List<byte[]> readSentences(Path input) throws IOException {
        boolean jsonl = input.getFileName().toString().endsWith(".jsonl");
        List<byte[]> out = new ArrayList<>();
        try (InputStream in = InputFiles.open(input); Utf8LineReader r = new Utf8LineReader(in)) {
            while (r.next()) {
                if (r.firstInvalidUtf8() >= 0) throw UserError.at(input, r.lineNumber(), null, "invalid UTF-8");
                if (r.length() == 0) continue;
                byte[] line = Arrays.copyOf(r.bytes(), r.length());
                if (jsonl) {
                    JsonNode n = Json.readLine(input, r.lineNumber(), new String(line, StandardCharsets.UTF_8));
                    String text = null;
                    for (String f : new String[] {"text", "contents", "question", "claim"})
                        if (text == null && n.hasNonNull(f)) text = n.get(f).asText();
                    if (text == null)
                        throw UserError.at(input, r.lineNumber(), "text", "missing (nor contents, question or claim)");
                    line = text.getBytes(StandardCharsets.UTF_8);
                }
                out.add(line);
            }
        }
        return out;
    }
}
