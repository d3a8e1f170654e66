/**
 * Optimizers (Adafactor, AdamW), learning-rate schedules (t5x's and Atlas's kinds) and gradient clipping.
 * Depends on engine, common.
 */
package dev.t5j.optim;
