package dev.t5j.synth;

import dev.t5j.tokenizer.Vocabulary;

import java.util.Map;

/**
 * T5's id layout (32,100 ids, 100 extra ids) with the handful of encodings the reference quotes (§D.3/§D.4), so tests
 * can check the reference's exact ids without a SentencePiece model. Id 3 is "▁", which decodes to blank.
 */
final class FakeT5Vocabulary implements Vocabulary {
    static final Map<String, int[]> ENC = Map.ofEntries(
            Map.entry("set", new int[]{356}), Map.entry("first_char", new int[]{166, 834, 4059}),
            Map.entry("set_1_minus_2", new int[]{356, 834, 536, 834, 14078, 834, 357}),
            Map.entry("set_2_minus_1", new int[]{356, 834, 357, 834, 14078, 834, 536}),
            Map.entry("union", new int[]{7021}), Map.entry("intersect", new int[]{27806}),
            Map.entry("search", new int[]{960}), Map.entry("sort", new int[]{1843}), Map.entry("replace",
                    new int[]{3601}), Map.entry("count", new int[]{3476}),
            Map.entry("yes", new int[]{4273}), Map.entry("no", new int[]{150}),
            Map.entry("22", new int[]{1630}), Map.entry("9", new int[]{3, 668}));

    @Override
    public int[] encode(String text) {
        int[] ids = ENC.get(text);
        if (ids != null) return ids.clone();
        // Anything else: one id per character, never 0/1/3 and below 32000 (good enough for structure tests).
        return text.chars().map(c -> 100 + c).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id == 1) break;
            if (id == 0 || id == 3) continue;
            sb.append('<').append(id).append('>');
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return 32100;
    }

    @Override
    public int extraIds() {
        return 100;
    }
}
