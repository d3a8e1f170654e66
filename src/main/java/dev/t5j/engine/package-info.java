/**
 * The libtorch bootstrap (native loading, threads, seeding, device) and tensor helpers.
 * Depends on nothing else in t5j; every package that computes uses it.
 */
package dev.t5j.engine;
