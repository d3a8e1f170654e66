#!/usr/bin/env bash
# Training-step throughput of t5j against the PyTorch 2.13 + HF anchors, back to back, alternating, ROUNDS rounds:
# t5j fp32, HF fp32 (eager), t5j bf16, HF autocast bf16. Prints every line; take medians of the tokens/s figures.
# Dropout 0 (the default) as the shared anchor trains; a rate above 0 runs both engines with it, as T5 fine-tunes
# (0.1). HF's bf16 step, and its step with dropout, come from bench/hf_t5_train.py.
# Usage: bench/compare_train.sh [preset] [threads] [rounds] [steps] [dropout]   (needs the anchor venv, BENCHMARKS.md)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-t5-small}"; threads="${2:-1}"; rounds="${3:-3}"; steps="${4:-2}"; dropout="${5:-0}"
py="${T5J_ANCHOR_PYTHON:-/tmp/reliab-venv/bin/python}"
anchor="${T5J_ANCHOR_SCRIPT:-$here/../shared/tools/anchors/bench_hf_t5.py}"
hf() { # $1: fp32 or bf16; fp32 without dropout is the shared anchor itself
  if [[ "$dropout" == 0 && "$1" == fp32 ]]; then "$py" "$anchor" train "$preset" 2 512 128 "$steps" "$threads"
  else "$py" "$here/bench/hf_t5_train.py" "$preset" 2 512 128 "$steps" "$threads" "$dropout" "$1"; fi
}
for r in $(seq 1 "$rounds"); do
  echo "round $r"
  "$here/t5j" bench model --preset "$preset" --batch 2 --input-len 512 --target-len 128 --steps "$steps" \
    --threads "$threads" --gen-tokens 0 --dropout "$dropout" | grep '^train'
  hf fp32
  "$here/t5j" bench model --preset "$preset" --batch 2 --input-len 512 --target-len 128 --steps "$steps" \
    --threads "$threads" --gen-tokens 0 --dropout "$dropout" --dtype bf16 | grep '^train'
  hf bf16
done
