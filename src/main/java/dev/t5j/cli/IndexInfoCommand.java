package dev.t5j.cli;

import dev.t5j.common.Json;
import dev.t5j.retrieval.index.IndexLoadOptions;
import dev.t5j.retrieval.index.IndexManifest;
import dev.t5j.retrieval.index.PassageIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** {@code t5j index info INDEX}: what a saved index holds, from its manifest (with --verify: every checksum too). */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print the facts of a saved passage index.")
public final class IndexInfoCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "INDEX", description = "index directory")
    Path dir;

    @Option(names = "--verify", description =
            "also load the index and check the passages hash and every shard checksum")
    boolean verify;

    @Option(names = "--json", description = "print the manifest as JSON")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        IndexManifest m = IndexManifest.read(dir);
        if (verify) {
            try (PassageIndex idx = PassageIndex.load(dir, IndexLoadOptions.defaults())) {
                if (idx.size() != m.count()) throw new IllegalStateException("loaded " + idx.size()
                        + " passages, manifest says " + m.count());
            }
        }
        if (json) {
            out.print(m.toJson());
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "index           %s%n", dir);
        out.printf(Locale.ROOT, "type            %s (format version %d)%n", m.type(), m.formatVersion());
        out.printf(Locale.ROOT, "passages        %d%n", m.count());
        out.printf(Locale.ROOT, "dim             %d%n", m.dim());
        out.printf(Locale.ROOT, "dtype           %s%n", m.dtype());
        StringBuilder sizes = new StringBuilder();
        for (int i = 0; i < m.shards().size() && i < 8; i++) sizes.append(i == 0 ? "" : ", ").append(m.shards().get(i)
                .rows());
        if (m.shards().size() > 8) sizes.append(", ...");
        out.printf(Locale.ROOT, "shards          %d (rows %s)%n", m.shards().size(), sizes);
        if (!m.params().isEmpty()) out.printf(Locale.ROOT, "params          %s%n", Json.write(m.params()));
        out.printf(Locale.ROOT, "encoder         %s%n", m.encoderFingerprint());
        out.printf(Locale.ROOT, "corpus sha256   %s%n", m.corpusChecksum());
        out.printf(Locale.ROOT, "created         %s by t5j %s%n", m.created(), m.t5jVersion());
        out.printf(Locale.ROOT, "size on disk    %.1f MB%n", diskBytes(dir) / 1e6);
        if (verify) out.println("verified        passages hash and all shard checksums match");
        out.flush();
    }

    private static long diskBytes(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
