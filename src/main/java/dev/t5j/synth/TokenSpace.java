package dev.t5j.synth;

import java.util.stream.IntStream;
import dev.t5j.tokenizer.Vocabulary;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which ids the synthetic tasks use: the token pool they sample, the special markers, the LIME symbols, and how text
 * (task names, numbers, "yes"/"no", nonsense-summary text) becomes ids.
 *
 * <p>For a T5-style vocabulary ({@link #of(Vocabulary)}) this is the reference's rule (atlas-ruse-t0-synthetic.md
 * §D.3):
 * pool = every regular id below the extra ids except pad and eos (so unk is in); {@code <extra_id_0>} (32099 in T5)
 * divides the task name from the input, {@code <extra_id_1>} divides words, {@code <extra_id_2>} divides the two
 * arguments, {@code <extra_id_3>} is the output when the output would be empty; the seven LIME symbols
 * {@code : <sep> <UPPER> [ <LOWER> <MATH> ]} are the first seven of the extra ids counted from the bottom
 * (32000..32006).
 * For the built-in {@link SimpleVocabulary} the same rule applies except that the pool is its content tokens only.
 *
 * <p>Immutable and thread-safe (the text-encoding cache is concurrent).
 */
public final class TokenSpace {
    /** The LIME symbols in the order the reference maps them onto the bottom extra ids. */
    public static final String[] LIME_SYMBOLS = {":", "<sep>", "<UPPER>", "[", "<LOWER>", "<MATH>", "]"};

    private final Vocabulary vocab;
    private final int[] pool;
    private final int taskDivider;
    private final int wordDivider;
    private final int argDivider;
    private final int emptyMarker;
    private final int[] limeSymbols;
    private final String[] nonsenseWords;
    private final ConcurrentHashMap<String, int[]> textCache = new ConcurrentHashMap<>();

    private TokenSpace(Vocabulary vocab, int[] pool, String[] nonsenseWords) {
        if (vocab.extraIds() < 11)
            throw new IllegalArgumentException("synthetic tasks need a vocabulary with at least 11 extra ids, got "
                    + vocab.extraIds());
        if (pool.length < 68) throw new IllegalArgumentException("token pool must hold at least 68 ids (LIME), got "
                + pool.length);
        this.vocab = vocab;
        this.pool = pool.clone();
        this.taskDivider = vocab.sentinelId(0);
        this.wordDivider = vocab.sentinelId(1);
        this.argDivider = vocab.sentinelId(2);
        this.emptyMarker = vocab.sentinelId(3);
        int firstExtra = vocab.vocabSize() - vocab.extraIds();
        this.limeSymbols = new int[LIME_SYMBOLS.length];
        for (int i = 0; i < limeSymbols.length; i++) limeSymbols[i] = firstExtra + i;
        this.nonsenseWords = nonsenseWords;
    }

    /** The reference rule for a T5-style vocabulary: pool = [0, vocabSize - extraIds) minus pad and eos. */
    public static TokenSpace of(Vocabulary vocab) {
        if (vocab instanceof SimpleVocabulary s && s.hasContentTokens()) return of(s);
        int n = vocab.vocabSize() - vocab.extraIds();
        int[] pool = IntStream.range(0, n).filter(i -> i != vocab.padId() && i !=
                vocab.eosId()).toArray();
        return new TokenSpace(vocab, pool, randomVocabWords(5000));
    }

    /** The built-in small vocabulary: the pool is its content tokens, and they double as nonsense-summary words. */
    public static TokenSpace of(SimpleVocabulary vocab) {
        if (!vocab.hasContentTokens()) return of((Vocabulary) vocab);
        int[] pool = vocab.contentIds();
        String[] words = new String[pool.length];
        for (int i = 0; i < pool.length; i++) words[i] = vocab.piece(pool[i]);
        return new TokenSpace(vocab, pool, words);
    }

    /** The default: {@link SimpleVocabulary} with its default sizes. */
    public static TokenSpace small() {
        return of(new SimpleVocabulary());
    }

    /** The same space with another token pool (e.g. a random subset, as the reference's {@code --num_tokens}). */
    public TokenSpace withPool(int[] newPool) {
        for (int id : newPool)
            if (id < 0 || id >= vocab.vocabSize()) throw new IllegalArgumentException("pool id " + id
                    + " outside the vocabulary");
        return new TokenSpace(vocab, newPool, nonsenseWords);
    }

    /**
     * The nonsense-summary vocabulary of Krishna et al. ({@code RandomVocab}): {@code size} strings of
     * ceil(log26(size)) letters, i-th = base-26 digits of i, least significant first ("aaa", "baa", ...).
     */
    static String[] randomVocabWords(int size) {
        int slots = (int) Math.ceil(Math.log(size) / Math.log(26));
        String[] out = new String[size];
        for (int i = 0; i < size; i++) {
            StringBuilder sb = new StringBuilder();
            int val = i;
            for (int j = 0; j < slots; j++) {
                sb.append((char) ('a' + val % 26));
                val /= 26;
            }
            out[i] = sb.toString();
        }
        return out;
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    public int[] pool() {
        return pool;
    }

    public int[] poolIds() {
        return pool.clone();
    }

    public int taskDivider() {
        return taskDivider;
    }

    public int wordDivider() {
        return wordDivider;
    }

    public int argDivider() {
        return argDivider;
    }

    public int emptyMarker() {
        return emptyMarker;
    }

    /** Id of LIME symbol i of {@link #LIME_SYMBOLS}. */
    public int limeSymbol(int i) {
        return limeSymbols[i];
    }

    String[] nonsenseWords() {
        return nonsenseWords;
    }

    /** {@code TOKENIZER.encode(text)} without EOS, cached (task names, "yes", "no", numbers repeat endlessly). */
    public int[] encodeText(String text) {
        return textCache.computeIfAbsent(text, vocab::encode);
    }

    /**
     * {@code encode(str(n))} with a leading lone "▁" piece dropped, as the reference's length/count outputs do
     * ({@code if result[0] == 3: result = result[1:]}); the piece is recognised as an id that decodes to blank.
     */
    public int[] encodeNumber(int n) {
        String key = "#num:" + n;
        return textCache.computeIfAbsent(key, k -> {
            int[] ids = vocab.encode(Integer.toString(n));
            if (ids.length > 0 && vocab.decode(new int[]{ids[0]}).isBlank() && ids[0] != vocab.eosId())
                return Arrays.copyOfRange(ids, 1, ids.length);
            return ids;
        });
    }
}
