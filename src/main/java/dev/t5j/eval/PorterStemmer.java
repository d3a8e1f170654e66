package dev.t5j.eval;

import java.util.Map;

/**
 * The Porter stemmer as NLTK's {@code PorterStemmer()} runs it by default (mode NLTK_EXTENSIONS), which is what
 * {@code rouge_score} uses for {@code use_stemmer=True}: Porter (1980) plus NLTK's irregular forms (sky/skies, dying,
 * lying, tying, news, innings, outings, cannings, howe, proceed, exceed, succeed), words of ≤ 2 letters unchanged,
 * "ies"/"ied" → "ie" for 4-letter words, y → i only after a consonant that is not the first letter, "bli" → "ble",
 * "alli" → "al" re-stemmed, "fulli" → "ful", "logi" → "log", and cvc also true for a two-letter vowel-consonant stem.
 * Input must be lower case. Thread-safe (stateless).
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("skies", "sky"), Map.entry("sky", "sky"), Map.entry("dying", "die"), Map.entry("lying", "lie"),
            Map.entry("tying", "tie"), Map.entry("news", "news"), Map.entry("innings", "inning"), Map.entry("inning",
                    "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"), Map.entry("cannings", "canning"),
            Map.entry("canning", "canning"), Map.entry("howe", "howe"), Map.entry("proceed", "proceed"),
            Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    public String stem(String word) {
        String irregular = IRREGULAR.get(word);
        if (irregular != null) return irregular;
        if (word.length() <= 2) return word;
        String w = step1a(word);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        w = step5b(w);
        return w;
    }

    private static boolean cons(String w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return false;
        if (c == 'y') return i == 0 || !cons(w, i - 1);
        return true;
    }

    /** Number of VC sequences. */
    static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) if (!cons(stem, i - 1) && cons(stem, i)) m++;
        return m;
    }

    private static boolean hasVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) if (!cons(stem, i)) return true;
        return false;
    }

    private static boolean doubleCons(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && cons(w, n - 1);
    }

    private static boolean cvc(String w) {
        int n = w.length();
        if (n >= 3 && cons(w, n - 3) && !cons(w, n - 2) && cons(w, n - 1)) {
            char c = w.charAt(n - 1);
            return c != 'w' && c != 'x' && c != 'y';
        }
        return n == 2 && !cons(w, 0) && cons(w, 1);
    }

    private static String cut(String w, String suffix) {
        return w.substring(0, w.length() - suffix.length());
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) return cut(w, "ies") + "ie";
        if (w.endsWith("sses")) return cut(w, "sses") + "ss";
        if (w.endsWith("ies")) return cut(w, "ies") + "i";
        if (w.endsWith("ss")) return w;
        if (w.endsWith("s")) return cut(w, "s");
        return w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) return cut(w, "ied") + (w.length() == 4 ? "ie" : "i");
        if (w.endsWith("eed")) {
            String stem = cut(w, "eed");
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        if (w.endsWith("ed") && hasVowel(cut(w, "ed"))) stem = cut(w, "ed");
        else if (w.endsWith("ing") && hasVowel(cut(w, "ing"))) stem = cut(w, "ing");
        if (stem == null) return w;
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return stem + "e";
        if (doubleCons(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : stem.substring(0, stem.length() - 1);
        }
        if (measure(stem) == 1 && cvc(stem)) return stem + "e";
        return stem;
    }

    private static String step1c(String w) {
        if (w.endsWith("y")) {
            String stem = cut(w, "y");
            if (stem.length() > 1 && cons(stem, stem.length() - 1)) return stem + "i";
        }
        return w;
    }

    /** Applies the first rule whose suffix matches: replaced if the stem's measure is above {@code minMeasure}. */
    private static String rules(String w, String[][] rules, int minMeasure) {
        for (String[] r : rules) {
            if (w.endsWith(r[0])) {
                String stem = cut(w, r[0]);
                return measure(stem) > minMeasure ? stem + r[1] : w;
            }
        }
        return w;
    }

    private static final String[][] STEP2 = {
            {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"}, {"bli", "ble"},
            {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"}, {"ization", "ize"}, {"ation", "ate"},
            {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"}, {"aliti",
                    "al"},
            {"iviti", "ive"}, {"biliti", "ble"}, {"fulli", "ful"}};

    private static String step2(String w) {
        if (w.endsWith("alli") && measure(cut(w, "alli")) > 0) return step2(cut(w, "alli") + "al");
        for (String[] r : STEP2) {
            if (w.endsWith(r[0])) {
                String stem = cut(w, r[0]);
                return measure(stem) > 0 ? stem + r[1] : w;
            }
        }
        // "logi" -> "log": the 'l' counts with the stem, so that "geologi" etc. qualify
        if (w.endsWith("logi") && measure(w.substring(0, w.length() - 3)) > 0) return cut(w, "logi") + "log";
        return w;
    }

    private static final String[][] STEP3 = {
            {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness",
                    ""}};

    private static String step3(String w) {
        return rules(w, STEP3, 0);
    }

    private static final String[] STEP4 = {"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
            "ent",
            "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize"};

    private static String step4(String w) {
        for (String s : STEP4) {
            if (w.endsWith(s)) {
                String stem = cut(w, s);
                boolean ok = measure(stem) > 1;
                if (s.equals("ion")) ok = ok && !stem.isEmpty() && (stem.endsWith("s") || stem.endsWith("t"));
                return ok ? stem : w;
            }
        }
        return w;
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = cut(w, "e");
            int m = measure(stem);
            if (m > 1 || (m == 1 && !cvc(stem))) return stem;
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) return w.substring(0, w.length() - 1);
        return w;
    }
}
