/**
 * Decoding with a KV cache: greedy, beam search, sampling; continuous batching for serving; scoring of targets.
 * Depends on model, engine.
 */
package dev.t5j.decoding;
