/**
 * Built-in task and mixture definitions (closed-book QA, synthetic tasks), task definition files and the
 * standard catalog. Depends on data, data.objectives, synth.
 */
package dev.t5j.data.tasks;
