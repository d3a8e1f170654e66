/**
 * Checkpoint file formats: safetensors (sharded), pytorch_model.bin, dtypes; the tokenizer file names of a model
 * folder. Depends on common.
 */
package dev.t5j.model.io;
