/**
 * What every training run shares: the run loop ({@code RunLoop}, driving a trainer's {@code RunTask}), the config
 * tree, metrics log, checkpoints, report, step seeds and the data-parallel hook ({@code Replicas}).
 * Depends on data, model, optim and below; never on a trainer (docs/architecture.md).
 */
package dev.t5j.run;
