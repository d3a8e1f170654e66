package dev.t5j.synth;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The "nonsense" summarisation pre-training task of Krishna et al. (2021), as composed in the reference
 * ({@code summarization_tasks_datagen/ourtasks.py} {@code __main__}, "ourtasks-nonsense"; atlas-ruse-t0-synthetic.md
 * §D.6).
 *
 * <p>An article has {@code 10 ± 3} sentences of {@code 10 ± 5} random words plus " ."; words come from the nonsense
 * vocabulary ({@code RandomVocab}: 5000 three-letter strings, or the content tokens of the small vocabulary). Three
 * distinct transformations out of the 16 used by the reference are drawn; each modifies the article in turn, then each
 * appends its summary lines in the same order. Keywords are made distinct per transformation
 * ({@code __d3__keyword_0__}).
 * Inputs are the article lines joined by spaces, targets the summary lines joined by spaces, both encoded with the
 * vocabulary. Where the reference would fail an assertion (rare interactions of two transformations on one sentence),
 * the example is drawn again.
 */
public final class NonsenseSummaryTask implements SyntheticTask {
    /** The 16 transformation ids used by the reference composite, in its order. */
    static final String[] TRANSFORMS = {"d3", "d4", "d5", "d6", "d7", "d8", "d10", "d11", "d12", "d13", "d14", "d16",
            "d18", "d19", "d20", "d21"};
    private static final int NUM_TRANSFORMS = 3;

    private final TokenSpace space;
    private final String[] words;

    public NonsenseSummaryTask(TokenSpace space) {
        this.space = space;
        this.words = space.nonsenseWords();
    }

    @Override
    public String name() {
        return "nonsense_summary";
    }

    /** A text pair before encoding (exposed for tests and inspection). */
    public record TextPair(String input, String target, List<String> transforms) {}

    @Override
    public SyntheticExample generate(RandomGenerator r) {
        TextPair p = generateText(r);
        return new SyntheticExample(space.vocabulary().encode(p.input()), space.vocabulary().encode(p.target()));
    }

    public TextPair generateText(RandomGenerator r) {
        while (true) {
            try {
                return attempt(r);
            } catch (Retry e) {
                // the reference would have crashed on this draw; draw again
            }
        }
    }

    private TextPair attempt(RandomGenerator r) {
        List<String> lines = paragraph(r);
        int[] picks = Rand.sample(r, indices(TRANSFORMS.length), NUM_TRANSFORMS);
        List<String> chosen = new ArrayList<>();
        for (int p : picks) chosen.add(TRANSFORMS[p]);
        for (String t : chosen) modify(t, lines, r);
        List<String> summary = new ArrayList<>();
        for (String t : chosen) summary.addAll(output(t, lines, r));
        return new TextPair(String.join(" ", lines), String.join(" ", summary), chosen);
    }

