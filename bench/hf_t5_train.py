"""Anchor for `t5j bench model --dropout P [--dtype bf16]`: the HF transformers T5 training step of
../shared/tools/anchors/bench_hf_t5.py (same random init, shapes, AdamW) with the model's dropout rate as given
(the anchor itself trains with dropout 0); `bf16` runs the forward and loss under
torch.autocast("cpu", dtype=torch.bfloat16), backward and optimizer outside it (PyTorch's AMP recipe). Benchmark
helper only (not part of the product, build or tests). Run with the anchor venv (torch 2.13 + transformers).
Usage: hf_t5_train.py PRESET batch in_len tgt_len steps threads dropout [fp32|bf16]"""
import contextlib, sys, time, torch
from transformers import T5Config, T5ForConditionalGeneration
preset, B, L1, L2, n, threads = sys.argv[1], *map(int, sys.argv[2:7])
dropout = float(sys.argv[7]); dtype = sys.argv[8] if len(sys.argv) > 8 else "fp32"
torch.set_num_threads(threads); torch.manual_seed(0)
cfgs = {"t5-small": dict(d_model=512, d_ff=2048, d_kv=64, num_heads=8, num_layers=6, feed_forward_proj="relu"),
        "t5-base": dict(d_model=768, d_ff=3072, d_kv=64, num_heads=12, num_layers=12, feed_forward_proj="relu")}
cfg = T5Config(vocab_size=32128, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1, dropout_rate=dropout,
               tie_word_embeddings=True, **cfgs[preset])
m = T5ForConditionalGeneration(cfg); m.train()
opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
ids = torch.randint(2, 32000, (B, L1)); labels = torch.randint(2, 32000, (B, L2)); times = []
for i in range(n + 1):
    t = time.time(); opt.zero_grad()
    ctx = torch.autocast("cpu", dtype=torch.bfloat16) if dtype == "bf16" else contextlib.nullcontext()
    with ctx:
        loss = m(input_ids=ids, labels=labels).loss
    loss.backward(); opt.step()
    if i: times.append(time.time() - t)
best = min(times)
print(f"hf torch {torch.__version__} {dtype} dropout={dropout} {preset} train batch={B} in={L1} tgt={L2} "
      f"threads={threads}: best step {best:.3f}s, {B*(L1+L2)/best:.0f} tokens/s")
