package dev.t5j.cli;

import dev.t5j.common.UserError;
import dev.t5j.engine.ComputeDtype;
import picocli.CommandLine;

/** {@code --dtype fp32|bf16}: a wrong value names the allowed ones (picocli reports it with exit status 2). */
final class DtypeOption implements CommandLine.ITypeConverter<ComputeDtype> {
    @Override
    public ComputeDtype convert(String value) {
        try {
            return ComputeDtype.parse(value);
        } catch (UserError e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
