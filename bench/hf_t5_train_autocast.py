"""Anchor for t5j's bf16 training (`t5j bench model --dropout 0 --dtype bf16`): bench/hf_t5_train.py with dropout 0
and the forward and loss under torch.autocast("cpu", dtype=torch.bfloat16), backward and optimizer outside it
(PyTorch's AMP recipe). Kept so that the commands in BENCHMARKS.md still run. Benchmark helper only (not part of the
product, build or tests). Run with the anchor venv (torch 2.13 + transformers).
Usage: hf_t5_train_autocast.py PRESET batch in_len tgt_len steps threads"""
import os, runpy, sys
sys.argv = [sys.argv[0], *sys.argv[1:7], "0", "bf16"]
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hf_t5_train.py"), run_name="__main__")
