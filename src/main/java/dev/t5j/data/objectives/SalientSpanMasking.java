package dev.t5j.data.objectives;

import java.util.Map;
import java.util.Set;
import dev.t5j.data.Example;
import dev.t5j.data.PreprocessContext;
import dev.t5j.data.Preprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Salient span masking (REALM; CBQA {@code mask_salient_spans(prefix='nem', mask='_X_')}): one example per salient
 * span of a sentence, {@code inputs = "nem: " + text[:start] + "_X_" + text[end:]}, {@code targets = text[start:end]};
 * sentences without spans are dropped. Works on raw text before tokenization. With {@code splitSentences} a passage
 * is first split into sentences (on . ! ? followed by whitespace and an upper-case letter or digit, except after
 * common abbreviations and single-letter initials).
 */
public final class SalientSpanMasking implements Preprocessor.FlatMap {
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"”’')]?\\s+(?=[\\p{Lu}\\p{N}\"“])");
    private static final Set<String> ABBREVIATIONS = Set.of("Mr", "Mrs", "Ms", "Dr", "Prof", "St",
            "Jr",
            "Sr", "vs", "etc", "No", "Vol", "Gen", "Col", "Lt", "Sgt", "Capt", "Mt", "Ft", "Inc", "Ltd", "Co", "Corp",
                    "approx",
            "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "e.g", "i.e");

    private final SalientSpanRecognizer recognizer;
    private final String field;
    private final String prefix;
    private final String mask;
    private final boolean splitSentences;

    public SalientSpanMasking(SalientSpanRecognizer recognizer, String field, String prefix, String mask,
            boolean splitSentences) {
        this.recognizer = recognizer == null ? new RuleBasedSalientSpans() : recognizer;
        this.field = field == null ? "text" : field;
        this.prefix = prefix == null ? "nem: " : prefix;
        this.mask = mask == null ? "_X_" : mask;
        this.splitSentences = splitSentences;
    }

    @Override
    public String name() {
        return "salient_span_masking";
    }

    @Override
    public List<Example> flatMap(Example e, PreprocessContext ctx, RandomGenerator rng) {
        String text = e.string(field);
        List<Example> out = new ArrayList<>();
        for (String sentence : splitSentences ? sentences(text) : List.of(text)) {
            for (SalientSpanRecognizer.Span s : recognizer.find(sentence)) {
                String inputs = prefix + sentence.substring(0, s.start()) + mask + sentence.substring(s.end());
                out.add(Example.of(Map.of("inputs", inputs, "targets", sentence.substring(s.start(), s.end()),
                        "span_type", s.type()), e.origin()));
            }
        }
        return out;
    }

    /** Splits a passage into sentences by the rule in the class comment. */
    public static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE_END.matcher(text);
        int start = 0;
        while (m.find()) {
            int dot = m.start();
            int w = dot;
            while (w > 0 && !Character.isWhitespace(text.charAt(w - 1))) w--;
            String word = text.substring(w, dot);
            if (text.charAt(dot) == '.' && (ABBREVIATIONS.contains(word) || word.matches("\\p{Lu}")
                    || word.matches("(?:\\p{L}\\.)+\\p{L}")))
                continue;
            int end = m.end();
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) out.add(s);
            start = end;
        }
        String last = text.substring(start).strip();
        if (!last.isEmpty()) out.add(last);
        return out;
    }
}
