package dev.t5j.tokenizer;

import dev.t5j.bench.TokenizerBench;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: a benchmark main for BENCHMARKS.md (Tokenizer). Times the real sentencepiece C++ library (through DJL's
 * JNI binding) on the same sentences as {@code t5j bench tokenizer}, single-threaded and on N threads.
 * Run: {@code java -cp target/test-classes:target/classes:<test classpath> ReferenceTokenizerBench
 * MODEL INPUT.jsonl SECONDS THREADS}
 */
public final class ReferenceTokenizerBench {
    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]);
        List<byte[]> lines = TokenizerBench.readSentences(java.util.Arrays.stream(a[1].split(",")).map(Path::of)
                .toList());
        double secs = Double.parseDouble(a[2]);
        int threads = Integer.parseInt(a[3]);
        List<String> texts = new ArrayList<>();
        long bytes = 0;
        for (byte[] l : lines) {
            texts.add(new String(l, StandardCharsets.UTF_8));
            bytes += l.length;
        }
        try (ReferenceSentencePiece ref = new ReferenceSentencePiece(model)) {
            System.out.printf(Locale.ROOT, "sentencepiece %s via DJL JNI: %d sentences, %.2f MB%n", ref.version(),
                    texts.size(), bytes / 1e6);
            run(ref, texts, 1, Math.min(2, secs));
            double[] one = run(ref, texts, 1, secs);
            System.out.printf(Locale.ROOT, "1 thread : %8.2f MB/s %10.0f sentences/s%n", one[0], one[1]);
            if (threads > 1) {
                double[] all = run(ref, texts, threads, secs);
                System.out.printf(Locale.ROOT, "%d threads: %8.2f MB/s %10.0f sentences/s%n", threads, all[0], all[1]);
            }
        }
    }

    private static double[] run(ReferenceSentencePiece ref, List<String> texts, int n,
            double secs) throws InterruptedException {
        AtomicLong bytes = new AtomicLong(), sent = new AtomicLong();
        long deadline = System.nanoTime() + (long) (secs * 1e9);
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            final int off = t * texts.size() / n;
            Thread th = new Thread(() -> {
                long b = 0, s = 0;
                int i = off;
                while (System.nanoTime() < deadline) {
                    for (int j = 0; j < 64; j++) {
                        String x = texts.get(i);
                        ref.encode(x);
                        b += x.length(); // corrected to UTF-8 bytes below
                        s++;
                        if (++i == texts.size()) i = 0;
                    }
                }
                bytes.addAndGet(b);
                sent.addAndGet(s);
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join();
        double el = (System.nanoTime() - t0) / 1e9;
        // convert chars to UTF-8 bytes with the corpus-wide ratio
        long chars = 0, utf8 = 0;
        for (String x : texts) {
            chars += x.length();
            utf8 += x.getBytes(StandardCharsets.UTF_8).length;
        }
        double ratio = (double) utf8 / chars;
        return new double[] {bytes.get() * ratio / 1e6 / el, sent.get() / el};
    }
}
