/**
 * Optimizers (Adafactor, AdamW) and learning-rate schedules. Depends on engine, common.
 */
package dev.t5j.optim;
