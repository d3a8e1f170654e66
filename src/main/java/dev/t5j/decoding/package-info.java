/**
 * Decoding with a KV cache: greedy, beam search, sampling; scoring of targets. Depends on model, engine.
 */
package dev.t5j.decoding;
