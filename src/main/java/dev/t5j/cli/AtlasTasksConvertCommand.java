package dev.t5j.cli;

import dev.t5j.atlas.tasks.AtlasData;
import dev.t5j.atlas.tasks.FieldError;
import dev.t5j.atlas.tasks.MmluFormat;
import dev.t5j.atlas.tasks.NqOpenFormat;
import dev.t5j.common.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code t5j atlas-tasks convert}: MMLU CSVs or official NQ-open jsonl → Atlas task lines. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert MMLU CSVs (a file or a directory) or NQ-open jsonl into Atlas's task jsonl.")
public final class AtlasTasksConvertCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "mmlu or nq-open")
    String from;

    @Option(names = "--in", required = true, description = "input file (mmlu: a .csv or a directory of them)")
    Path in;

    @Option(names = "--out", required = true, description = "output jsonl (written atomically)")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Map<String, Object>> lines = switch (from) {
            case "mmlu" -> MmluFormat.readAll(in);
            case "nq-open" -> {
                List<Map<String, Object>> res = new ArrayList<>();
                for (AtlasData.Line l : AtlasData.readShard(List.of(in), 0, 1, false)) {
                    try {
                        res.add(NqOpenFormat.toAtlas(l.json()));
                    } catch (FieldError e) {
                        throw UserError.at(l.file(), l.lineNo(), e.field(), e.what());
                    }
                }
                yield res;
            }
            default -> throw new UserError("--from must be mmlu or nq-open, got '" + from + "'");
        };
        AtlasData.writeJsonl(out, lines);
        spec.commandLine().getOut().println("wrote " + lines.size() + " lines to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
