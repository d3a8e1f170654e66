#!/usr/bin/env bash
# Decoding speed of t5j side by side with what a Python or JVM user would run instead, measured back to back on this
# machine: HF transformers generate on PyTorch (bench/anchors/hf_generate.py, from a Python venv with torch and
# transformers) and ONNX Runtime for Java (../shared/tools/anchors/ort: the same T5-small exported to ONNX, greedy
# only). Each round runs every row's measurements one after the other; rows are alternated, and the table shows the
# median over rounds of each side's tokens/s and the median of the per-round ratios. t5j itself needs no Python.
#
# Usage: bench/compare.sh --venv DIR [--ort DIR] [--rounds N] [--threads N] [--new N] [--in N] [--dtype D]
#   --venv DIR   a venv with torch + transformers (../shared/tools/anchors/setup-venv.sh makes one)
#   --ort DIR    a writable copy of the ORT anchor folder with models/ exported and target/ built (its README);
#                without it the ONNX Runtime column is left out
#   --dtype D    fp32 (default) or bf16: t5j and HF hold the weights in bf16 (t5j --dtype bf16, HF model.to(bfloat16));
#                the ONNX Runtime model stays fp32, so its column is then a different precision
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv=""; ort=""; rounds=3; threads=1; new=16; in=64; dtype=fp32
while [ $# -gt 0 ]; do
  case "$1" in
    --venv) venv="$2"; shift 2 ;;
    --ort) ort="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --new) new="$2"; shift 2 ;;
    --in) in="$2"; shift 2 ;;
    --dtype) dtype="$2"; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$dtype" in fp32|bf16) ;; *) echo "compare.sh: --dtype '$dtype': fp32 or bf16" >&2; exit 2 ;; esac
[ -x "$venv/bin/python" ] || { echo "compare.sh: --venv '$venv': no bin/python there (see --help)" >&2; exit 2; }
if [ -n "$ort" ] && { [ ! -f "$ort/models/decoder_step.onnx" ] || [ ! -f "$ort/target/cp.txt" ]; }; then
  echo "compare.sh: --ort '$ort': needs models/decoder_step.onnx and target/cp.txt (export and build: its README)" >&2
  exit 2
fi
# rows: name batch beams
rows=("greedy batch 1|1|1" "greedy batch 32|32|1" "beam 4 batch 1|1|4")
log=$(mktemp); trap 'rm -f "$log"' EXIT
rate() { grep -oE '[0-9.]+ tokens/s' | tail -1 | cut -d' ' -f1; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $cpu; $(nproc) cores;" \
  "load $(cut -d' ' -f1-3 /proc/loadavg); threads=$threads, in=$in, new=$new, dtype=$dtype, $rounds rounds"
for r in $(seq 1 "$rounds"); do
  for row in "${rows[@]}"; do
    IFS='|' read -r name b beams <<<"$row"
    t=$(OPENBLAS_THREAD_TIMEOUT=4 "$here/t5j" bench decode --batch "$b" --beams "$beams" --input-len "$in" \
        --new-tokens "$new" --threads "$threads" --dtype "$dtype" 2>&1 | grep -E '^t5j |^  split' ); echo "$t"
    h=$("$venv/bin/python" "$here/bench/anchors/hf_generate.py" t5-small "$b" "$in" "$new" "$beams" "$threads" \
        "$dtype" 2>&1 \
        | grep '^hf '); echo "$h"
    o=""
    if [ -n "$ort" ] && [ "$beams" = 1 ]; then
      ids="$ort/data/ids_b${b}_in${in}.txt"; [ -f "$ids" ] || ids=-
      o=$(cd "$ort" && java -cp "target/ort-anchor-1.0.jar:$(cat target/cp.txt)" ortanchor.OrtT5Greedy models "$b" \
          "$in" "$new" "$threads" "$ids" 2>&1 | grep -E '^ort greedy|best run split'); echo "$o"
    fi
    echo "$name|$(echo "$t" | rate)|$(echo "$h" | rate)|$(echo "$o" | rate)" >>"$log"
  done
done
echo
echo "| work (threads=$threads, $dtype, $rounds rounds, medians) | HF generate tokens/s | ORT Java (fp32) tokens/s |" \
  "t5j tokens/s |" \
  "t5j / HF | t5j / ORT |"
echo "|---|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  IFS='|' read -r name b beams <<<"$row"
  grep "^$name|" "$log" | awk -F'|' -v name="$name" '
    function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) {
        t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return n == 0 ? "" : (n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2) }
    { if ($2 != "") T[++nt] = $2; if ($3 != "") H[++nh] = $3; if ($4 != "") O[++no] = $4
      if ($2 != "" && $3 != "") RH[++nrh] = $2 / $3; if ($2 != "" && $4 != "") RO[++nro] = $2 / $4 }
    END { t = median(T, nt); h = median(H, nh); o = median(O, no); rh = median(RH, nrh); ro = median(RO, nro)
      printf "| %s | %s | %s | %s | %s | %s |\n", name, h == "" ? "-" : sprintf("%.1f", h),
        o == "" ? "-" : sprintf("%.1f", o), t == "" ? "-" : sprintf("%.1f", t),
        rh == "" ? "-" : sprintf("%.2f", rh), ro == "" ? "-" : sprintf("%.2f", ro) }'
done
