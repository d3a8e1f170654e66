"""Anchor for `bench/compare.sh` (never part of t5j): HF transformers T5ForConditionalGeneration.generate on PyTorch
CPU, fp32, random init of a preset config, exactly NEW tokens per sequence (min_new_tokens = max_new_tokens), greedy
or beam search with the KV cache; best of 3 timed runs after one warm-up, the span t5j's `bench decode` times.
The same model configs and timing as ../shared/tools/anchors/bench_hf_t5.py `gen`, plus a beam count, and DTYPE bf16
(the model cast to bfloat16, as t5j's `--dtype bf16` holds its weights; default fp32).
Usage: hf_generate.py PRESET BATCH IN_LEN NEW BEAMS THREADS [DTYPE]"""
import sys, time, torch
from transformers import T5Config, T5ForConditionalGeneration
preset, B, L1, L2, beams, threads = sys.argv[1], *map(int, sys.argv[2:7])
dtype = sys.argv[7] if len(sys.argv) > 7 else "fp32"
assert dtype in ("fp32", "bf16"), f"DTYPE must be fp32 or bf16, got {dtype}"
torch.set_num_threads(threads); torch.manual_seed(0)
cfgs = {"t5-small": dict(d_model=512, d_ff=2048, d_kv=64, num_heads=8, num_layers=6, feed_forward_proj="relu",
                         tie_word_embeddings=True),
        "t5-base": dict(d_model=768, d_ff=3072, d_kv=64, num_heads=12, num_layers=12, feed_forward_proj="relu",
                        tie_word_embeddings=True)}
cfg = T5Config(vocab_size=32128, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1, dropout_rate=0.0,
               **cfgs[preset])
m = T5ForConditionalGeneration(cfg).eval()
if dtype == "bf16":
    m = m.to(torch.bfloat16)
ids = torch.randint(2, 32000, (B, L1))
with torch.inference_mode():
    kw = dict(max_new_tokens=L2, min_new_tokens=L2, do_sample=False, num_beams=beams, use_cache=True)
    m.generate(ids, **kw); times = []
    for _ in range(3):
        t = time.time(); m.generate(ids, **kw); times.append(time.time() - t)
best = min(times)
kind = "greedy" if beams == 1 else f"beam{beams}"
print(f"hf torch {torch.__version__} {preset} {kind} batch={B} in={L1} new={L2} threads={threads}"
      f"{' dtype=bf16' if dtype == 'bf16' else ''}: "
      f"best {best:.3f} s, {B * L2 / best:.1f} tokens/s, {1000 * best / L2:.1f} ms/step")
