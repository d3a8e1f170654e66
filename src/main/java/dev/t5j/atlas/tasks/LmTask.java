package dev.t5j.atlas.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Atlas's {@code lm} task: {@code {"text","id"}} split into a prefix (query) and the rest (target) at a random word
 * boundary ({@link #split}); metadata {@code {"id"}}; retrieval drops the passage with that id. Skipped: blank text
 * or fewer words than {@code min_words_per_lm_instance}.
 */
public final class LmTask implements PassageTextTask {
    private final Integer minWords;
    private final double minRatio, maxRatio;

    public LmTask(Integer minWords, double minContextRatio, double maxContextRatio) {
        this.minWords = minWords;
        this.minRatio = minContextRatio;
        this.maxRatio = maxContextRatio;
    }

    @Override
    public String name() {
        return "lm";
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String text = Fields.string(json, "text");
        if (Fields.isBlank(text)) return Optional.empty();
        if (minWords != null && Fields.wordCount(text) < minWords) return Optional.empty();
        String[] qt = split(text, minRatio, maxRatio, rng);
        return Optional.of(new AtlasExample(qt[0], qt[1], TaskFields.gold(json, qt[1]), TaskFields.filePassages(json),
                TaskFields.idMetadata(json), json.get("id"), null));
    }

    /**
     * Python's {@code re.split(r"(\S+)", text)}: alternating separator and word pieces, always an odd count
     * (2·words + 1), the first and last possibly empty.
     */
    public static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int i = 0, n = text.length(), start = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (Fields.isPyWhitespace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            out.add(text.substring(start, i)); // separator before the word
            int w = i;
            while (i < n && !Fields.isPyWhitespace(text.codePointAt(i))) i += Character.charCount(text.codePointAt(i));
            out.add(text.substring(w, i));
            start = i;
        }
        out.add(text.substring(start));
        return out;
    }

    /** The inclusive bounds of the split index: {@code [min_len, max_len]} over {@code pieces.size()} pieces. */
    public static int[] splitBounds(int numPieces, double minRatio, double maxRatio) {
        int minLen = (int) Math.max(2, numPieces * minRatio);
        int maxLen = (int) Math.max(Math.min(numPieces - 2, numPieces * maxRatio), minLen + 1);
        return new int[] {minLen, maxLen};
    }

    /**
     * Atlas's {@code split}: {query, target} = the pieces before and from a uniform index in the bounds (inclusive).
     */
    public static String[] split(String text, double minRatio, double maxRatio, Random rng) {
        List<String> words = pieces(text);
        int[] b = splitBounds(words.size(), minRatio, maxRatio);
        int idx = Math.min(b[0] + rng.nextInt(b[1] - b[0] + 1), words.size()); // random.randint(a, b)
        return new String[] {String.join("", words.subList(0, idx)), String.join("", words.subList(idx, words.size()))};
    }
}
