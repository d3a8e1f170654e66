package dev.t5j.demo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each GLUE-shaped task's label, recomputed from its input text by the task's rule, and the labels' balance. */
class GlueShapedTasksTest {
    private static List<Integer> tokens(String s) {
        List<Integer> out = new ArrayList<>();
        for (String w : s.trim().split(" ")) out.add(Integer.parseInt(w.substring(1)));
        return out;
    }

    @Test
    void labelsFollowTheTaskRulesAndAreBalanced() {
        int pool = 68;
        for (String task : GlueShapedTasks.NAMES) {
            SplittableRandom r = new SplittableRandom(7);
            int[] counts = new int[6];
            for (int i = 0; i < 600; i++) {
                GlueShapedTasks.Row row = GlueShapedTasks.example(task, pool, r);
                assertTrue(row.inputs().startsWith(task + " sentence"), row.inputs());
                int label = Integer.parseInt(row.targets());
                counts[label]++;
                String body = row.inputs().substring(task.length());
                int want;
                if (body.contains("sentence2")) {
                    String[] parts = body.replace("sentence1", "").split("sentence2");
                    List<Integer> a = tokens(parts[0]), b = tokens(parts[1]);
                    if (task.equals("same_set")) {
                        assertEquals(a.size(), b.size());
                        want = new HashSet<>(a).equals(new HashSet<>(b)) ? 1 : 0;
                    } else {
                        assertEquals(5, new HashSet<>(a).size());
                        assertEquals(5, new HashSet<>(b).size());
                        HashSet<Integer> shared = new HashSet<>(a);
                        shared.retainAll(b);
                        want = shared.size();
                    }
                } else {
                    List<Integer> s = tokens(body.replace("sentence", ""));
                    if (task.equals("ordered")) {
                        List<Integer> sorted = new ArrayList<>(s);
                        sorted.sort(null);
                        want = s.equals(sorted) ? 1 : 0;
                    } else {
                        assertEquals(1, s.size() % 2);
                        want = 2 * s.stream().filter(t -> t < pool / 2).count() > s.size() ? 1 : 0;
                    }
                }
                assertEquals(want, label, task + ": " + row.inputs());
            }
            int classes = task.equals("overlap") ? 6 : 2;
            for (int c = 0; c < classes; c++)
                assertTrue(counts[c] > 600 / classes / 2, task + " label " + c + " drawn " + counts[c] + " times");
        }
    }
}
