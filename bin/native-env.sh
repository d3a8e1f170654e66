# Sourced by ./t5j (with its arguments) and .ci/run before any JVM starts: the native libraries' settings, read once
# when they load.
# Each one is measured in BENCHMARKS.md, "Native settings"; a value the environment already sets is kept.
#
# OpenBLAS workers spin ~0.1 s after each matrix product and starve libtorch's own threads; 2^4 cycles is its minimum
# (t5-small step 5.5 s -> 3.0 s with 2 threads).
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
# libtorch's OpenMP workers likewise spin (GNU OpenMP: 300,000 rounds by default) after each parallel region, while
# OpenBLAS's own threads need the same cores for the next product: at 2 threads a t5-small step ran at 500-570
# tokens/s, 700-880 with a short spin.
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-10000}"
# glibc malloc: libtorch allocates every intermediate tensor with malloc. By default glibc serves large blocks with
# fresh mmap'ed pages and hands freed heap tops back to the kernel, so each step faults its working set in again
# (a third of a batch-32 decoding step). Blocks of any size from the heap, and freed memory kept, keep the pages:
# decoding batch 32 70 -> 41 ms per step. One arena: Java threads, `main` included, are not the process's first
# thread, so glibc gives them per-thread arenas of 64 MiB heaps, where a larger block is mmap'ed whatever the
# threshold and an emptied heap is unmapped: a t5-small training step still faulted ~43,000 fresh pages (1 thread:
# fp32 1.1x, bf16 1.5x faster without them). So batch work runs in one arena and keeps all it freed (up to 16 GiB:
# the next step needs it again). `serve` and `bench serve` (the launcher passes its arguments), long-lived and
# many-threaded, keep per-thread arenas and give back a freed heap top above 256 MiB: a 30,000-request soak levelled
# off at 1,460 MiB so and at 2,232-2,360 MiB in one arena, at the same speed (BENCHMARKS.md, "One malloc arena").
# T5J_MALLOC=inherit keeps the environment's GLIBC_TUNABLES as they are; so does a GLIBC_TUNABLES that already sets
# either threshold (the thresholds) or arena_max (the arena).
if [[ "${T5J_MALLOC:-auto}" != inherit ]]; then
  case "${1:-} ${2:-}" in
    "serve "* | "bench serve") t5j_trim=268435456 ;;
    *) t5j_trim=17179869184
       if [[ "${GLIBC_TUNABLES:-}" != *glibc.malloc.arena_max* ]]; then
         export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.arena_max=1"
       fi ;;
  esac
  if [[ "${GLIBC_TUNABLES:-}" != *glibc.malloc.mmap_threshold* \
        && "${GLIBC_TUNABLES:-}" != *glibc.malloc.trim_threshold* ]]; then
    export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.mmap_threshold=2147483647"\
":glibc.malloc.trim_threshold=$t5j_trim"
  fi
  unset t5j_trim
fi
# The JVM's garbage collector for ./t5j's java: Parallel, unless the JVM options name one. Every libtorch call returns a
# new JavaCPP object that is linked into long-lived lists (the step's PointerScope, JavaCPP's deallocator list); with
# G1, the JVM's default, a call cost ~0.5 µs more (a `view` 1.2-1.3 against 0.7 µs), and a batch-1 decoding step
# makes ~290 of them: batch-1 decoding 1.13x faster with Parallel (BENCHMARKS.md, "JVM collector"). t5j's Java heap is
# small (tensors live in native memory), so Parallel's pauses are short. T5J_GC=inherit keeps the JVM's default.
t5j_gc_re='-XX:\+Use[A-Za-z0-9]*GC[[:space:]]'
if [[ "${T5J_GC:-auto}" != inherit && ! " ${T5J_JAVA_OPTS:-} ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " =~ $t5j_gc_re ]]
then
  T5J_GC_OPTS="-XX:+UseParallelGC"
else
  T5J_GC_OPTS=""
fi
unset t5j_gc_re
# Which OpenBLAS kernels (AVX-512 where the CPU has them): see the script.
source "$(dirname "${BASH_SOURCE[0]}")/openblas-env.sh"
