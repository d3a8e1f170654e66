package dev.t5j.tokenizer;

/**
 * A text ↔ id mapping in the spirit of seqio's {@code Vocabulary}.
 *
 * <p>Contract: {@link #encode} never appends EOS (features decide that); {@link #decode} stops at the first EOS and
 * drops padding, as seqio does. Ids are ints in {@code [0, vocabSize())}. Implementations are immutable and
 * thread-safe.
 */
public interface Vocabulary {
    int[] encode(String text);

    String decode(int[] ids);

    /** Number of ids, sentinels ({@link #extraIds()}) included. */
    int vocabSize();

    /** T5's convention (pad 0, EOS 1, unk 2) unless a vocabulary says otherwise. */
    default int padId() {
        return 0;
    }

    default int eosId() {
        return 1;
    }

    default int unkId() {
        return 2;
    }

    /** Number of sentinel ids ({@code <extra_id_0>} = vocabSize()-1 and counting down). 0 when there are none. */
    default int extraIds() {
        return 0;
    }

    /** Id of sentinel {@code <extra_id_n>}: counting down from the top of the vocabulary, as T5 does. */
    default int sentinelId(int n) {
        if (n < 0 || n >= extraIds()) throw new IllegalArgumentException("no sentinel " + n + " (extra ids: "
                + extraIds() + ")");
        return vocabSize() - 1 - n;
    }
}
