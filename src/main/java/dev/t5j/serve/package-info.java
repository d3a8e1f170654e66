/**
 * {@code t5j serve}: the HTTP server (Javalin on Jetty 12) over the library API and the continuous batcher, its
 * request validation, Prometheus metrics, playground page, and the {@code t5j bench serve} load generator.
 * Depends on api, decoding and below; sits at the bench/demo layer, under cli.
 */
package dev.t5j.serve;
