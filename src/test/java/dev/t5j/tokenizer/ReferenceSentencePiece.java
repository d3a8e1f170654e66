package dev.t5j.tokenizer;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;

import java.nio.file.Path;

/**
 * The real sentencepiece C++ library (through DJL's JNI binding, natives shipped inside its jar), used only by tests
 * as the oracle t5j's pure-Java implementation must match id for id.
 */
final class ReferenceSentencePiece implements AutoCloseable {
    private final SpTokenizer tokenizer;
    private final SpProcessor processor;

    ReferenceSentencePiece(Path model) {
        try {
            tokenizer = new SpTokenizer(model);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        processor = tokenizer.getProcessor();
    }

    int[] encode(String text) {
        return processor.encode(text);
    }

    String[] pieces(String text) {
        return processor.tokenize(text);
    }

    String decode(int[] ids) {
        return processor.decode(ids);
    }

    String version() {
        return processor.getVersion();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
