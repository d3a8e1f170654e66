package dev.t5j.synth;

import dev.t5j.common.UserError;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The reference repository's file format: one example per line, {@code [i1, i2, ...]<TAB>[o1, o2, ...]}, Python list
 * reprs of ints, without EOS.
 */
public final class SynthTsv {
    private SynthTsv() {}

    /** Python {@code str(list)} of ints: {@code [1, 2, 3]}, {@code []} when empty. */
    public static void appendList(StringBuilder sb, int[] ids) {
        sb.append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(ids[i]);
        }
        sb.append(']');
    }

    public static String line(SyntheticTask.SyntheticExample ex) {
        StringBuilder sb = new StringBuilder(16 + 7 * (ex.inputs().length + ex.targets().length));
        appendList(sb, ex.inputs());
        sb.append('\t');
        appendList(sb, ex.targets());
        return sb.toString();
    }

    /** Parses {@code "[1, 2, 3]"}; errors name the file, line and field. */
    public static int[] parseList(String s, Path file, long lineNo, String field) {
        String t = s.strip();
        if (t.length() < 2 || t.charAt(0) != '[' || t.charAt(t.length() - 1) != ']')
            throw UserError.at(file, lineNo, field, "expected a list like [1, 2, 3], got '" + abbreviate(t) + "'");
        String body = t.substring(1, t.length() - 1).strip();
        if (body.isEmpty()) return new int[0];
        String[] parts = body.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw UserError.at(file, lineNo, field, "item " + (i + 1) + " is not an integer: '"
                        + abbreviate(parts[i].strip()) + "'");
            }
        }
        return out;
    }

    public static SyntheticTask.SyntheticExample parseLine(String line, Path file, long lineNo) {
        int tab = line.indexOf('\t');
        if (tab < 0 || line.indexOf('\t', tab + 1) >= 0)
            throw UserError.at(file, lineNo, null, "expected two tab-separated lists (inputs, targets)");
        return new SyntheticTask.SyntheticExample(parseList(line.substring(0, tab), file, lineNo, "inputs"),
                parseList(line.substring(tab + 1), file, lineNo, "targets"));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    static String repr(int[] ids) {
        return Arrays.toString(ids);
    }
}
