/**
 * The T5 trainer (seqio tasks and mixtures, t5x loss) as a run task, and its run config. Depends on run and below;
 * never on atlas (a sibling).
 */
package dev.t5j.train;
