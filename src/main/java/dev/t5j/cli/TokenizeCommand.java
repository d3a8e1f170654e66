package dev.t5j.cli;

import dev.t5j.common.InputFiles;
import dev.t5j.common.UserError;
import dev.t5j.tokenizer.IntList;
import dev.t5j.tokenizer.SentencePieceVocabulary;
import dev.t5j.tokenizer.Utf8LineReader;
import dev.t5j.tokenizer.Vocabularies;
import dev.t5j.tokenizer.Vocabulary;
import dev.t5j.tokenizer.WordPieceVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code t5j tokenize}: one line of ids (or pieces) per input line. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize text, one line of space-separated ids (or pieces) per input line.")
public final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, description = "spiece.model / *.model, tokenizer.json or vocab.txt")
    Path vocab;

    @Option(names = "--input", description = "input text file (default: standard input)")
    Path input;

    @Option(names = "--ids", description = "print ids (the default)")
    boolean ids;

    @Option(names = "--pieces", description = "print pieces instead of ids")
    boolean pieces;

    @Option(names = "--add-eos", description = "append EOS to each line (unless the line already ends with it)")
    boolean addEos;

    @Option(names = "--extra-ids", defaultValue = "100", description =
            "T5 sentinels added to a .model vocabulary (default: ${DEFAULT-VALUE})")
    int extraIds;

    @Override
    public Integer call() throws IOException {
        if (ids && pieces) throw new UserError("--ids and --pieces exclude each other");
        Vocabulary v = Vocabularies.load(vocab, extraIds);
        String name = input == null ? "<stdin>" : input.toString();
        try (InputStream in = open(input);
             Utf8LineReader lines = new Utf8LineReader(in)) {
            // System.out is wrapped but never closed: only flushed at the end
            Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
            IntList idList = new IntList();
            List<String> ps = pieces ? new ArrayList<>() : null;
            StringBuilder sb = new StringBuilder();
            while (lines.next()) {
                int bad = lines.firstInvalidUtf8();
                if (bad >= 0) throw UserError.at(Path.of(name), lines.lineNumber(), null, "invalid UTF-8 at byte " + bad
                        + " of the line");
                idList.clear();
                if (ps != null) ps.clear();
                if (v instanceof SentencePieceVocabulary sp) {
                    sp.encodeUtf8(lines.bytes(), 0, lines.length(), idList, ps);
                } else {
                    String text = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8);
                    if (ps != null && v instanceof WordPieceVocabulary wp) ps.addAll(wp.tokenize(text));
                    else if (ps != null) throw new UserError(vocab + ": --pieces is not supported for this vocabulary");
                    idList.addAll(v.encode(text));
                }
                if (addEos && v.eosId() >= 0 && (idList.size() == 0 || idList.last() != v.eosId())) {
                    idList.add(v.eosId());
                    if (ps != null) ps.add(v instanceof SentencePieceVocabulary sp ? sp.idToPiece(v.eosId())
                            : ((WordPieceVocabulary) v).idToToken(v.eosId()));
                }
                sb.setLength(0);
                int n = ps != null ? ps.size() : idList.size();
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(' ');
                    if (ps != null) sb.append(ps.get(i));
                    else sb.append(idList.get(i));
                }
                sb.append('\n');
                out.write(sb.toString());
            }
            out.flush();
        }
        return 0;
    }

    static InputStream open(Path input) {
        return input == null ? System.in : InputFiles.open(input);
    }
}
