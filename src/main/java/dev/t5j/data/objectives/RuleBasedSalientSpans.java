package dev.t5j.data.objectives;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A documented rule-based stand-in for REALM's CoNLL-trained NER tagger + date regex (no NER model can be
 * downloaded). Rules, in priority order (a later rule never overlaps an earlier match):
 * <ol>
 *   <li>DATE — "14 December 1972", "December 14, 1972", "December 1972", "Dec. 14", ISO "1972-12-14",
 *       "12/14/1972", and years 1000–2099 optionally followed by "s" (decades: "1990s").</li>
 *   <li>NUMBER — digit groups with thousands separators and decimals ("3,610", "2.5"), an optional trailing "%".</li>
 *   <li>ENTITY — maximal runs of capitalized words (a capital letter then letters, digits, {@code ' ’ . -}) that may
 *       contain the lowercase connectors of/de/del/della/da/du/la/le/von/van/der/den/y/and/the/for/on (never at
 *       either end), separated by single spaces (a comma ends a run). Leading function words ("The", "In", "He",
 *       ...) are dropped from a run; runs of only function words and single letters are ignored. Initials keep their
 *       dots ("Evan L. Morris", "D.C.").</li>
 * </ol>
 * Known limits: lowercase entities ("iPhone"), sentence-initial single common words that are not in the function-word
 * list, and ambiguous "May"/"March" are tagged as they match.
 */
public final class RuleBasedSalientSpans implements SalientSpanRecognizer {
    private static final String MONTH =
            "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
            + "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?";
    private static final String DAY = "(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?";
    private static final String YEAR = "(?:[1-9][0-9]{2,3})";
    private static final Pattern DATE = Pattern.compile(
            "\\b(?:" + DAY + "\\s+(?:of\\s+)?" + MONTH + ",?\\s+" + YEAR          // 14 December 1972
            + "|" + MONTH + "\\s+" + DAY + ",?\\s+" + YEAR                         // December 14, 1972
            + "|" + MONTH + "\\s+" + YEAR                                           // December 1972
            + "|" + MONTH + "\\s+" + DAY                                            // December 14
            + "|" + DAY + "\\s+(?:of\\s+)?" + MONTH                                  // 14 December
            + "|[12][0-9]{3}-[01][0-9]-[0-3][0-9]"                                  // 1972-12-14
            + "|[0-3]?[0-9]/[0-3]?[0-9]/[0-9]{2,4}"                                 // 12/14/1972
            + "|(?:1[0-9]{3}|20[0-9]{2})s?"                                         // 1972, 1990s
            + ")(?![\\p{L}\\p{N}])");
    private static final Pattern NUMBER =
            Pattern.compile("(?<![\\p{L}\\p{N}.,])[0-9]{1,3}(?:,[0-9]{3})+(?:\\.[0-9]+)?%?(?![\\p{L}\\p{N}])"
            + "|(?<![\\p{L}\\p{N}.,])[0-9]+(?:\\.[0-9]+)?%?(?![\\p{L}\\p{N}])");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}'’.\\-]*");
    private static final Set<String> CONNECTORS = Set.of("of", "de", "del", "della", "da", "du", "la", "le", "von",
            "van",
            "der", "den", "y", "and", "the", "for", "on");
    private static final Set<String> FUNCTION_WORDS = Set.of("The", "A", "An", "In", "On", "At", "To", "Of", "For",
            "From",
            "By", "With", "As", "And", "But", "Or", "If", "When", "Where", "What", "Who", "Whom", "Which", "Why", "How",
            "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their", "Our", "My", "Your", "This",
                    "That",
            "These", "Those", "There", "Here", "After", "Before", "During", "While", "Since", "Although", "Though",
                    "Some",
            "Many", "Most", "All", "Each", "Every", "No", "Not", "Both", "Then", "Also", "However", "Thus", "Today");

    @Override
    public List<Span> find(String text) {
        List<Span> spans = new ArrayList<>();
        addAll(spans, text, DATE, "DATE");
        addAll(spans, text, NUMBER, "NUMBER");
        findEntities(text, spans);
        spans.sort(Comparator.comparingInt(Span::start));
        return spans;
    }

    private static void addAll(List<Span> spans, String text, Pattern p, String type) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            int s = m.start(), e = m.end();
            if (e > s + 1 && text.charAt(e - 1) == '.') e--; // "Dec." at a sentence end: leave the period
            if (e > s && !overlaps(spans, s, e)) spans.add(new Span(s, e, type));
        }
    }

    private static boolean overlaps(List<Span> spans, int s, int e) {
        for (Span sp : spans) if (s < sp.end() && sp.start() < e) return true;
        return false;
    }

    private static void findEntities(String text, List<Span> spans) {
        Matcher m = WORD.matcher(text);
        List<int[]> words = new ArrayList<>();
        while (m.find()) {
            int s = m.start(), e = m.end();
            while (e > s + 1 && (text.charAt(e - 1) == '.' || text.charAt(e - 1) == '-' || text.charAt(e - 1) ==
                    '\'')) {
                // keep the dot of initials like "D.C." and "J." but not a sentence-final period after a longer word
                if (text.charAt(e - 1) == '.' && isInitialism(text, s, e)) break;
                e--;
            }
            words.add(new int[] {s, e});
        }
        int i = 0;
        while (i < words.size()) {
            int[] w = words.get(i);
            if (!capitalized(text, w)) {
                i++;
                continue;
            }
            int j = i; // last capitalized word of the run
            int k = i + 1;
            while (k < words.size()) {
                int[] prev = words.get(k - 1), cur = words.get(k);
                if (!onlySpaces(text, prev[1], cur[0])) break;
                if (capitalized(text, cur)) {
                    j = k;
                    k++;
                } else if (CONNECTORS.contains(text.substring(cur[0], cur[1])) && k + 1 < words.size()) {
                    k++;
                } else break;
            }
            int first = i;
            while (first <= j && FUNCTION_WORDS.contains(text.substring(words.get(first)[0],
                    words.get(first)[1]))) first++;
            if (first <= j) {
                int s = words.get(first)[0], e = words.get(j)[1];
                if (overlaps(spans, s, e)) addNonOverlapping(text, words, first, j, spans);
                else if (e - s > 1) spans.add(new Span(s, e, "ENTITY")); // single letters ("X") are not entities
            }
            i = j + 1;
        }
    }

    /** When a capitalized run overlaps a date ("December 1972 Olympics"), keep the capitalized words outside it. */
    private static void addNonOverlapping(String text, List<int[]> words, int first, int last, List<Span> spans) {
        int runStart = -1, runEnd = -1;
        for (int k = first; k <= last + 1; k++) {
            boolean ok = k <= last && capitalized(text, words.get(k)) && !overlaps(spans, words.get(k)[0],
                    words.get(k)[1])
                    && (runStart < 0 || onlySpaces(text, runEnd, words.get(k)[0]));
            if (ok) {
                if (runStart < 0) runStart = words.get(k)[0];
                runEnd = words.get(k)[1];
            } else if (runStart >= 0) {
                String w = text.substring(runStart, runEnd);
                if (!FUNCTION_WORDS.contains(w)) spans.add(new Span(runStart, runEnd, "ENTITY"));
                runStart = -1;
                if (k <= last && capitalized(text, words.get(k)) && !overlaps(spans, words.get(k)[0],
                        words.get(k)[1])) {
                    runStart = words.get(k)[0];
                    runEnd = words.get(k)[1];
                }
            }
        }
    }

    private static boolean isInitialism(String text, int s, int e) {
        // "D.C.", "U.S.", "J." : letters alternate with dots
        String w = text.substring(s, e);
        return w.matches("(?:\\p{L}\\.)+");
    }

    private static boolean capitalized(String text, int[] w) {
        return Character.isUpperCase(text.codePointAt(w[0]));
    }

    private static boolean onlySpaces(String text, int from, int to) {
        if (to - from < 1 || to - from > 2) return false;
        for (int i = from; i < to; i++) if (text.charAt(i) != ' ') return false;
        return true;
    }
}
