package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.tokenizer.SentencePieceModel;
import dev.t5j.tokenizer.TrainerConfig;
import dev.t5j.tokenizer.VocabTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code t5j vocab}: vocabulary tools; {@code vocab train} trains a SentencePiece model. */
@Command(name = "vocab", mixinStandardHelpOptions = true, description = "Vocabulary tools.",
        subcommands = {VocabCommand.Train.class})
public final class VocabCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a SentencePiece model (unigram or bpe) loadable by the sentencepiece library.")
    public static final class Train implements Callable<Integer> {
        @Option(names = "--input", required = true, split = ",", description =
                "text files, one sentence per line (comma-separated)")
        List<Path> inputs;

        @Option(names = "--vocab-size", required = true, description =
                "total vocabulary size, reserved pieces included")
        int vocabSize;

        @Option(names = "--model-type", defaultValue = "unigram", description =
                "unigram or bpe (default: ${DEFAULT-VALUE})")
        String modelType;

        @Option(names = "--out", required = true, description =
                "output directory (spiece.model and spiece.vocab are written there)")
        Path out;

        @Option(names = "--character-coverage", defaultValue = "0.9995", description =
                "share of characters covered (default: ${DEFAULT-VALUE})")
        float coverage;

        @Option(names = "--byte-fallback", description = "add the 256 byte pieces so no text is ever unknown")
        boolean byteFallback;

        @Option(names = "--normalization", defaultValue = "nmt_nfkc", description =
                "nmt_nfkc or identity (default: ${DEFAULT-VALUE})")
        String normalization;

        @Option(names = "--user-defined-symbols", split = ",", description =
                "pieces always kept whole (comma-separated)")
        List<String> userDefined = List.of();

        @Option(names = "--max-sentences", defaultValue = "10000000", description =
                "lines read at most, 0 = all (default: ${DEFAULT-VALUE})")
        long maxSentences;

        @Option(names = "--max-words", defaultValue = "2000000", description =
                "distinct words kept in memory (default: ${DEFAULT-VALUE})")
        int maxWords;

        @Option(names = "--threads", description = "training threads (default: all cores)")
        Integer threads;

        @Override
        public Integer call() throws IOException {
            int type = switch (modelType.toLowerCase(Locale.ROOT)) {
                case "unigram" -> SentencePieceModel.UNIGRAM;
                case "bpe" -> SentencePieceModel.BPE;
                default -> throw new UserError("--model-type must be unigram or bpe, got '" + modelType + "'");
            };
            TrainerConfig cfg;
            try {
                cfg = TrainerConfig.defaults(inputs, vocabSize, type).withByteFallback(byteFallback)
                        .withNormalization(normalization).withUserDefinedSymbols(userDefined)
                        .withLimits(maxSentences, maxWords, coverage);
                if (threads != null) cfg = cfg.withThreads(threads);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            long t0 = System.nanoTime();
            SentencePieceModel m = VocabTrainer.train(cfg);
            Path file = VocabTrainer.write(m, out);
            System.err.printf(Locale.ROOT, "%nwrote %s (%d pieces, %s) in %.1f s%n", file, m.size(), modelType,
                    (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }
}
