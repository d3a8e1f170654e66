/**
 * Benchmarks behind `t5j bench`: model, data pipeline, retriever, tokenizer, synthetic generation (the CLI commands
 * only parse options and print). Never timed in tests.
 */
package dev.t5j.bench;
