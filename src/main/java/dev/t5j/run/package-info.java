/**
 * What every training run shares: the run directory, resolved config, metrics log, checkpoints, report.
 * Depends on data, model, optim and below; never on a trainer.
 */
package dev.t5j.run;
