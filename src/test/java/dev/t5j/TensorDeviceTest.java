package dev.t5j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every tensor the product creates from nothing (factories, {@code new TensorOptions}) lands on the configured device
 * ({@code --device}, {@code train.device}): the statement must take its options from {@code Tensors.options(dtype)}
 * (the current device), or go through {@code Tensors.longs/floats} (which move CPU-built tensors there). The files
 * below were reviewed and create CPU tensors on purpose; a new creation site anywhere else fails this test.
 */
class TensorDeviceTest {
    /** Reviewed files that create CPU tensors on purpose, and why. */
    static final Map<String, String> CPU_BY_DESIGN = Map.of(
            "engine/Tensors.java", "builds on the CPU from Java arrays, then moves to Torch.device() (toDevice)",
            "retrieval/index/FlatIndex.java", "the passage index lives in CPU native memory, read and written through "
                    + "data_ptr; queries are copied to the CPU (Tensors.toFloats) before a search",
            "data/MultitaskSampler.java", "task sampling draws from a seeded CPU generator (HyperFormer's sampler): "
                    + "the same tasks whatever the device",
            "data/tasks/HyperFormerSplits.java", "randperm with a seeded CPU generator, as HyperFormer splits",
            "bench/ModelBench.java", "measures this machine's CPU BLAS peak and the per-op overhead of the binding",
            "bench/DistributedBench.java", "measures Gloo's all-reduce over loopback, which runs on CPU tensors",
            "engine/Dropout.java", "draws masks in Java for CPU inputs only (others go to torch.dropout); its seed "
                    + "comes from the CPU generator that Torch.seed seeds");

    /** A tensor made from nothing: libtorch factories (the *_like ones follow their input's device) and options. */
    static final Pattern CREATION = Pattern.compile("\\bnew TensorOptions\\(|\\btorch\\.(zeros|ones|empty|full|arange"
            + "|range|randn|rand|randint|randperm|eye|linspace|logspace|tensor|from_blob|scalar_tensor|normal"
            + "|empty_strided|zeros_strided|full_strided)\\(");

    record Site(String file, int line, String statement) {}

    /** Every creation site in src/main: the statement from the match to its ';'. */
    static List<Site> sites() throws IOException {
        List<Site> out = new ArrayList<>();
        for (Path f : ArchitectureTest.javaFiles(ArchitectureTest.MAIN)) {
            String src = Files.readString(f);
            Matcher m = CREATION.matcher(src);
            while (m.find()) {
                int end = src.indexOf(';', m.start());
                int line = (int) src.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                String rel = ArchitectureTest.MAIN.relativize(f).toString().replace('\\', '/');
                out.add(new Site(rel, line, src.substring(m.start(), end < 0 ? src.length() : end)));
            }
        }
        return out;
    }

    @Test
    void everyNewTensorUsesTheConfiguredDeviceOrIsAReviewedCpuSite() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Site s : sites())
            // x.options(): the options of an existing tensor, so its device (e.g. a cache buffer grown beside it)
            if (!s.statement().contains("Tensors.options(") && !s.statement().matches("(?s).*\\w\\.options\\(\\).*")
                    && !CPU_BY_DESIGN.containsKey(s.file()))
                bad.add(s.file() + ":" + s.line() + ": " + s.statement().lines().findFirst().orElse(""));
        assertEquals(List.of(), bad, "tensors created without Tensors.options(dtype) (the configured device); use it, "
                + "or review the site and add the file to CPU_BY_DESIGN with the reason");
    }

    @Test
    void theScanSeesTheKnownSitesAndTheAllowListIsCurrent() throws IOException {
        Map<String, Integer> perFile = new TreeMap<>();
        for (Site s : sites()) perFile.merge(s.file(), 1, Integer::sum);
        // the device-aware sites the model relies on are found (the scan is not vacuous)
        assertTrue(perFile.containsKey("model/Params.java"), perFile.toString());
        assertTrue(perFile.containsKey("model/T5ForConditionalGeneration.java"), perFile.toString());
        // every reviewed file still creates tensors (else drop it from the list)
        assertEquals(new TreeSet<>(CPU_BY_DESIGN.keySet()), new TreeSet<>(perFile.keySet()).stream()
                .filter(CPU_BY_DESIGN::containsKey).collect(Collectors.toCollection(TreeSet::new)));
    }
}
