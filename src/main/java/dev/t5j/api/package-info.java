/**
 * The library API for Java users: load a model folder (weights, config and the tokenizer it carries) and generate,
 * score and embed text. Depends on decoding, data (the model folder's vocabulary), model and below; the CLI's
 * text-level commands and the HTTP server are built on it.
 */
package dev.t5j.api;
