package dev.t5j.atlas.tasks;

import java.util.Arrays;
import java.util.Collections;
import dev.t5j.retrieval.Passage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demonstration's questions: "which article mentions "<phrase>"?" with the article's title as the answer, the
 * phrase being a run of words taken from one passage of the corpus. The answer is in the corpus (next to the phrase),
 * so a reader that is handed the right passage only has to copy its title, while a closed-book model must have
 * memorised which article every phrase belongs to. Training and evaluation phrases of a passage never overlap, so
 * evaluation asks about text the models were not trained on.
 */
public final class LookupQuestions {
    /** One question in Atlas's qa format plus the id of the passage it was cut from (for retrieval recall). */
    public record Question(String question, String answer, String passageId) {}

    public record Split(List<Question> train, List<Question> eval) {}

    private LookupQuestions() {}

    /**
     * @param phraseWords words per phrase
     * @param trainPerPassage training phrases per passage; each passage also gets one evaluation phrase when
     *                        {@code evalEvery} divides its index (so evaluation covers a subset of passages)
     */
    public static Split build(List<Passage> passages, int phraseWords, int trainPerPassage, int evalEvery, long seed) {
        Random rng = new Random(seed);
        List<Question> train = new ArrayList<>(), eval = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            String[] words = p.text().trim().split("\\s+");
            int windows = words.length / phraseWords; // non-overlapping windows
            if (windows < trainPerPassage + 1) continue;
            List<Integer> order = new ArrayList<>();
            for (int w = 1; w < windows; w++) order.add(w); // window 0 often repeats the title: skip it
            Collections.shuffle(order, rng);
            int used = 0;
            boolean wantEval = i % evalEvery == 0;
            for (int w : order) {
                String phrase = String.join(" ", Arrays.copyOfRange(words, w * phraseWords, (w
                        + 1) * phraseWords));
                if (!informative(phrase)) continue;
                Question q = new Question("which article mentions \"" + phrase + "\"?", p.title(), p.id());
                if (wantEval) {
                    eval.add(q);
                    wantEval = false;
                } else if (used < trainPerPassage) {
                    train.add(q);
                    used++;
                }
                if (!wantEval && used == trainPerPassage) break;
            }
        }
        Collections.shuffle(train, rng);
        return new Split(train, eval);
    }

    /** At least two words of four or more letters, so that a phrase can be told apart from others. */
    static boolean informative(String phrase) {
        int n = 0;
        for (String w : phrase.split(" ")) if (w.replaceAll("[^\\p{L}]", "").length() >= 4) n++;
        return n >= 2;
    }
}
