/**
 * Checkpoint file formats: safetensors (sharded), pytorch_model.bin, dtypes. Depends on common.
 */
package dev.t5j.model.io;
