/**
 * Metrics (SQuAD/TriviaQA EM/F1, NQ recall, ROUGE, BLEU, accuracy, rank classification) and the evaluator that
 * decodes a task and scores it. Depends on data, decoding, model.
 */
package dev.t5j.eval;