    /** {@code BaseGenerator.get_para(10, 10)} with tolerances 3 and 5. */
    List<String> paragraph(RandomGenerator r) {
        int numSents = Math.max(1, 10 + Rand.randint(r, -3, 3));
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < numSents; s++) {
            int len = Math.max(1, 10 + Rand.randint(r, -5, 5));
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < len; w++) sb.append(words[r.nextInt(words.length)]).append(' ');
            lines.add(sb.append('.').toString());
        }
        return lines;
    }

    // ---- keywords, distinct per transformation (Modifier.distinctify_keywords) ----

    static String kw(String id, String k) {
        return "__" + id + "__" + k + "__";
    }

    private static final Map<String, List<String>> KEYWORDS = new HashMap<>();
    private static final Map<String, Set<String>> KEYWORD_SETS = new HashMap<>();

    static {
        for (String id : TRANSFORMS) {
            List<String> k = List.copyOf(buildKeywords(id));
            KEYWORDS.put(id, k);
            KEYWORD_SETS.put(id, Set.copyOf(k));
        }
    }

    /** The keywords of a transformation, in the reference's order (cached: they are used for every line). */
    static List<String> keywords(String id) {
        return KEYWORDS.get(id);
    }

    private static List<String> buildKeywords(String id) {
        List<String> out = new ArrayList<>();
        switch (id) {
            case "d3", "d4", "d5", "d6", "d10", "d21" -> {
                for (int i = 0; i < 10; i++) out.add(kw(id, "keyword_" + i));
            }
            case "d7" -> {
                out.add(kw(id, "begin_quote"));
                out.add(kw(id, "end_quote"));
            }
            case "d8" -> out.add(kw(id, "bullet"));
            case "d11", "d13" -> {
                for (int c = 0; c < 3; c++) for (int k = 0; k < 3; k++) out.add(kw(id, "class_" + c + "_kw_" + k));
            }
            case "d12" -> {
                out.add(kw(id, "keyword_1"));
                out.add(kw(id, "keyword_2"));
            }
            case "d14", "d16" -> {
                for (int i = 0; i < 100; i++) out.add(kw(id, Integer.toString(i)));
            }
            case "d18" -> {
                for (int s = 0; s < 20; s++) {
                    out.add(kw(id, "src_" + s));
                    for (int t = 0; t < 3; t++) out.add(kw(id, "target_" + s + "_" + t));
                }
            }
            case "d19", "d20" -> {
                for (int i = 0; i < 5; i++) out.add(kw(id, "join_" + i));
            }
            default -> throw new IllegalArgumentException(id);
        }
        return out;
    }

    private static String[] split(String line) {
        return line.split(" ", -1);
    }

    private static String join(List<String> ws) {
        return String.join(" ", ws);
    }

    private static int[] indices(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** {@code get_random_sent_indices}: num distinct line indices, sorted. */
    private static int[] randomLines(List<String> lines, int num, RandomGenerator r) {
        if (num > lines.size()) throw new Retry();
        int[] idx = Rand.sample(r, indices(lines.size()), num);
        Arrays.sort(idx);
        return idx;
    }

    /** Replaceable word positions of a line: all but the last word, skipping words that contain "_". */
    private static int[] replaceable(String line) {
        String[] ws = split(line);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ws.length - 1; i++) if (!ws[i].contains("_")) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int pick(int[] a, RandomGenerator r) {
        if (a.length == 0) throw new Retry();
        return a[r.nextInt(a.length)];
    }

    private static String pick(List<String> a, RandomGenerator r) {
        return a.get(r.nextInt(a.size()));
    }

    private static void setWord(List<String> lines, int line, int pos, String word) {
        String[] ws = split(lines.get(line));
        ws[pos] = word;
        lines.set(line, String.join(" ", ws));
    }

    /** {@code find_line_indices_with_keywords}: lines holding any keyword, with the keywords found (in word order). */
    private static List<int[]> linesWith(List<String> lines, Set<String> kws, List<List<String>> found) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            List<String> f = new ArrayList<>();
            for (String w : split(lines.get(i))) if (kws.contains(w) && !f.contains(w)) f.add(w);
            if (!f.isEmpty()) {
                out.add(new int[]{i});
                found.add(f);
            }
        }
        return out;
    }

    /** Replace one replaceable word in each of {@code num} random lines by a keyword from {@code supply}. */
    private static void replaceInLines(List<String> lines, int num, List<String> supply, boolean distinct,
            RandomGenerator r) {
        int[] li = randomLines(lines, num, r);
        List<String> kws = new ArrayList<>();
        if (distinct) {
            if (num > supply.size()) throw new Retry();
            for (int i : Rand.sample(r, indices(supply.size()), num)) kws.add(supply.get(i));
        }
        int[][] rep = new int[li.length][];
        for (int k = 0; k < li.length; k++) rep[k] = replaceable(lines.get(li[k]));
        for (int k = 0; k < li.length; k++) {
            int pos = pick(rep[k], r);
            setWord(lines, li[k], pos, distinct ? kws.get(k) : pick(supply, r));
        }
    }

    private void modify(String id, List<String> lines, RandomGenerator r) {
        List<String> kws = keywords(id);
        switch (id) {
            case "d3", "d10", "d11", "d14", "d21" -> replaceInLines(lines, 1, kws, false, r);
            case "d4", "d5" -> replaceInLines(lines, 3, kws, false, r);
            case "d6" -> replaceInLines(lines, 3, kws, true, r);
            case "d7" -> {
                int li = randomLines(lines, 1, r)[0];
                int[] allowed = replaceable(lines.get(li));
                List<String> ws = new ArrayList<>(List.of(split(lines.get(li))));
                boolean zeroAllowed = Arrays.stream(allowed).anyMatch(x -> x == 0);
                int begin = zeroAllowed ? r.nextInt(ws.size()) : Rand.randint(r, 1, ws.size() - 1);
                int end = Rand.randint(r, begin + 1, ws.size());
                List<String> nw = new ArrayList<>(ws.subList(0, begin));
                nw.add(kws.get(0));
                nw.addAll(ws.subList(begin, end));
                nw.add(kws.get(1));
                nw.addAll(ws.subList(end, ws.size()));
                lines.set(li, join(nw));
            }
            case "d8" -> {
                int li = randomLines(lines, 1, r)[0];
                lines.set(li, kws.get(0) + " " + lines.get(li));
            }
            case "d12" -> replaceInLines(lines, 2 * Rand.randint(r, 1, 2) + 1, kws, false, r);
            case "d13" -> replaceInLines(lines, Rand.randint(r, 2, 5), kws, false, r);
            case "d16" -> replaceInLines(lines, Rand.randint(r, 1, 4), kws, true, r);
            case "d18" -> replaceInLines(lines, 1, kws.stream().filter(k -> k.contains("src")).toList(), false, r);
            case "d19" -> {
                int[] li = randomLines(lines, 3, r);
                List<String> joiners = new ArrayList<>();
                for (int i : Rand.sample(r, indices(kws.size()), 3)) joiners.add(kws.get(i));
                int[][] rep = new int[3][];
                for (int k = 0; k < 3; k++) rep[k] = replaceable(lines.get(li[k]));
                for (int k = 0; k < 3; k++) {
                    int n = split(lines.get(li[k])).length;
                    int[] allowed = Arrays.stream(rep[k]).filter(x -> x < n - 2).toArray();
                    setWord(lines, li[k], pick(allowed, r), joiners.get(k));
                }
            }
            case "d20" -> {
                int li = randomLines(lines, 1, r)[0];
                List<String> joiners = new ArrayList<>();
                for (int i : Rand.sample(r, indices(kws.size()), 2)) joiners.add(kws.get(i));
                int n = split(lines.get(li)).length;
                int[] allowed = Arrays.stream(replaceable(lines.get(li))).filter(x -> x < n - 1).toArray();
                if (allowed.length < 2) throw new Retry();
                int[] two = Rand.sample(r, allowed, 2);
                setWord(lines, li, two[0], joiners.get(0));
                setWord(lines, li, two[1], joiners.get(1));
            }
            default -> throw new IllegalArgumentException(id);
        }
    }

    private List<String> output(String id, List<String> lines, RandomGenerator r) {
        List<String> kws = keywords(id);
        List<List<String>> found = new ArrayList<>();
        List<int[]> at = linesWith(lines, KEYWORD_SETS.get(id), found);
        List<String> out = new ArrayList<>();
        switch (id) {
            case "d3" -> {
                one(at);
                out.add(lines.get(at.get(0)[0]));
            }
            case "d4", "d5" -> {
                for (int[] a : at) out.add(lines.get(a[0]));
                if (id.equals("d5")) Rand.shuffle(r, out);
            }
            case "d6" -> {
                Integer[] order = new Integer[at.size()];
                for (int i = 0; i < order.length; i++) order[i] = i;
                Arrays.sort(order, (a, b) -> found.get(a).get(0).compareTo(found.get(b).get(0)));
                for (int i : order) out.add(lines.get(at.get(i)[0]));
            }
            case "d7" -> {
                one(at);
                List<String> ws = List.of(split(lines.get(at.get(0)[0])));
                int open = ws.indexOf(kws.get(0)), close = ws.indexOf(kws.get(1));
                if (open < 0 || close < open + 1) throw new Retry();
                String s = join(ws.subList(open + 1, close));
                if (s.isEmpty()) throw new Retry();
                if (s.charAt(s.length() - 1) != '.') s = s + " .";
                out.add(s);
            }
            case "d8" -> {
                one(at);
                String[] ws = split(lines.get(at.get(0)[0]));
                if (!ws[0].equals(kws.get(0))) throw new Retry();
                out.add(String.join(" ", Arrays.copyOfRange(ws, 1, ws.length)));
            }
            case "d10" -> {
                one(at);
                String k = found.get(0).get(0);
                out.add(kws.indexOf(k) < 5 ? "the keyword was positive ." : "the keyword was negative .");
            }
            case "d11" -> {
                one(at);
                String k = found.get(0).get(0);
                out.add(lines.get(at.get(0)[0]).replace(k, kw(id, "class_" + kws.indexOf(k) / 3)));
            }
            case "d12" -> {
                int c1 = 0, c2 = 0;
                for (List<String> f : found) for (String k : f) if (k.equals(kws.get(0))) c1++; else c2++;
                // Counter.most_common(1): the larger count; counts are never tied (an odd number of insertions)
                out.add("The keyword " + (c1 >= c2 ? 1 : 2) + " occurred more number of times .");
            }
            case "d13" -> {
                for (int c = 0; c < 3; c++) {
                    out.add("section " + kw(id, "class_" + c));
                    for (int i = 0; i < at.size(); i++)
                        if (kws.indexOf(found.get(i).get(0)) / 3 == c) out.add(lines.get(at.get(i)[0]));
                }
            }
            case "d14" -> {
                one(at);
                out.add(kws.indexOf(found.get(0).get(0)) >= 50 ? "the number was above or equal to threshold ."
                        : "the number was below threshold .");
            }
            case "d16" -> {
                int max = -1;
                for (List<String> f : found) {
                    if (f.size() != 1) throw new Retry();
                    max = Math.max(max, kws.indexOf(f.get(0)));
                }
                if (max < 0) throw new Retry();
                out.add("The largest number is " + max + " .");
            }
            case "d18" -> {
                for (int i = 0; i < at.size(); i++) {
                    if (found.get(i).size() != 1) throw new Retry();
                    String k = found.get(i).get(0);
                    int ki = kws.indexOf(k);
                    String[] ws = split(lines.get(at.get(i)[0]));
                    ws[Arrays.asList(ws).indexOf(k)] = kws.get(ki + 1 + r.nextInt(3));
                    out.add(String.join(" ", ws));
                }
            }
            case "d19" -> {
                StringBuilder s = new StringBuilder("The combined sentence is ");
                for (int i = 0; i < at.size(); i++) {
                    if (found.get(i).size() != 1) throw new Retry();
                    String k = found.get(i).get(0);
                    List<String> ws = List.of(split(lines.get(at.get(i)[0])));
                    int p = ws.indexOf(k);
                    s.append(k).append(' ').append(join(ws.subList(p + 1, ws.size() - 1))).append(' ');
                }
                out.add(s.append('.').toString());
            }
            case "d20" -> {
                one(at);
                if (found.get(0).size() != 2) throw new Retry();
                List<String> ws = List.of(split(lines.get(at.get(0)[0])));
                int p0 = ws.indexOf(found.get(0).get(0)), p1 = ws.indexOf(found.get(0).get(1));
                int[] pos = {Math.min(p0, p1), Math.max(p0, p1)};
                List<String> prefix = ws.subList(0, pos[0]);
                for (int i = 0; i < 2; i++) {
                    int end = i == 1 ? ws.size() - 1 : pos[1];
                    List<String> l = new ArrayList<>(prefix);
                    l.addAll(ws.subList(pos[i], end));
                    l.add(".");
                    out.add(join(l));
                }
            }
            case "d21" -> {
                one(at);
                List<String> ws = List.of(split(lines.get(at.get(0)[0])));
                List<String> l = new ArrayList<>(ws.subList(0, ws.indexOf(found.get(0).get(0))));
                l.add(".");
                out.add(join(l));
            }
            default -> throw new IllegalArgumentException(id);
        }
        return out;
    }

    private static void one(List<int[]> at) {
        if (at.size() != 1) throw new Retry();
    }

    /** Signals a draw on which the reference generator would have failed an assertion. */
    private static final class Retry extends RuntimeException {
        Retry() {
            super(null, null, false, false);
        }
    }
}
