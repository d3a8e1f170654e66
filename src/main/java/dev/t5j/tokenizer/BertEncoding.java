package dev.t5j.tokenizer;

/**
 * Model inputs for a BERT-style encoder: {@code [CLS] a [SEP] (b [SEP])} ids, segment ids (0 for the first text, 1
 * for the second) and the attention mask (1 for real tokens, 0 for padding). All arrays have the same length.
 */
public record BertEncoding(int[] inputIds, int[] tokenTypeIds, int[] attentionMask) {
    public int length() {
        return inputIds.length;
    }
}
