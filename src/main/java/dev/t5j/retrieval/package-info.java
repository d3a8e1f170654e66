/**
 * The Contriever retriever (tied or untied BERT encoders), passages and batched embedding.
 * Depends on model.bert, tokenizer, engine.
 */
package dev.t5j.retrieval;
