package dev.t5j.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a JSON object into example fields: strings, numbers and booleans as they are; arrays of strings as lists;
 * arrays of integers as token ids; nested objects flattened with {@code /} (TFDS style: {@code answer/value});
 * anything else kept as JSON text.
 */
final class JsonFields {
    private JsonFields() {}

    static LinkedHashMap<String, Object> flatten(JsonNode obj) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        flattenInto(obj, "", out);
        return out;
    }

    private static void flattenInto(JsonNode obj, String prefix, Map<String, Object> out) {
        var it = obj.fields();
        while (it.hasNext()) {
            var e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) flattenInto(v, key + "/", out);
            else out.put(key, value(v));
        }
    }

    static Object value(JsonNode v) {
        if (v.isTextual()) return v.textValue();
        if (v.isNull()) return null;
        if (v.isIntegralNumber()) return v.longValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isBoolean()) return v.booleanValue();
        if (v.isArray()) {
            boolean allText = true, allInt = true;
            for (JsonNode x : v) {
                allText &= x.isTextual();
                allInt &= x.isIntegralNumber() && x.canConvertToInt();
            }
            if (v.isEmpty()) return List.of();
            if (allText) {
                List<String> l = new ArrayList<>(v.size());
                for (JsonNode x : v) l.add(x.textValue());
                return l;
            }
            if (allInt) {
                int[] a = new int[v.size()];
                for (int i = 0; i < a.length; i++) a[i] = v.get(i).intValue();
                return a;
            }
        }
        return v.toString();
    }
}
