/**
 * Small utilities every layer uses: atomic file writes, JSON, progress lines, the user-error type.
 * Depends on nothing else in t5j.
 */
package dev.t5j.common;
