package dev.t5j.data;

import dev.t5j.common.UserError;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The task and mixture registries (seqio TaskRegistry/MixtureRegistry), as an object rather than global state so
 * tests and tools can hold several. Names are unique across tasks and mixtures; may contain {@code :}.
 */
public final class DataCatalog {
    private final Map<String, Task> tasks = new TreeMap<>();
    private final Map<String, Mixture> mixtures = new TreeMap<>();

    public synchronized Task add(Task t) {
        requireNew(t.name());
        tasks.put(t.name(), t);
        return t;
    }

    public synchronized Mixture add(Mixture m) {
        requireNew(m.name());
        mixtures.put(m.name(), m);
        return m;
    }

    /**
     * Adds or replaces (used when a config file overrides a built-in). Registered mixtures that hold a provider of
     * that name are rebuilt to hold {@code p}, as seqio's registry looks members up when a mixture is read.
     */
    public synchronized void put(DatasetProvider p) {
        tasks.remove(p.name());
        mixtures.remove(p.name());
        if (p instanceof Task t) tasks.put(t.name(), t);
        else mixtures.put(p.name(), (Mixture) p);
        for (Map.Entry<String, Mixture> e : mixtures.entrySet())
            if (!e.getKey().equals(p.name())) e.setValue(e.getValue().replacing(p));
    }

    /** The registered providers of these names, in order (members of a mixture being built). */
    public synchronized List<DatasetProvider> get(List<String> names) {
        List<DatasetProvider> l = new ArrayList<>();
        for (String n : names) l.add(get(n));
        return l;
    }

    /** A mixture entry for the registered provider {@code name}. */
    public Mixture.Entry entry(String name, Rate rate) {
        return new Mixture.Entry(get(name), rate);
    }

    private void requireNew(String name) {
        if (name == null || name.isBlank()) throw new UserError("task/mixture name must not be empty");
        if (tasks.containsKey(name) || mixtures.containsKey(name))
            throw new UserError("'" + name + "' is already registered");
    }

    public synchronized boolean contains(String name) {
        return tasks.containsKey(name) || mixtures.containsKey(name);
    }

    public synchronized List<String> taskNames() {
        return List.copyOf(tasks.keySet());
    }

    public synchronized List<String> mixtureNames() {
        return List.copyOf(mixtures.keySet());
    }

    public synchronized DatasetProvider get(String name) {
        DatasetProvider p = tasks.get(name);
        if (p == null) p = mixtures.get(name);
        if (p == null) throw new UserError("no task or mixture named '" + name + "'" + suggest(name));
        return p;
    }

    public synchronized Task task(String name) {
        Task t = tasks.get(name);
        if (t == null)
            throw new UserError("no task named '" + name + "'" + (mixtures.containsKey(name) ? " ('" + name
                    + "' is a mixture)" : suggest(name)));
        return t;
    }

    public synchronized Mixture mixture(String name) {
        Mixture m = mixtures.get(name);
        if (m == null)
            throw new UserError("no mixture named '" + name + "'" + (tasks.containsKey(name) ? " ('" + name
                    + "' is a task)" : suggest(name)));
        return m;
    }

    private String suggest(String name) {
        List<String> all = new ArrayList<>(tasks.keySet());
        all.addAll(mixtures.keySet());
        if (all.isEmpty()) return " (none are registered)";
        all.sort(Comparator.comparingInt(s -> editDistance(s, name)));
        List<String> near = all.subList(0, Math.min(3, all.size()));
        return " (did you mean: " + String.join(", ", near) + "?)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1]
                        + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
