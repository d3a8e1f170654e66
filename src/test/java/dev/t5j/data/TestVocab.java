package dev.t5j.data;

import dev.t5j.tokenizer.Vocabulary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny whitespace vocabulary for tests: PAD 0, EOS 1, UNK 2, words get ids 3, 4, ... in order of first sight
 * (fixed list given up front), then {@code extraIds} sentinels at the top.
 */
final class TestVocab implements Vocabulary {
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private final List<String> words = new ArrayList<>();
    private final int extraIds;

    TestVocab(int extraIds, String... vocabWords) {
        this.extraIds = extraIds;
        for (String w : vocabWords) if (!ids.containsKey(w)) {
            ids.put(w, 3 + words.size());
            words.add(w);
        }
    }

    @Override
    public int[] encode(String text) {
        if (text.isBlank()) return new int[0];
        String[] ws = text.trim().split("\\s+");
        int[] out = new int[ws.length];
        for (int i = 0; i < ws.length; i++) out[i] = ids.getOrDefault(ws[i], unkId());
        return out;
    }

    @Override
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) {
            if (t == eosId()) break;
            if (t == padId()) continue;
            if (sb.length() > 0) sb.append(' ');
            if (t >= 3 && t < 3 + words.size()) sb.append(words.get(t - 3));
            else if (t >= vocabSize() - extraIds) sb.append("<extra_id_").append(vocabSize() - 1 - t).append('>');
            else sb.append("<unk>");
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return 3 + words.size() + extraIds;
    }

    @Override
    public int extraIds() {
        return extraIds;
    }
}
