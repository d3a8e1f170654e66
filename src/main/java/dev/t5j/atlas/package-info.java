/**
 * Atlas: the fusion-in-decoder reader with a Contriever retriever trained jointly, index refresh, evaluation.
 * Task formats live in atlas.tasks. Depends on run, retrieval and below; never on train (a sibling).
 */
package dev.t5j.atlas;
