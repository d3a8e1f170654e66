/**
 * The `t5j` command line (picocli): option parsing and output only; the work is done by the packages below.
 */
package dev.t5j.cli;
