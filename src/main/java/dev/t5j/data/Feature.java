package dev.t5j.data;

import dev.t5j.tokenizer.Vocabulary;

/**
 * An output feature of a task (seqio's Feature): its vocabulary, whether EOS is appended, whether it must be present.
 */
public record Feature(Vocabulary vocabulary, boolean addEos, boolean required) {
    public Feature {
        if (vocabulary == null) throw new IllegalArgumentException("feature needs a vocabulary");
    }

    public static Feature of(Vocabulary v) {
        return new Feature(v, true, true);
    }
}
