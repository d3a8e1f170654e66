/**
 * T0's prompted tasks (bigscience t-zero, t0/seqio_tasks): the shared datasets read into the HF {@code datasets}
 * field layout that promptsource templates expect, one task per (dataset, subset, template), {@code _score_eval}
 * variants for rank classification, and the t0/t0+/t0++ mixtures with their 500,000-example cap (docs/t0.md).
 * Depends on data, prompts, tokenizer, common.
 */
package dev.t5j.data.prompted;
