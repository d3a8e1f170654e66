/**
 * Benchmarks behind `t5j bench`: model, data pipeline, retriever. Never timed in tests.
 */
package dev.t5j.bench;
