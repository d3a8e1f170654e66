/**
 * Parameter-efficient fine-tuning of a frozen T5 (ruse / HyperFormer, Karimi Mahabadi et al. 2021; LoRA in PEFT's
 * format): Houlsby adapters, task-conditioned hypernetwork adapters, LoRA, which parameters train, and adapter folders
 * saved apart from the base. Plugs into the model through its ModelHooks.
 */
package dev.t5j.adapters;
