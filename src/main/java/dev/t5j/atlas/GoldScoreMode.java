package dev.t5j.atlas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.t5j.common.UserError;

import java.util.Locale;

/**
 * Atlas's {@code --gold_score_mode}: how the reader teaches the retriever. Paper names and code names are aliases, as
 * in Atlas's {@code Options.parse} ({@code pdist} = {@code ppmean}, {@code adist} = {@code evalnormsum}).
 */
public enum GoldScoreMode {
    /** Perplexity distillation: mean token log-likelihood of the target given each passage alone. */
    PDIST("pdist", "ppmean"),
    /**
     * Attention distillation: cross-attention probability × value norm, summed over layers, target tokens and passage
     * tokens.
     */
    ADIST("adist", "evalnormsum"),
    /** EMDR²: marginalise the reader's per-token likelihood over passages weighted by the retriever. */
    EMDR("emdr", "emdr"),
    /** Leave-one-out: the target loss when the passage is removed from the reader's input. */
    LOOP("loop", "loop");

    public final String paperName;
    public final String codeName;

    GoldScoreMode(String paperName, String codeName) {
        this.paperName = paperName;
        this.codeName = codeName;
    }

    @JsonValue
    public String key() {
        return paperName;
    }

    /** A config value: paper or code name, any case. */
    @JsonCreator
    public static GoldScoreMode parse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (GoldScoreMode m : values()) if (m.paperName.equals(k) || m.codeName.equals(k)) return m;
        throw new UserError("'" + s + "' (allowed: pdist (ppmean), adist (evalnormsum), emdr, loop)");
    }

    public static GoldScoreMode parse(String s, String where) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (GoldScoreMode m : values()) if (m.paperName.equals(k) || m.codeName.equals(k)) return m;
        throw new UserError(where + ": gold_score_mode '" + s
                + "' is not one of pdist (ppmean), adist (evalnormsum), emdr, loop");
    }
}
