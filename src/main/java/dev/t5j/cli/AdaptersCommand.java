package dev.t5j.cli;

import dev.t5j.adapters.AdapterFolder;
import dev.t5j.adapters.AdapterModule;
import dev.t5j.adapters.LoraAdapters;
import dev.t5j.common.UserError;
import dev.t5j.model.Checkpoint;
import dev.t5j.model.T5ForConditionalGeneration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code t5j adapters ...}: parameter-efficient fine-tuning tools (see docs/adapters.md). */
@Command(name = "adapters", mixinStandardHelpOptions = true,
        description = "Adapters, hypernetwork adapters and LoRA on a frozen T5 (docs/adapters.md).",
        subcommands = {AdaptersCommand.Merge.class, AdaptersTaskEmbeddingsCommand.class,
                AdaptersDemoCommand.class})
public final class AdaptersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code t5j adapters merge}: fold a LoRA adapter into its base, W ← W + (alpha/r)·B·A. */
    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Fold a LoRA adapter into the base weights and save a plain model (HF layout).")
    static final class Merge implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "The base model folder")
        Path model;
        @Option(names = "--adapter", required = true, description = "A LoRA adapter folder (PEFT format)")
        Path adapter;
        @Option(names = "--out", required = true, description = "Where the merged model goes")
        Path out;

        @Override
        public Integer call() throws IOException {
            try (T5ForConditionalGeneration m = Checkpoint.load(model);
                 AdapterModule a = AdapterFolder.load(adapter, m)) {
                if (!(a instanceof LoraAdapters lora))
                    throw new UserError(adapter.resolve(AdapterFolder.CONFIG) + ": key 'method': " + a.config().method()
                            + " adds layers and cannot be merged into the base (only lora can)");
                lora.mergeInto(m);
                Checkpoint.save(m, out);
                System.out.println("t5j: merged " + lora.targets().size() + " LoRA updates into " + out);
            }
            return 0;
        }
    }
}
