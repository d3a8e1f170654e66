package dev.t5j.data.objectives;

import dev.t5j.data.Example;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SalientSpanTest {
    static List<String> spans(String text) {
        List<String> out = new ArrayList<>();
        for (var s : new RuleBasedSalientSpans().find(text)) out.add(s.type() + ":" + text.substring(s.start(),
                s.end()));
        return out;
    }

    @Test
    void datesNumbersAndEntities() {
        assertEquals(List.of("ENTITY:Evan L. Morris", "DATE:January 26, 1977", "DATE:July 9, 2015", "ENTITY:Genentech"),
                spans("Evan L. Morris (January 26, 1977 – July 9, 2015) was a lobbyist for Genentech."));
        assertEquals(List.of("DATE:14 December 1972"), spans("the last landing was on 14 December 1972."));
        assertEquals(List.of("ENTITY:Isle of Wight", "NUMBER:3,610", "NUMBER:2.5%"),
                spans("The Isle of Wight has 3,610 sheep and 2.5% growth."));
        // a comma ends a run (documented rule), so "Washington, D.C." gives two entities
        assertEquals(List.of("ENTITY:Roche", "ENTITY:Washington", "ENTITY:D.C."),
                spans("Roche moved to Washington, D.C. last spring."));
        assertEquals(List.of("ENTITY:Clinton White House", "NUMBER:18"),
                spans("He was an intern in the Clinton White House at age 18."));
        assertEquals(List.of("DATE:1990s", "ENTITY:Paris"), spans("In the 1990s she moved to Paris."));
        assertEquals(List.of(), spans("nothing salient here at all."));
    }

    @Test
    void oneExamplePerSpanWithNemPrefix() {
        SalientSpanMasking ssm = new SalientSpanMasking(null, "text", null, null, false);
        Example in = Example.of("text", "Obama was born in 1961 in Honolulu.");
        List<Example> out = ssm.flatMap(in, null, null);
        assertEquals(3, out.size());
        assertEquals("nem: _X_ was born in 1961 in Honolulu.", out.get(0).string("inputs"));
        assertEquals("Obama", out.get(0).string("targets"));
        assertEquals("nem: Obama was born in _X_ in Honolulu.", out.get(1).string("inputs"));
        assertEquals("1961", out.get(1).string("targets"));
        assertEquals("Honolulu", out.get(2).string("targets"));
        assertTrue(ssm.flatMap(Example.of("text", "no spans here."), null, null).isEmpty(),
                "sentences without spans are dropped");
    }

    @Test
    void pluggableRecognizer() {
        SalientSpanRecognizer fixed = text -> List.of(new SalientSpanRecognizer.Span(0, 3, "X"));
        List<Example> out = new SalientSpanMasking(fixed, "text", "p: ", "[M]", false).flatMap(Example.of("text",
                "abcdef"), null, null);
        assertEquals("p: [M]def", out.get(0).string("inputs"));
        assertEquals("abc", out.get(0).string("targets"));
    }

    @Test
    void sentenceSplitting() {
        assertEquals(List.of("Dr. Smith went to Washington.", "He arrived in 1990.", "It rained!"),
                SalientSpanMasking.sentences("Dr. Smith went to Washington. He arrived in 1990. It rained!"));
        assertEquals(List.of("J. R. R. Tolkien wrote it."), SalientSpanMasking.sentences("J. R. R. Tolkien wrote it."));
    }
}
