package dev.t5j.data.objectives;

import java.util.List;

/**
 * Finds salient spans (named entities, dates, numbers) in a sentence for salient span masking. Pluggable: the
 * built-in {@link RuleBasedSalientSpans} can be replaced by a model-based tagger.
 */
public interface SalientSpanRecognizer {
    /** A span {@code [start, end)} in UTF-16 char offsets of the text, with a type such as DATE, NUMBER, ENTITY. */
    record Span(int start, int end, String type) {}

    /** Non-overlapping spans in text order. */
    List<Span> find(String text);
}
