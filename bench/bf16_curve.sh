#!/usr/bin/env bash
# bf16 mixed precision against fp32 over one training run (issue 13, item 4): the same config, seed and batches, with
# train.dtype fp32 and then bf16, each logging every step; then both runs' median tokens/s and the loss curves side by
# side: per-step |bf16 - fp32| (max and mean, absolute and relative to fp32) and the means of 50-step windows.
# Usage: bench/bf16_curve.sh [steps] [threads] [out]   (default 300 steps, 2 threads, runs/bf16-curve-<time>)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-300}"; threads="${2:-2}"; out="${3:-runs/bf16-curve-$(date -u +%Y%m%d-%H%M%S)}"
command -v jq >/dev/null || { echo "bf16_curve.sh: needs jq (apt-get install jq)" >&2; exit 2; }
common=(--set model.preset=t5-small --set data.task=synthetic_easy --set "data.synth_length=[4,10]"
  --set data.synth_pool=68 --set data.inputs_length=40 --set data.targets_length=32 --set data.batch_size=8
  --set optimizer.name=adamw --set schedule.kind=cosine --set schedule.lr=5.0e-4 --set schedule.warmup=30
  --set "train.steps=$steps" --set "train.threads=$threads" --set train.log_every=1)
for d in fp32 bf16; do
  "$here/t5j" train "${common[@]}" --set "out=$out/$d" --set "train.dtype=$d" >"$out-$d.log" 2>&1 || {
    cat "$out-$d.log" >&2; exit 1; }
done
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores;" \
  "OpenBLAS kernels $(source "$here/bin/openblas-env.sh"; echo "${OPENBLAS_CORETYPE:-(own detection)}")"
steps_of() { jq -c 'select(.loss != null) | [.step, .loss, .tokens_per_sec]' "$out/$1/metrics.jsonl"; }
median_tps() { steps_of "$1" | jq -s 'map(.[2]) | sort | .[length/2|floor]'; }
echo "config: t5-small, synthetic_easy, batch 8 x (40 in, 32 out), AdamW 5e-4 cosine, $steps steps, $threads threads"
echo "tokens/s (median over steps): fp32 $(median_tps fp32), bf16 $(median_tps bf16)"
jq -n --argjson f "$(steps_of fp32 | jq -s .)" --argjson b "$(steps_of bf16 | jq -s .)" -r '
  [range(0; [$f, $b] | map(length) | min) | {s: $f[.][0], f: $f[.][1], b: $b[.][1]}] as $p
  | ($p | map((.b - .f) | fabs)) as $d
  | ($p | map(((.b - .f) | fabs) / .f)) as $r
  | "loss |bf16 - fp32| per step: max \($d | max), mean \(($d | add) / ($d | length)); relative: max \($r | max),"
    + " mean \(($r | add) / ($r | length))",
    "50-step window means (steps, fp32, bf16):",
    ($p | [range(0; length; 50) as $i | .[$i:$i + 50]] | .[]
      | "  \(.[0].s)-\(.[-1].s) \((map(.f) | add) / length) \((map(.b) | add) / length)")'
