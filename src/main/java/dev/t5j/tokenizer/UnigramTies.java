package dev.t5j.tokenizer;

/**
 * How the Unigram Viterbi decides between two segmentations whose scores are equal (or equal up to float rounding).
 * The two sentencepiece releases differ only here; both keep the first candidate found (the earliest-starting last
 * piece) on a strict tie.
 */
public enum UnigramTies {
    /**
     * sentencepiece 0.2.2 (the release pip installs today, and so HF's slow T5 tokenizer): a candidate path score is
     * rounded to float before it is compared with the best one so far, so equal sums stay equal and the earliest
     * start wins ({@code Nooooooo way} → ▁No o o oooo ▁way). Identical to its lattice Viterbi / NBest 1-best.
     */
    SENTENCEPIECE_0_2,
    /**
     * sentencepiece 0.1.x up to 0.2.0 (what DJL 0.34 bundles; also the 0.2.1-dev sources): {@code EncodeOptimized}
     * compares the double sum with the stored float, so rounding can let a later start win
     * ({@code Nooooooo way} → ▁No o oooo o ▁way).
     */
    SENTENCEPIECE_0_1
}
