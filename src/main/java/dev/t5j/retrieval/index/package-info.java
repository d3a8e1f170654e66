/**
 * Passage indexes: exact flat inner-product (sharded, fp32/fp16, versioned on disk) and HNSW (Lucene).
 * Depends on retrieval.
 */
package dev.t5j.retrieval.index;
