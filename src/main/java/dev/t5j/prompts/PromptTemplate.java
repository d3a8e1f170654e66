package dev.t5j.prompts;

import java.util.List;

/**
 * One promptsource {@code !Template}: {@code jinja} holds prompt and target separated by {@code |||};
 * {@code answerChoices} is a Jinja expression giving {@code |||}-separated choices, or null (open-ended).
 */
public record PromptTemplate(String id, String name, String jinja, String reference, String answerChoices,
                             Metadata metadata) {
    /** {@code !TemplateMetadata}; fields are null when the file leaves them out. */
    public record Metadata(Boolean originalTask, Boolean choicesInPrompt, List<String> metrics,
            List<String> languages) {
        public static final Metadata EMPTY = new Metadata(null, null, List.of(), List.of());
    }

    public boolean originalTask() {
        return Boolean.TRUE.equals(metadata.originalTask());
    }
}
