/**
 * promptsource templates on the JVM: {@code templates.yaml} files read as they are, rendered with HubSpot Jinjava
 * plus the Python Jinja2 behaviour the templates rely on (Python {@code str()} of values, {@code truncate}, string and
 * list methods, promptsource's {@code zip}, {@code choice}, {@code most_frequent}, {@code highlight}), exactly as
 * promptsource's {@code Template.apply} (docs/t0.md). Depends on common.
 */
package dev.t5j.prompts;
