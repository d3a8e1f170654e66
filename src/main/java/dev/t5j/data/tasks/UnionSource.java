package dev.t5j.data.tasks;

import dev.t5j.data.BadLines;
import dev.t5j.data.DataSource;
import dev.t5j.data.ExampleIterator;
import dev.t5j.data.Shard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The splits of two sources side by side (MNLI's train and dev files have different columns). */
final class UnionSource implements DataSource {
    private final DataSource a;
    private final DataSource b;

    UnionSource(DataSource a, DataSource b) {
        this.a = a;
        this.b = b;
    }

    private DataSource of(String split) {
        return a.splits().contains(split) ? a : b;
    }

    @Override
    public List<String> splits() {
        List<String> s = new ArrayList<>(a.splits());
        s.addAll(b.splits());
        return s;
    }

    @Override
    public void check(String split) {
        DataSource.super.check(split);
        of(split).check(split);
    }

    @Override
    public ExampleIterator open(String split, Shard shard, BadLines badLines) {
        return of(split).open(split, shard, badLines);
    }

    @Override
    public OptionalLong numExamples(String split) {
        return of(split).numExamples(split);
    }

    @Override
    public List<Path> files(String split) {
        return of(split).files(split);
    }

    @Override
    public String describe() {
        return a.describe() + " + " + b.describe();
    }
}
