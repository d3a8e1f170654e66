/**
 * Pretraining objectives as preprocessors: span corruption (T5 denoising) and salient span masking.
 * Depends on data.
 */
package dev.t5j.data.objectives;
