package dev.t5j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.t5j.common.Json;
import dev.t5j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model folders written by HF transformers 4.57 and 5.18 (model/hf-layouts, made by make_fixture.py there): t5j
 * reproduces the log-probs each library computed. transformers 5 saves every T5 as tie_word_embeddings=true and says
 * with scale_decoder_outputs whether the decoder output is rescaled; a re-saved v1.1 model keeps its lm_head.weight.
 */
class HfLayoutsTest {
    static Path dir() {
        try {
            return Path.of(HfLayoutsTest.class.getResource("/model/hf-layouts").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows without their right padding (id 0), so that Tensors.lengthMask gives HF's attention mask. */
    static int[][] rows(JsonNode n) {
        int[][] r = new int[n.size()][];
        for (int i = 0; i < r.length; i++) {
            int len = n.get(i).size();
            while (len > 0 && n.get(i).get(len - 1).asInt() == 0) len--;
            r[i] = new int[len];
            for (int j = 0; j < len; j++) r[i][j] = n.get(i).get(j).asInt();
        }
        return r;
    }

    /** Per-token log-probs [B*T] of the labels, t5j's forward with HF's shift-right and padding mask. */
    static float[] logProbs(T5ForConditionalGeneration m, int[][] input, int[][] labels) {
        try (var s = new PointerScope(); var ng = new NoGradGuard()) {
            Tensor ids = Tensors.longs(input, 0);
            Tensor lab = Tensors.longs(labels, 0);
            Tensor logits = m.forward(ids, Tensors.lengthMask(input), m.shiftRight(lab));
            return Tensors.toFloats(T5ForConditionalGeneration.tokenLogProbs(logits, lab));
        }
    }

    private static void reproduces(String fixture) {
        JsonNode exp = Json.read(dir().resolve(fixture));
        int[][] input = rows(exp.get("input_ids"));
        int[][] labels = rows(exp.get("labels"));
        for (Iterator<Map.Entry<String, JsonNode>> it = exp.get("log_probs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try (T5ForConditionalGeneration m = Checkpoint.load(dir().resolve(e.getKey()))) {
                float[] got = logProbs(m, input, labels);
                int k = 0;
                for (JsonNode row : e.getValue())
                    for (JsonNode v : row) {
                        assertEquals(v.asDouble(), got[k], 2e-4, e.getKey() + " token " + k);
                        k++;
                    }
            }
        }
    }

    @Test
    void transformers4FoldersGiveTransformers4LogProbs() {
        reproduces("expected-hf4.json");
    }

    @Test
    void transformers5FoldersGiveTransformers5LogProbs() {
        reproduces("expected-hf5.json");
    }

    @Test
    void transformers5ConfigsAreReadForWhatTheyMean() {
        T5Config v11 = Checkpoint.readConfig(dir().resolve("hf5-v1_1"));
        assertTrue(v11.tieWordEmbeddings());
        assertFalse(v11.scaleDecoderOutputs());
        try (T5ForConditionalGeneration m = Checkpoint.load(dir().resolve("hf5-v1_1-lm_head"))) {
            assertFalse(m.config().tieWordEmbeddings(), "lm_head.weight in the checkpoint is the head");
            assertTrue(m.parameters().containsKey("lm_head.weight"));
        }
        T5Config v10 = Checkpoint.readConfig(dir().resolve("hf4-v1_0"));
        assertTrue(v10.tieWordEmbeddings() && v10.scaleDecoderOutputs(), "no keys: transformers 4 defaults");
    }

    @Test
    void aLoadedTransformers5ModelSavesAndLoadsBackIdentically(@TempDir Path tmp) throws Exception {
        JsonNode exp = Json.read(dir().resolve("expected-hf5.json"));
        int[][] input = rows(exp.get("input_ids"));
        int[][] labels = rows(exp.get("labels"));
        for (String name : new String[] {"hf5-v1_1", "hf5-v1_1-lm_head"}) {
            try (T5ForConditionalGeneration m = Checkpoint.load(dir().resolve(name))) {
                Checkpoint.save(m, tmp.resolve(name));
                try (T5ForConditionalGeneration back = Checkpoint.load(tmp.resolve(name))) {
                    assertEquals(m.config(), back.config());
                    float[] a = logProbs(m, input, labels), b = logProbs(back, input, labels);
                    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 0, name);
                }
            }
        }
    }
}
