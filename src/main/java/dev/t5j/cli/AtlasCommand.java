package dev.t5j.cli;

import dev.t5j.atlas.ContrastivePretraining;
import dev.t5j.common.UserError;
import dev.t5j.engine.Torch;
import dev.t5j.model.bert.BertConfig;
import dev.t5j.retrieval.Passages;
import dev.t5j.retrieval.Retriever;
import dev.t5j.tokenizer.WordPieceVocabulary;
import dev.t5j.demo.AtlasDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code t5j atlas}: retrieval-augmented (Atlas) commands; training and evaluation go through
 * {@code t5j train/eval --config}.
 */
@Command(name = "atlas", mixinStandardHelpOptions = true, description = "Retrieval-augmented T5 (Atlas).",
        subcommands = {AtlasCommand.Demo.class, AtlasCommand.ContrieverPretrain.class})
public final class AtlasCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "contriever", mixinStandardHelpOptions = true,
            description =
                    "Train a retriever without labels on a passage corpus (Contriever's contrastive objective: two " +
                    "random crops of a passage are a positive pair).")
    static final class ContrieverPretrain implements Callable<Integer> {
        @Option(names = "--passages", required = true, split = ",", description = "Passage jsonl file(s)")
        List<Path> passages;
        @Option(names = "--init", description =
                "Start from this retriever directory (HF Contriever/BERT or t5j); else a fresh --preset")
        Path init;
        @Option(names = "--preset", defaultValue = "tiny", description =
                "BERT preset for a fresh retriever (default ${DEFAULT-VALUE})")
        String preset;
        @Option(names = "--vocab", description = "BERT vocab.txt for a fresh retriever")
        Path vocab;
        @Option(names = "--out", required = true, description = "Retriever directory to write (atomically)")
        Path out;
        @Option(names = "--steps", defaultValue = "300",
            description = "Training steps (default ${DEFAULT-VALUE})")
        int steps;
        @Option(names = "--batch-size", defaultValue = "64",
            description = "Passages per contrastive batch (default ${DEFAULT-VALUE})")
        int batchSize;
        @Option(names = "--lr", defaultValue = "1e-3",
            description = "Learning rate (default ${DEFAULT-VALUE})")
        double lr;
        @Option(names = "--max-length", defaultValue = "128", description =
                "Retriever text_maxlength for a fresh retriever")
        int maxLength;
        @Option(names = "--seed", defaultValue = "0",
            description = "Random seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--threads", defaultValue = "1",
            description = "libtorch threads (default ${DEFAULT-VALUE})")
        int threads;

        @Override
        public Integer call() throws Exception {
            if (init == null && vocab ==
                    null) throw new
                    UserError("give --init (a retriever directory) or --vocab (a BERT vocab.txt) for a fresh --preset");
            Torch.init(threads);
            Torch.setThreads(threads);
            ContrastivePretraining.Options opts;
            try {
                opts = new ContrastivePretraining.Options(steps, batchSize, lr, 0.05, 0.1, 0.5, seed);
            } catch (IllegalArgumentException e) {
                throw new UserError("atlas contriever: " + e.getMessage());
            }
            var ps = Passages.load(passages);
            if (ps.size() < batchSize) throw new UserError(passages + ": " + ps.size()
                    + " passages, fewer than --batch-size " + batchSize);
            try (var r = init != null ? Retriever.load(init)
                    : Retriever.init(BertConfig.preset(preset), WordPieceVocabulary.load(vocab), seed, maxLength)) {
                var res = ContrastivePretraining.run(r, ps, opts, System.out, true);
                r.save(out);
                System.out.printf(Locale.ROOT, "loss %.3f -> %.3f over %d steps; retriever written to %s%n",
                        res.firstLoss(), res.lastLoss(), res.steps(), out);
            }
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description =
                    "Closed-book vs retrieval-augmented reader on 1,000 Wikipedia passages, and retriever recall " +
                    "before/after PDist training.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "runs/atlas-demo", description =
                "Output directory (default ${DEFAULT-VALUE})")
        Path out;
        @Option(names = "--steps", defaultValue = "1000", description =
                "Training steps of each model (default ${DEFAULT-VALUE})")
        long steps;
        @Option(names = "--contriever-steps", defaultValue = "300", description =
                "Unsupervised contrastive steps of the initial retriever (default ${DEFAULT-VALUE})")
        int contrieverSteps;
        @Option(names = "--reading-steps", defaultValue = "600", description =
                "Shared reader warm start: steps reading the source passage (default ${DEFAULT-VALUE})")
        int readingSteps;
        @Option(names = "--threads", defaultValue = "1", description =
                "libtorch threads (default ${DEFAULT-VALUE}: 2 is slower under any other load)")
        int threads;
        @Option(names = "--seed", defaultValue = "0",
            description = "Random seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--set", description =
                "Override a key of both runs' Atlas config, e.g. --set atlas.n_context=2")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            AtlasDemo.Options d = AtlasDemo.Options.defaults(out);
            AtlasDemo.Result r = new AtlasDemo(new AtlasDemo.Options(out, steps, d.batchSize(), threads, seed,
                    d.evalEvery(), contrieverSteps, readingSteps, overrides), System.out).run();
            System.out.println();
            System.out.printf(Locale.ROOT, "%-34s %10s %10s%n", "held-out questions", "EM", "F1");
            row("closed-book T5 (same size, steps)", r.closedBook());
            row("retrieval-augmented (Atlas)", r.atlas());
            System.out.printf(Locale.ROOT, "%n%-34s %8s %8s %8s%n", "retriever recall (source passage)", "@1", "@5",
                    "@10");
            System.out.printf(Locale.ROOT, "%-34s %8.1f %8.1f %8.1f%n", "random init", r.recallRandom().get(1),
                    r.recallRandom().get(5), r.recallRandom().get(10));
            System.out.printf(Locale.ROOT, "%-34s %8.1f %8.1f %8.1f%n", "initial (contrastive, no labels)",
                    r.recallBefore().get(1), r.recallBefore().get(5), r.recallBefore().get(10));
            System.out.printf(Locale.ROOT, "%-34s %8.1f %8.1f %8.1f%n", "after PDist training", r.recallAfter().get(1),
                    r.recallAfter().get(5), r.recallAfter().get(10));
            System.out.println("summary: " + r.summary());
            return 0;
        }

        private static void row(String name, Map<String, Double> m) {
            System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f%n", name, m.getOrDefault("eval/exact_match",
                    Double.NaN), m.getOrDefault("eval/f1", Double.NaN));
        }
    }
}
