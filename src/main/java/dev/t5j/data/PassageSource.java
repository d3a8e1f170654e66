package dev.t5j.data;

import java.util.List;

/**
 * Atlas passage jsonl ({@code {"id","title","text"[,"section"]}}): {@code id} and {@code text} are required; a
 * non-empty {@code section} is merged into the title as {@code "title: section"} exactly as Atlas's loader does.
 * Extra fields are kept.
 */
public final class PassageSource extends JsonlSource {
    public PassageSource(FileSplits files) {
        super(files, List.of("id", "text"));
    }

    @Override
    protected Example convert(Example e) {
        String title = e.has("title") ? e.string("title") : "";
        if (e.has("section")) {
            String section = e.string("section");
            if (!section.isEmpty()) title = title + ": " + section;
        }
        return e.with("id", e.string("id")).with("title", title);
    }

    @Override
    public String describe() {
        return "passages " + files.describe();
    }
}
