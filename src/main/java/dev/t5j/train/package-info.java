/**
 * The T5 trainer (seqio tasks and mixtures, t5x loss) and its run config. Depends on run and below.
 */
package dev.t5j.train;
