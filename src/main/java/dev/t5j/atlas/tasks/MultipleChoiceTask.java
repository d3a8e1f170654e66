package dev.t5j.atlas.tasks;

import java.util.Arrays;
import java.util.Collections;
import dev.t5j.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * Atlas's {@code multiple_choice} task (src/tasks/multiple_choice.py) on
 * {@code {"question","options":{"A":..},"answer"}}
 * (MMLU's layout; see {@link MmluFormat}).
 *
 * <ul>
 *   <li>{@link #expand}: the answer-order permutations ({@link Permutations}; train or eval kind), each a copy of the
 *       line with permuted {@code options}, the remapped {@code answer}, {@code is_original} and {@code uid}.</li>
 *   <li>{@link #process}: query {@code "question: {q.strip()} options: (A) a (B) b ... answer: <extra_id_0>"} (the
 *       code's wording, not the README's), with the question cut from the left when the prompt exceeds 356 T5 tokens
 *       ({@link #prompt}); target {@code "<extra_id_0> {letter}"}; answers {@code [letter]}; metadata = the copy.</li>
 *   <li>{@link #evaluate}: accuracy = the generated letter equals the answer (per permuted copy).</li>
 *   <li>{@link #debias}: {@code debiased_accuracy} from the letters' logits at decoder position 1: softmax over the
 * letters per copy, probabilities gathered per option text, averaged over copies, argmax in the original order.</li>
 * </ul>
 */
public final class MultipleChoiceTask implements AtlasTask {
    /** Atlas's {@code maximum_question_length}: the prompt's token budget, EOS included. */
    public static final int MAX_PROMPT_TOKENS = 356;

    private final Vocabulary vocabulary;
    private final List<String> letters;
    private final Map<String, Integer> choiceIds;
    private final String trainPermutations, evalPermutations;

    public MultipleChoiceTask(Vocabulary vocabulary, int numOptions, String trainPermutations,
            String evalPermutations) {
        Permutations.check(trainPermutations, "multiple_choice_train_permutations");
        Permutations.check(evalPermutations, "multiple_choice_eval_permutations");
        this.vocabulary = vocabulary;
        List<String> ls = new ArrayList<>();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < numOptions; i++) {
            String l = String.valueOf((char) ('A' + i));
            ls.add(l);
            ids.put(l, HfText.encode(vocabulary, l, true)[0]); // tokenizer(letter)["input_ids"][0]
        }
        this.letters = List.copyOf(ls);
        this.choiceIds = Collections.unmodifiableMap(ids);
        this.trainPermutations = trainPermutations;
        this.evalPermutations = evalPermutations;
    }

    @Override
    public String name() {
        return "multiple_choice";
    }

    @Override
    public List<String> metrics() {
        return List.of("debiased_accuracy", "accuracy", AtlasMetrics.EVAL_LOSS);
    }

    /** {@code choices}: the scored letters, {@code "ABCD..."[:multiple_choice_num_options]}. */
    public List<String> letters() {
        return letters;
    }

    /** {@code choice2index}: letter → the first token id of {@code tokenizer(letter)} (T5: "▁A" etc.). */
    public Map<String, Integer> choiceTokenIds() {
        return choiceIds;
    }

    /** {@code get_choice_logits}: letter → {@code logits[1, id(letter)]}, given the decoder's logits at position 1. */
    public Map<String, Double> choiceLogits(float[] logitsAtPosition1) {
        Map<String, Double> out = new LinkedHashMap<>();
        choiceIds.forEach((l, id) -> out.put(l, (double) logitsAtPosition1[id]));
        return out;
    }

    @Override
    public List<Map<String, Object>> expand(Map<String, Object> json, boolean eval) {
        return permutations(json, eval ? evalPermutations : trainPermutations);
    }

    /** Atlas's {@code get_permutations(example, kind)}. */
    public static List<Map<String, Object>> permutations(Map<String, Object> json, String kind) {
        String question = Fields.string(json, "question");
        LinkedHashMap<String, String> options = Fields.stringMap(json, "options");
        String answer = Fields.string(json, "answer");
        if (!options.containsKey(answer)) throw new FieldError("answer", "'" + answer + "' is not one of the options "
                + options.keySet());
        String uid = question + String.join(" ", options.values());
        List<String> keys = new ArrayList<>(new TreeMap<>(options).keySet()); // sorted(options.keys())
        List<String> values = keys.stream().map(options::get).toList();
        String answerText = options.get(answer);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int[] ordering : Permutations.orderings(keys.size(), kind)) {
            LinkedHashMap<String, String> permuted = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) permuted.put(keys.get(i), values.get(ordering[i]));
            String permutedAnswer = null;
            for (var e : permuted.entrySet()) if (e.getValue().equals(answerText)) {
                permutedAnswer = e.getKey();
                break;
            }
            Map<String, Object> copy = new LinkedHashMap<>(json);
            copy.put("options", permuted);
            copy.put("answer", permutedAnswer);
            copy.put("is_original", permuted.equals(options));
            copy.put("uid", uid);
            out.add(copy);
        }
        return out;
    }

    /**
     * {@code get_multiple_choice_question_prompt}: the prompt, and when it is longer than {@code maxTokens} tokens
     * (EOS counted) the question's last {@code maxTokens - len(prompt with an empty question)} tokens — its ids with
     * EOS, sliced Python-style, decoded without special tokens — in place of the question.
     */
    public static String prompt(Vocabulary v, String question, Map<String, String> options, int maxTokens) {
        StringBuilder sb = new StringBuilder();
        for (var e : options.entrySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append('(').append(e.getKey()).append(") ").append(e.getValue());
        }
        String withSep = Fields.pyStrip(sb.toString());
        String prompt = promptOf(question, withSep);
        if (HfText.encode(v, prompt, true).length > maxTokens) {
            int maxQ = maxTokens - HfText.encode(v, promptOf("", withSep), true).length;
            int[] ids = HfText.encode(v, question, true);
            int start = maxQ > 0 ? Math.max(ids.length - maxQ, 0) : Math.min(-maxQ, ids.length); // ids[-max_qlen:]
            prompt = promptOf(HfText.decode(v, Arrays.copyOfRange(ids, start, ids.length), true), withSep);
        }
        return prompt;
    }

    private static String promptOf(String question, String optionsWithSep) {
        return "question: " + Fields.pyStrip(question) + " options: " + optionsWithSep + " answer: <extra_id_0>";
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String question = Fields.string(json, "question");
        LinkedHashMap<String, String> options = Fields.stringMap(json, "options");
        String answer = Fields.string(json, "answer");
        String query = prompt(vocabulary, question, options, MAX_PROMPT_TOKENS);
        Object uid = json.get("uid");
        Object isOriginal = json.get("is_original");
        AtlasExample.Choice choice = new AtlasExample.Choice(
                uid instanceof String s ? s : question + String.join(" ", options.values()),
                !(isOriginal instanceof Boolean b) || b, letters, options, answer);
        return Optional.of(new AtlasExample(query, TaskFields.prefixedTarget(answer), List.of(answer), List.of(),
                new LinkedHashMap<>(json), null, choice));
    }

    @Override
    public Map<String, Double> evaluate(String prediction, AtlasExample example) {
        return Map.of("accuracy", AtlasMetrics.exactMatch(prediction, example.answers()));
    }

    /**
     * One question after {@code _reduce_permutations}: the original copy's result, letter → mean probability
     * ({@code choice_probs}), the argmax letter ({@code generation}), option text → the probabilities of every copy
     * ({@code all_probs}), the copies' results ({@code permutations}) and {@code debiased_accuracy} (0 or 1).
     */
    public record Debiased(AtlasResult original, Map<String, Double> choiceProbs, String generation,
                           Map<String, List<Double>> allProbs, List<AtlasResult> permutations,
                                   double debiasedAccuracy) {}

    /**
     * {@code evaluation_postprocessing}: groups the copies by uid (first-seen order), marginalises each group and
     * scores it. Every result needs {@link AtlasResult#choiceLogits()} for all letters.
     *
     * @throws IllegalArgumentException when a group has no original copy or a copy lacks a letter's logit or option
     */
    public List<Debiased> debias(List<AtlasResult> results) {
        Map<String, List<AtlasResult>> byUid = new LinkedHashMap<>();
        for (AtlasResult r : results) {
            if (r.example().choice() == null) throw new IllegalArgumentException("not a multiple-choice result: "
                    + r.example().query());
            byUid.computeIfAbsent(r.example().choice().uid(), k -> new ArrayList<>()).add(r);
        }
        List<Debiased> out = new ArrayList<>();
        for (var e : byUid.entrySet()) {
            List<AtlasResult> perms = e.getValue();
            AtlasResult original = perms.stream().filter(r -> r.example().choice().isOriginal()).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no original ordering among the copies of '"
                            + e.getKey() + "'"));
            Map<String, String> textToLetter = new LinkedHashMap<>();
            original.example().choice().options().forEach((l, t) -> textToLetter.put(t, l));
            Map<String, List<Double>> all = new LinkedHashMap<>();
            for (AtlasResult p : perms) {
                double[] probs = softmax(p, letters);
                for (int i = 0; i < letters.size(); i++) {
                    String text = p.example().choice().options().get(letters.get(i));
                    if (text == null) throw new IllegalArgumentException("copy of '" + e.getKey() + "' has no option "
                            + letters.get(i));
                    all.computeIfAbsent(text, k -> new ArrayList<>()).add(probs[i]);
                }
            }
            Map<String, Double> marginal = new LinkedHashMap<>();
            all.forEach((t, ps) -> marginal.put(textToLetter.get(t), ps.stream().mapToDouble(Double::doubleValue)
                    .average().orElse(0)));
            String best = null;
            double bestP = Double.NEGATIVE_INFINITY;
            for (var m : marginal.entrySet()) if (m.getValue() > bestP) { // Python max keeps the first of equal values
                best = m.getKey();
                bestP = m.getValue();
            }
            double correct = best != null && best.equals(original.example().choice().answer()) ? 1 : 0;
            out.add(new Debiased(original, marginal, best, all, perms, correct));
        }
        return out;
    }

    private static double[] softmax(AtlasResult r, List<String> letters) {
        double[] x = new double[letters.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            Double v = r.choiceLogits() == null ? null : r.choiceLogits().get(letters.get(i));
            if (v == null) throw new IllegalArgumentException("no choice logit for " + letters.get(i) + " in '"
                    + r.example().query() + "'");
            x[i] = v;
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) sum += x[i] = Math.exp(x[i] - max);
        for (int i = 0; i < x.length; i++) x[i] /= sum;
        return x;
    }
}
