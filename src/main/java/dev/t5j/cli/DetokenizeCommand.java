package dev.t5j.cli;

import java.util.Arrays;
import dev.t5j.common.UserError;
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
import java.util.concurrent.Callable;

/** {@code t5j detokenize}: the reverse of tokenize; each line holds ids (or pieces), the output is text. */
@Command(name = "detokenize", mixinStandardHelpOptions = true,
        description = "Turn lines of space-separated ids (or pieces) back into text.")
public final class DetokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, description = "spiece.model / *.model, tokenizer.json or vocab.txt")
    Path vocab;

    @Option(names = "--input", description = "input file (default: standard input)")
    Path input;

    @Option(names = "--keep-special", description = "write special tokens (</s>, <pad>, <unk>, sentinels) as text; "
            + "by default decoding stops at EOS and special tokens vanish")
    boolean keepSpecial;

    @Option(names = "--extra-ids", defaultValue = "100", description =
            "T5 sentinels added to a .model vocabulary (default: ${DEFAULT-VALUE})")
    int extraIds;

    @Override
    public Integer call() throws IOException {
        Vocabulary v = Vocabularies.load(vocab, extraIds);
        Path name = Path.of(input == null ? "<stdin>" : input.toString());
        try (InputStream in = TokenizeCommand.open(input);
             Utf8LineReader lines = new Utf8LineReader(in)) {
            // System.out is wrapped but never closed: only flushed at the end
            Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
            while (lines.next()) {
                int bad = lines.firstInvalidUtf8();
                if (bad >= 0) throw UserError.at(name, lines.lineNumber(), null, "invalid UTF-8 at byte " + bad
                        + " of the line");
                String line = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8).strip();
                String[] toks = line.isEmpty() ? new String[0] : line.split("\\s+");
                int[] ids = new int[toks.length];
                // a line is ids when every token is an integer, otherwise pieces (BERT has pieces like "50"); a
                // negative integer makes it an id line too, so that "5 -1 7" is refused instead of printed as pieces
                boolean allIds = Arrays.stream(toks).allMatch(t -> t.matches("-?[0-9]+"));
                for (int i = 0; i < toks.length; i++) ids[i] = toId(v, toks[i], allIds, name, lines.lineNumber());
                String text;
                if (v instanceof SentencePieceVocabulary sp && keepSpecial) text = sp.decode(ids, true);
                else text = v.decode(ids);
                out.write(text);
                out.write('\n');
            }
            out.flush();
        }
        return 0;
    }

    private static int toId(Vocabulary v, String tok, boolean numeric, Path name, long line) {
        if (numeric) {
            int id;
            try {
                id = Integer.parseInt(tok);
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0 || id >= v.vocabSize())
                throw UserError.at(name, line, null, "id " + tok + " is outside the vocabulary [0, " + v.vocabSize()
                        + ")" + (tok.startsWith("-") ? ": token ids are never negative" : ""));
            return id;
        }
        if (v instanceof SentencePieceVocabulary sp) return sp.pieceToId(tok);
        if (v instanceof WordPieceVocabulary wp) return wp.tokenToId(tok);
        throw UserError.at(name, line, null, "'" + tok + "' is not an id");
    }
}
