/**
 * The T5 model with HF semantics (v1.0, v1.1, lm-adapt): modules named as HF's checkpoint keys, config read from
 * config.json, losses, init schemes, fusion-in-decoder. Depends on engine, model.io, common.
 */
package dev.t5j.model;
