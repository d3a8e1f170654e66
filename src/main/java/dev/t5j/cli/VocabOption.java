package dev.t5j.cli;

import picocli.CommandLine.Option;

/** {@code --vocab} of the commands that take text: it overrides the tokenizer the model folder carries. */
final class VocabOption {
    @Option(names = "--vocab", description = "Tokenizer for texts: a vocabulary file or 'byte' (default: the one "
            + "the model folder carries)")
    String vocab;
}
