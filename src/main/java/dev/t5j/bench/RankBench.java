package dev.t5j.bench;

import dev.t5j.decoding.RankScorer;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.prompts.PromptTemplate;
import dev.t5j.prompts.Prompts;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code t5j bench rank}: examples/s of rank classification with the shared encoder ({@link RankScorer#score})
 * against scoring every (input, choice) pair with its own encoder pass ({@link RankScorer#scorePairs}), on a random
 * model at T0-like lengths (long inputs, choices of a few tokens plus EOS); and promptsource rendering examples/s on
 * one thread.
 */
public final class RankBench {
    private RankBench() {}

    public record Config(String preset, int inputLength, int choiceLength, List<Integer> choices, int examples,
            int batch) {}

    public record Figure(int choices, double sharedPerSec, double pairsPerSec, double maxAbsDiff) {}

    public static List<Figure> run(Config c, PrintWriter log) {
        List<Figure> out = new ArrayList<>();
        try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(T5Config.preset(c.preset()), 1)) {
            int vocab = m.config().vocabSize();
            for (int k : c.choices()) {
                List<RankScorer.Item> items = items(c, k, vocab);
                RankScorer scorer = new RankScorer(m, c.batch());
                scorer.score(items.subList(0, Math.min(2, items.size()))); // warm-up
                long t0 = System.nanoTime();
                RankScorer.Result[] shared = scorer.score(items);
                long t1 = System.nanoTime();
                RankScorer.Result[] pairs = scorer.scorePairs(items);
                long t2 = System.nanoTime();
                double diff = 0;
                for (int i = 0; i < items.size(); i++)
                    for (int j = 0; j < k; j++) diff = Math.max(diff, Math.abs(shared[i].scores()[j] - pairs[i]
                            .scores()[j]));
                Figure f = new Figure(k, items.size() / ((t1 - t0) / 1e9), items.size() / ((t2 - t1) / 1e9), diff);
                log.printf(Locale.ROOT,
                        "%d choices: shared encoder %.2f ex/s, per pair %.2f ex/s (%.2fx), max |diff| %.2e%n",
                        k, f.sharedPerSec(), f.pairsPerSec(), f.sharedPerSec() / f.pairsPerSec(), diff);
                log.flush();
                out.add(f);
            }
        }
        return out;
    }

    private static List<RankScorer.Item> items(Config c, int k, int vocab) {
        SplittableRandom r = new SplittableRandom(7);
        List<RankScorer.Item> items = new ArrayList<>();
        for (int i = 0; i < c.examples(); i++) {
            int[] in = r.ints(c.inputLength(), 3, vocab).toArray();
            int[][] ch = new int[k][];
            for (int j = 0; j < k; j++) {
                ch[j] = r.ints(c.choiceLength(), 3, vocab).toArray();
                ch[j][c.choiceLength() - 1] = 1; // EOS
            }
            items.add(new RankScorer.Item(in, ch));
        }
        return items;
    }

    /**
     * Renders {@code template} on {@code rows} (cycled) for about {@code seconds} after a warm-up of half as long
     * (the JIT needs a few thousand renders; a count-based warm-up left the first templates measured cold);
     * examples per second, one thread.
     */
    public static double renderRate(PromptTemplate template, List<Map<String, Object>> rows, double seconds) {
        long warm = System.nanoTime() + (long) (seconds * 0.5e9);
        for (int i = 0; System.nanoTime() < warm; i++) Prompts.render(template, rows.get(i % rows.size()), i);
        long n = 0, start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++, n++) Prompts.render(template, rows.get((int) (n % rows.size())), n);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
