package dev.t5j.data.tasks;

import dev.t5j.data.BadLines;
import dev.t5j.data.DataSource;
import dev.t5j.data.Example;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Shard;
import dev.t5j.engine.Tensors;
import dev.t5j.engine.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * HyperFormer's {@code split_validation_test} splits (data/tasks.py, reference B.5): an index permutation drawn with
 * {@code torch.randperm(n, generator seeded 42)} (libtorch's own CPU generator, so the same permutation as theirs)
 * then small datasets split the original validation set in halves (validation | test) and large ones take 1,000
 * training examples as validation (the rest train; test = the original validation set).
 */
final class HyperFormerSplits implements DataSource {
    /** HyperFormer's seed and large-dataset validation size. */
    static final long SEED = 42;
    static final int VALIDATION_SIZE = 1000;

    /** Which examples of which base split a split is. */
    enum Part { ALL, FIRST_HALF, SECOND_HALF, FIRST_1000, AFTER_1000 }

    record Selection(String baseSplit, Part part) {}

    private final DataSource base;
    private final Map<String, Selection> splits;

    HyperFormerSplits(DataSource base, Map<String, Selection> splits) {
        this.base = base;
        this.splits = new LinkedHashMap<>(splits);
    }

    /** Small datasets: train; validation and test = halves of the original validation set. */
    static HyperFormerSplits small(DataSource base, String train, String validation) {
        Map<String, Selection> m = new LinkedHashMap<>();
        m.put("train", new Selection(train, Part.ALL));
        m.put("validation", new Selection(validation, Part.FIRST_HALF));
        m.put("test", new Selection(validation, Part.SECOND_HALF));
        return new HyperFormerSplits(base, m);
    }

    /** Large datasets: 1,000 training examples as validation, the rest train; test = the original validation set. */
    static HyperFormerSplits large(DataSource base, String train, String validation) {
        Map<String, Selection> m = new LinkedHashMap<>();
        m.put("train", new Selection(train, Part.AFTER_1000));
        m.put("validation", new Selection(train, Part.FIRST_1000));
        m.put("test", new Selection(validation, Part.ALL));
        return new HyperFormerSplits(base, m);
    }

    /** {@code torch.randperm(n, generator=torch.Generator().manual_seed(42))}. */
    static long[] permutation(int n) {
        Torch.init();
        try (PointerScope s = new PointerScope()) {
            return Tensors.toLongs(torch.randperm(n, new GeneratorOptional(torch.createCPUGenerator(SEED))));
        }
    }

    static List<Integer> indices(Part part, int n) {
        List<Integer> out = new ArrayList<>();
        if (part == Part.ALL) {
            for (int i = 0; i < n; i++) out.add(i);
            return out;
        }
        long[] perm = permutation(n);
        int from = switch (part) {
            case FIRST_HALF, FIRST_1000 -> 0;
            case SECOND_HALF -> n / 2;
            default -> Math.min(VALIDATION_SIZE, n);
        };
        int to = switch (part) {
            case FIRST_HALF -> n / 2;
            case FIRST_1000 -> Math.min(VALIDATION_SIZE, n);
            default -> n;
        };
        for (int i = from; i < to; i++) out.add((int) perm[i]);
        return out;
    }

    @Override
    public List<String> splits() {
        return List.copyOf(splits.keySet());
    }

    @Override
    public void check(String split) {
        DataSource.super.check(split);
        base.check(splits.get(split).baseSplit());
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        check(split);
        Selection sel = splits.get(split);
        List<Example> all = new ArrayList<>();
        try (ExampleIterator it = base.open(sel.baseSplit(), Shard.ALL, badLines)) {
            while (it.hasNext()) all.add(it.next());
        }
        List<Example> mine = new ArrayList<>();
        List<Integer> idx = indices(sel.part(), all.size());
        for (int i = 0; i < idx.size(); i++) if (shard.owns(i)) mine.add(all.get(idx.get(i)));
        return ExampleIterator.of(mine);
    }

    @Override
    public OptionalLong numExamples(String split) {
        Selection sel = splits.get(split);
        if (sel == null) return OptionalLong.empty();
        OptionalLong n = base.numExamples(sel.baseSplit());
        if (n.isEmpty()) return n;
        long all = n.getAsLong();
        return OptionalLong.of(switch (sel.part()) {
            case ALL -> all;
            case FIRST_HALF -> all / 2;
            case SECOND_HALF -> all - all / 2;
            case FIRST_1000 -> Math.min(VALIDATION_SIZE, all);
            case AFTER_1000 -> Math.max(0, all - VALIDATION_SIZE);
        });
    }

    @Override
    public List<Path> files(String split) {
        Selection sel = splits.get(split);
        return sel == null ? List.of() : base.files(sel.baseSplit());
    }

    @Override
    public String describe() {
        return base.describe() + " with HyperFormer's splits";
    }
}
