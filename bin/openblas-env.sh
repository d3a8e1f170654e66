# Sourced by ./t5j and .ci/run before any JVM starts: which OpenBLAS kernels libtorch's fp32 matrix products use.
# OpenBLAS reads OPENBLAS_CORETYPE once, when it loads. This machine image exported OPENBLAS_CORETYPE=Haswell (AVX2),
# which on AMD Zen 5 halved the rate of wide fp32 products (BENCHMARKS.md, "OpenBLAS kernels"; on Zen 4, whose
# AVX-512 runs on 256-bit units, both kernel sets run at the same rate); OpenBLAS's own detection picks the AVX-512
# kernels. T5J_BLAS_KERNELS chooses:
#   auto (default)  on an AVX-512 CPU the widest kernels it runs: Cooperlake (with BF16) or SkylakeX; an inherited
#                   OPENBLAS_CORETYPE that differs is replaced and named in T5J_OPENBLAS_REPLACED (benchmarks print
#                   it); on other CPUs the environment's value, else OpenBLAS's own detection
#   inherit         leave OPENBLAS_CORETYPE as the environment has it
#   NAME            OPENBLAS_CORETYPE=NAME (an OpenBLAS core name, e.g. Haswell, SkylakeX)
# T5J_CPUINFO (default /proc/cpuinfo) lets a test feed other CPUs' flags.
t5j_kernels="${T5J_BLAS_KERNELS:-auto}"
if [[ "$t5j_kernels" == auto ]]; then
  # || true: ./t5j sources this under set -euo pipefail, and a machine without /proc/cpuinfo must still start
  t5j_flags=" $(grep -m1 '^flags' "${T5J_CPUINFO:-/proc/cpuinfo}" 2>/dev/null | cut -d: -f2 || true) "
  t5j_best=""
  if [[ "$t5j_flags" == *" avx512f "* && "$t5j_flags" == *" avx512cd "* && "$t5j_flags" == *" avx512bw "* \
        && "$t5j_flags" == *" avx512dq "* && "$t5j_flags" == *" avx512vl "* ]]; then
    if [[ "$t5j_flags" == *" avx512_bf16 "* ]]; then t5j_best=Cooperlake; else t5j_best=SkylakeX; fi
  fi
  if [[ -n "$t5j_best" ]]; then
    if [[ -n "${OPENBLAS_CORETYPE:-}" && "$OPENBLAS_CORETYPE" != "$t5j_best" ]]; then
      export T5J_OPENBLAS_REPLACED="$OPENBLAS_CORETYPE"
    fi
    export OPENBLAS_CORETYPE="$t5j_best"
  fi
  unset t5j_flags t5j_best
elif [[ "$t5j_kernels" != inherit ]]; then
  export OPENBLAS_CORETYPE="$t5j_kernels"
fi
unset t5j_kernels
