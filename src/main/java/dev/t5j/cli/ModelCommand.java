package dev.t5j.cli;

import java.util.Arrays;
import java.util.Iterator;
import dev.t5j.common.Json;
import dev.t5j.common.UserError;
import dev.t5j.data.DataVocabularies;
import dev.t5j.data.ModelVocabulary;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5Config;
import dev.t5j.model.T5ForConditionalGeneration;
import dev.t5j.model.io.CheckpointFiles;
import dev.t5j.model.io.DType;
import dev.t5j.model.io.TensorSource;
import dev.t5j.tokenizer.Vocabulary;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code t5j model init|info}: create and inspect HF-layout checkpoints. */
@Command(name = "model", mixinStandardHelpOptions = true, description =
        "Create and inspect T5 checkpoints (HF layout).",
        subcommands = {ModelCommand.Init.class, ModelCommand.Info.class})
public final class ModelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Arch {
        @Option(names = "--preset", description = "Built-in architecture: ${COMPLETION-CANDIDATES}",
                completionCandidates = Presets.class)
        String preset;
        @Option(names = "--config", description = "An HF config.json")
        Path config;
    }

    static final class Presets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return T5Config.presetNames().iterator();
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description =
            "Randomly initialise a model (HF init scheme) and save it in HF layout.")
    static final class Init implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Arch arch;
        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--out", required = true, description = "Output folder")
        Path out;
        @Option(names = "--dtype", defaultValue = "F32", description =
                "Stored dtype: F32, BF16 or F16 (default ${DEFAULT-VALUE})")
        String dtype;
        @Option(names = "--max-shard-size", defaultValue = "5000000000", description =
                "Shard above this many bytes (default 5 GB)")
        long maxShard;
        @Option(names = "--overwrite", description = "Replace the model already in --out")
        boolean overwrite;
        @Option(names = "--vocab", description = "Tokenizer the model folder carries: a vocabulary file (.model, "
                + "tokenizer.json, vocab.txt) or 'byte' (default: none)")
        String vocab;

        @Override
        public Integer call() throws Exception {
            if (!overwrite && Files.isDirectory(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    if (s.findAny().isPresent())
                        throw new UserError(out + ": not empty (holds a model?); pass --overwrite to replace it or "
                                + "choose another --out");
                }
            }
            T5Config config = arch.preset != null ? T5Config.preset(arch.preset) : T5Config.read(arch.config);
            DType dt = parseDType(dtype);
            Vocabulary v = vocab == null ? null : DataVocabularies.resolve(vocab);
            if (v != null && v.vocabSize() > config.vocabSize())
                throw new UserError("--vocab: the vocabulary has " + v.vocabSize() + " ids but the model only "
                        + config.vocabSize() + " (vocab_size)");
            try (T5ForConditionalGeneration m = T5ForConditionalGeneration.init(config, seed)) {
                Checkpoint.save(m, out, dt, maxShard);
                ModelVocabulary.save(out, v, ModelVocabulary.sourceFile(vocab));
                System.out.printf(Locale.ROOT, "initialised %s parameters (seed %d) into %s%n",
                        grouped(m.parameterCount()), seed, out);
            }
            return 0;
        }
    }

    static DType parseDType(String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "F32", "FP32", "FLOAT32" -> DType.F32;
            case "BF16", "BFLOAT16" -> DType.BF16;
            case "F16", "FP16", "FLOAT16" -> DType.F16;
            default -> throw new UserError("--dtype: unknown dtype '" + s + "' (use F32, BF16 or F16)");
        };
    }

    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description =
            "Show a model's config, parameter count and tensors.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", description = "Model folder")
        Path dir;
        @Option(names = "--tensors", description = "List every tensor (default: a summary)")
        boolean all;
        @Option(names = "--json", description = "Print one JSON object")
        boolean json;

        @Override
        public Integer call() {
            T5Config c = Checkpoint.readConfig(dir);
            try (TensorSource src = CheckpointFiles.open(dir)) {
                List<String> bad = Checkpoint.mismatches(c, src);
                if (!bad.isEmpty())
                    throw new UserError(dir.resolve("config.json") + " disagrees with the weights in "
                            + src.path().getFileName() + ": " + String.join("; ", bad));
                c = Checkpoint.effectiveConfig(c, src);
                long params = 0;
                Map<String, Long> byDtype = new LinkedHashMap<>();
                for (String n : src.names()) {
                    TensorSource.TensorInfo ti = src.info(n);
                    params += ti.numel();
                    byDtype.merge(ti.dtype().name(), 1L, Long::sum);
                }
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("config", c.toJson());
                    out.put("parameters", params);
                    out.put("tensors", src.names().size());
                    out.put("dtypes", byDtype);
                    out.put("files", src.path().toString());
                    System.out.println(Json.write(out));
                    return 0;
                }
                System.out.println("model:      " + dir);
                System.out.printf(Locale.ROOT,
                        "arch:       %s, d_model %d, d_ff %d, d_kv %d, heads %d, layers %d/%d, vocab %d, %s " +
                        "embeddings%n",
                        c.isGatedAct() ? "T5 v1.1 (gated " + c.denseActFn() + ")" : "T5 v1.0 (" + c.denseActFn() + ")",
                        c.dModel(), c.dFf(), c.dKv(), c.numHeads(), c.numLayers(), c.numDecoderLayers(), c.vocabSize(),
                        c.tieWordEmbeddings() ? "tied" : "untied");
                System.out.println("parameters: " + grouped(params));
                System.out.println("tensors:    " + src.names().size() + " " + byDtype + " in "
                        + src.path().getFileName());
                int shown = 0;
                for (String n : src.names()) {
                    if (!all && shown >= 12) {
                        System.out.println("  ... (" + (src.names().size() - shown) + " more; --tensors lists all)");
                        break;
                    }
                    TensorSource.TensorInfo ti = src.info(n);
                    System.out.printf(Locale.ROOT, "  %-70s %-5s %s%n", n, ti.dtype(),
                            Arrays.toString(ti.shape()));
                    shown++;
                }
            }
            return 0;
        }
    }
}
