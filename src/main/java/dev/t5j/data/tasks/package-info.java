/**
 * Built-in task and mixture definitions (closed-book QA, synthetic tasks), task definition files, and the one place
 * a {@code DataSpec} becomes a catalog and a vocabulary ({@code DataSetup}). Depends on data, data.objectives, synth,
 * tokenizer, common.
 */
package dev.t5j.data.tasks;
