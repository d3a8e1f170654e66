/**
 * Atlas's tasks and file formats: qa, mlm, lm, section, multiple choice, fever, kilt; their metrics and
 * results files. Depends on retrieval, eval, tokenizer.
 */
package dev.t5j.atlas.tasks;
