package dev.t5j.atlas.tasks;

import dev.t5j.tokenizer.SentencePieceVocabulary;
import dev.t5j.tokenizer.Vocabulary;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The Hugging Face tokenizer calls Atlas makes, on t5j's {@link Vocabulary}: {@code tokenizer(text)["input_ids"]}
 * (with or without the EOS that {@code add_special_tokens} adds) and {@code tokenizer.decode(ids, skip_special_tokens)}
 * of transformers 4.18 (Atlas's pinned version), whose {@code clean_up_tokenization_spaces} is on by default.
 */
public final class HfText {
    private HfText() {}

    private static final Pattern SPECIAL_TEXT = Pattern.compile("<extra_id_\\d+>|</s>|<pad>|<unk>");

    /** {@code tokenizer(text, add_special_tokens=addEos)["input_ids"]}: SentencePiece ids, then EOS when asked. */
    public static int[] encode(Vocabulary v, String text, boolean addEos) {
        int[] ids = v.encode(text);
        if (!addEos) return ids;
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = v.eosId();
        return out;
    }

    /**
     * {@code tokenizer.decode(ids, skip_special_tokens=skipSpecial)}. Kept special tokens are written as their strings
     * ({@code "Hello<extra_id_0> world"}, HF's fast T5 rendering); skipped ones (pad, EOS, unk, sentinels) vanish and
     * decoding goes on past EOS, as HF does. The result goes through {@link #cleanUpTokenization}.
     */
    public static String decode(Vocabulary v, int[] ids, boolean skipSpecial) {
        String text;
        if (v instanceof SentencePieceVocabulary sp) {
            if (skipSpecial) {
                int[] kept = Arrays.stream(ids).filter(id -> !sp.isSpecial(Math.min(id, sp.vocabSize() - 1))).toArray();
                text = sp.decode(kept, false);
            } else {
                text = sp.decode(ids, true);
            }
        } else {
            text = genericDecode(v, ids, skipSpecial);
        }
        return cleanUpTokenization(text);
    }

    /**
     * Other vocabularies: text runs decoded by the vocabulary, sentinels written as {@code <extra_id_n>} between them.
     */
    private static String genericDecode(Vocabulary v, int[] ids, boolean skipSpecial) {
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= ids.length; i++) {
            int sentinel = i < ids.length ? sentinelIndex(v, ids[i]) : -1;
            boolean special = i < ids.length && (sentinel >= 0 || ids[i] == v.eosId() || ids[i] == v.padId());
            if (i == ids.length || special) {
                if (i > start) {
                    String run = v.decode(Arrays.copyOfRange(ids, start, i));
                    if (out.length() > 0 && !run.isEmpty() && !skipSpecial) out.append(' ');
                    out.append(run);
                }
                if (special && !skipSpecial) {
                    out.append(sentinel >= 0 ? SentencePieceVocabulary.sentinel(sentinel) : ids[i] == v.eosId() ? "</s>"
                            : "<pad>");
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    private static int sentinelIndex(Vocabulary v, int id) {
        int n = v.vocabSize() - 1 - id;
        return n >= 0 && n < v.extraIds() ? n : -1;
    }

    /** transformers' {@code clean_up_tokenization}: drops the space before . ? ! , and English clitics. */
    public static String cleanUpTokenization(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve").replace(" 're",
                        "'re");
    }

    /**
     * A generated string as Atlas scores it: Atlas decodes the generated ids with {@code skip_special_tokens=True},
     * so {@code <extra_id_0>}, {@code </s>}, {@code <pad>} and {@code <unk>} disappear. For text that still holds
     * them (a decode that kept specials), this removes them and trims, e.g. {@code "<extra_id_0> Paris</s>"} →
     * {@code "Paris"}.
     */
    public static String stripSpecialTokens(String generated) {
        return SPECIAL_TEXT.matcher(generated).replaceAll("").strip();
    }

    /** Prediction postprocessing from ids: {@code decode(ids, skip_special_tokens=True)}. */
    public static String prediction(Vocabulary v, int[] generatedIds) {
        return decode(v, generatedIds, true);
    }
}
