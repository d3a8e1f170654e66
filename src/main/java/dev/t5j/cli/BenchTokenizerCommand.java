package dev.t5j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.IntList;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import dev.t5j.tokenizer.Utf8LineReader;
import dev.t5j.tokenizer.Vocabularies;
import dev.t5j.tokenizer.Vocabulary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code t5j bench tokenizer}: encoding throughput (MB/s of UTF-8 input and sentences/s) on one thread and on all
 * cores. Lines of a text file are the sentences; for a {@code .jsonl} file the "text" (or "contents") field of each
 * line is used. Wired under {@code t5j bench} by the CLI root.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Measure tokenizer encoding speed (MB/s, sentences/s), single-threaded and on all cores.")
public final class BenchTokenizerCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, description = "spiece.model, tokenizer.json or vocab.txt")
    Path vocab;

    @Option(names = "--input", required = true, split = ",",
            description = "text files (one sentence per line), .jsonl files (text/contents/question/claim field) or directories of them; comma-separated")
    List<Path> input;

    @Option(names = "--seconds", defaultValue = "5", description = "measuring time per setting (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--threads", description = "threads for the parallel run (default: all cores)")
    Integer threads;

    @Option(names = "--extra-ids", defaultValue = "100", description = "T5 sentinels added to a .model vocabulary (default: ${DEFAULT-VALUE})")
    int extraIds;

    @Override
    public Integer call() throws IOException {
        Vocabulary v = Vocabularies.load(vocab, extraIds);
        List<byte[]> lines = readSentences(input);
        if (lines.isEmpty()) throw new UserError(input + ": no sentences");
        long bytes = 0;
        for (byte[] l : lines) bytes += l.length;
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "vocab %s (%d ids), input %s: %d sentences, %.2f MB%n", vocab, v.vocabSize(), input,
                lines.size(), bytes / 1e6);
        run(v, lines, 1, Math.min(seconds, 2), false); // warm-up (JIT)
        double[] one = run(v, lines, 1, seconds, true);
        System.out.printf(Locale.ROOT, "1 thread : %8.2f MB/s %10.0f sentences/s %12.0f tokens/s%n", one[0], one[1], one[2]);
        if (cores > 1) {
            double[] all = run(v, lines, cores, seconds, true);
            System.out.printf(Locale.ROOT, "%d threads: %8.2f MB/s %10.0f sentences/s %12.0f tokens/s%n", cores, all[0], all[1], all[2]);
        }
        return 0;
    }

    /** Encodes sentences round-robin on {@code nThreads} threads for about {@code secs}; returns MB/s, sentences/s, tokens/s. */
    static double[] run(Vocabulary v, List<byte[]> lines, int nThreads, double secs, boolean report) {
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
            if (java.nio.file.Files.isDirectory(p)) {
                try (var s = java.nio.file.Files.list(p)) {
                    for (Path f : s.filter(java.nio.file.Files::isRegularFile).sorted().toList()) out.addAll(readSentences(f));
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
        try (InputStream in = TokenizeCommand.open(input); Utf8LineReader r = new Utf8LineReader(in)) {
            while (r.next()) {
                if (r.firstInvalidUtf8() >= 0) throw UserError.at(input, r.lineNumber(), null, "invalid UTF-8");
                if (r.length() == 0) continue;
                byte[] line = java.util.Arrays.copyOf(r.bytes(), r.length());
                if (jsonl) {
                    JsonNode n = Json.readLine(input, r.lineNumber(), new String(line, StandardCharsets.UTF_8));
                    String text = null;
                    for (String f : new String[] {"text", "contents", "question", "claim"})
                        if (text == null && n.hasNonNull(f)) text = n.get(f).asText();
                    if (text == null) throw UserError.at(input, r.lineNumber(), "text", "missing (nor contents, question or claim)");
                    line = text.getBytes(StandardCharsets.UTF_8);
                }
                out.add(line);
            }
        }
        return out;
    }

    /** Standalone entry until the lead wires this under {@code t5j bench}. */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchTokenizerCommand());
        cl.setExecutionExceptionHandler(T5jCli.commandLine().getExecutionExceptionHandler());
        System.exit(cl.execute(args));
    }
}
