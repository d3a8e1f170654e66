package dev.t5j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Paths of the real test files (see the SOURCE.md beside each) and random-text generators. */
final class TestData {
    private TestData() {}

    static Path resource(String name) {
        try {
            return Path.of(TestData.class.getResource("/tokenizer/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    /**
     * The oracle of the *OracleTest classes is DJL 0.34's sentencepiece 0.2.0, which breaks Unigram ties the 0.1 way;
     * the default (0.2.2) rule is checked against the 0.2.2 fixture in SentencePiece022FixtureTest.
     */
    static SentencePieceProcessor legacy(SentencePieceProcessor sp) {
        return sp.withTies(UnigramTies.SENTENCEPIECE_0_1);
    }

    static Path t5Model() {
        return resource("t5/spiece.model");
    }

    /** The 300 Wikipedia passages' texts. */
    static List<String> wikiTexts() {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(resource("wiki/passages-300.jsonl"))) {
                JsonNode n = Json.MAPPER.readTree(line);
                out.add(n.get("title").asText() + "\n" + n.get("text").asText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Random text mixing ASCII, whitespace runs, Latin/CJK/emoji, combining marks, controls and full-width forms. */
    static String randomText(Random r, int maxLen) {
        int len = r.nextInt(maxLen + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int k = r.nextInt(12);
            int cp = switch (k) {
                case 0, 1, 2 -> 'a' + r.nextInt(26);
                case 3 -> " \t\n\u3000\u00a0".charAt(r.nextInt(5));
                case 4 -> 0x20 + r.nextInt(0x5F);
                case 5 -> 0xC0 + r.nextInt(0x250 - 0xC0);
                case 6 -> 0x4E00 + r.nextInt(0x2000);
                case 7 -> 0x1F600 + r.nextInt(0x50);
                case 8 -> 0x300 + r.nextInt(0x70);
                case 9 -> 0xFF01 + r.nextInt(0x5E);
                case 10 -> r.nextInt(0x20);
                default -> {
                    int c;
                    do c = r.nextInt(0x110000); while (c >= 0xD800 && c <= 0xDFFF);
                    yield c;
                }
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
