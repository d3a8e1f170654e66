/**
 * SentencePiece (T5) and WordPiece (BERT) tokenizers in pure Java, tokenizer.json, vocabulary training.
 * Depends on common.
 */
package dev.t5j.tokenizer;
