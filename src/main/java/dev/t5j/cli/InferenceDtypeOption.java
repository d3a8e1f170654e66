package dev.t5j.cli;

import dev.t5j.engine.ComputeDtype;
import picocli.CommandLine.Option;

/**
 * {@code --dtype} of the commands that run a model for inference (generate, score, serve, bench decode): bf16 holds
 * the weights in bf16 (docs/model.md says what runs in which precision).
 */
final class InferenceDtypeOption {
    @Option(names = "--dtype", defaultValue = "fp32", converter = DtypeOption.class, description = "fp32, or bf16: "
            + "weights and matrix products in bf16 on the CPU's bf16 units (falls back to fp32 with a warning "
            + "without them)")
    ComputeDtype dtype = ComputeDtype.FP32;

    /** The dtype to run on this CPU: bf16 falls back to fp32, with a warning on stderr, where it has no bf16 units. */
    ComputeDtype resolve() {
        return dtype.resolve(System.err);
    }
}
