package dev.t5j.atlas.tasks;

import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Atlas's {@code section} task: {@code {"id","title","section","text"}} → query {@code "{title}, {section}"}, target =
 * the text; metadata {@code {"id"}}; retrieval drops the passage with that id. Skipped: no or blank section, blank
 * text, or fewer words than {@code min_words_per_lm_instance}.
 */
public final class SectionTask implements PassageTextTask {
    private final Integer minWords;

    public SectionTask(Integer minWords) {
        this.minWords = minWords;
    }

    @Override
    public String name() {
        return "section";
    }

    @Override
    public Optional<AtlasExample> process(Map<String, Object> json, Random rng) {
        String section = Fields.optString(json, "section");
        if (section == null || Fields.isBlank(section)) return Optional.empty();
        String query = Fields.string(json, "title") + ", " + section;
        String text = Fields.string(json, "text");
        if (Fields.isBlank(text)) return Optional.empty();
        if (minWords != null && Fields.wordCount(text) < minWords) return Optional.empty();
        return Optional.of(new AtlasExample(query, text, TaskFields.gold(json, text), TaskFields.filePassages(json),
                TaskFields.idMetadata(json), json.get("id"), null));
    }
}
