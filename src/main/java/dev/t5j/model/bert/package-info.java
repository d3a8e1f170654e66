/**
 * The BERT encoder with HF BertModel semantics (Contriever's backbone) and its pooling. A sibling of the T5
 * model; depends on model (parameter loading), model.io, engine, common.
 */
package dev.t5j.model.bert;
