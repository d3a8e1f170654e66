/**
 * seqio for the JVM: tasks, mixtures, sources, preprocessors, feature conversion, packing, caches.
 * Built-in task definitions live in data.tasks, pretraining objectives in data.objectives.
 * Depends on tokenizer, synth, model.io (a model folder's tokenizer file), common.
 */
package dev.t5j.data;
