/**
 * The 21 synthetic pretraining tasks of Wu, Li, Liang (2022). Depends on tokenizer, common.
 */
package dev.t5j.synth;
