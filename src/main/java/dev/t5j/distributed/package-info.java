/**
 * Data-parallel training over several processes and machines on libtorch's c10d: the {@code Replicas} of the run
 * loop implemented with {@code ProcessGroupGloo} over a {@code TCPStore} rendezvous ({@code GlooReplicas}), where a
 * worker's rank and peers come from ({@code Rendezvous}: launcher options, torchrun's or Slurm's variables), and the
 * torchrun-like launcher that starts and supervises local worker JVMs ({@code Launcher}). Depends on run and below;
 * the trainers never import it (docs/distributed.md).
 */
package dev.t5j.distributed;
