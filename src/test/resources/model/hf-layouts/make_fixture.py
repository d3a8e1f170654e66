# Test-fixture generator (never part of t5j): tiny random T5 folders written by HF transformers 4 and 5, and the
# log-probs those libraries give, for HfLayoutsTest. Run twice, from this folder:
#   PYTHONPATH=<transformers 4.57.6> python make_fixture.py hf4    # v1.0 (tied, rescaled) and v1.1 (untied) folders
#   python make_fixture.py hf5                                      # with transformers 5.18 (the anchor venv)
# hf5 writes a fresh v1.1-style model (saved as tie_word_embeddings=true, scale_decoder_outputs=false, shared only) and
# re-saves the two hf4 folders (the v1.1 one keeps lm_head.weight beside tie_word_embeddings=true).
import json, sys
import torch, transformers
from transformers import T5Config, T5ForConditionalGeneration

mode = sys.argv[1]
SIZE = dict(vocab_size=96, d_model=16, d_kv=8, d_ff=32, num_layers=2, num_heads=2, dropout_rate=0.0,
            decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
INPUT = torch.tensor([[5, 17, 42, 9, 1], [33, 8, 1, 0, 0]])
MASK = (INPUT != 0).long()
LABELS = torch.tensor([[12, 60, 7, 1], [90, 3, 44, 1]])


def log_probs(model):
    model.eval()
    with torch.no_grad():
        logits = model(input_ids=INPUT, attention_mask=MASK, labels=LABELS).logits
    lp = torch.log_softmax(logits.double(), -1).gather(-1, LABELS.unsqueeze(-1)).squeeze(-1)
    return lp.tolist()


out = {"transformers": transformers.__version__, "input_ids": INPUT.tolist(), "labels": LABELS.tolist(), "log_probs": {}}
if mode == "hf4":
    assert transformers.__version__.startswith("4."), transformers.__version__
    for name, proj, tie, seed in [("hf4-v1_0", "relu", True, 0), ("hf4-v1_1", "gated-gelu", False, 1)]:
        torch.manual_seed(seed)
        m = T5ForConditionalGeneration(T5Config(feed_forward_proj=proj, tie_word_embeddings=tie, **SIZE))
        m.save_pretrained(name)
        out["log_probs"][name] = log_probs(m)
else:
    assert transformers.__version__.startswith("5."), transformers.__version__
    torch.manual_seed(2)
    m = T5ForConditionalGeneration(T5Config(feed_forward_proj="gated-gelu", tie_word_embeddings=False, **SIZE))
    m.save_pretrained("hf5-v1_1")
    out["log_probs"]["hf5-v1_1"] = log_probs(m)
    for src, dst in [("hf4-v1_0", "hf5-v1_0"), ("hf4-v1_1", "hf5-v1_1-lm_head")]:
        m = T5ForConditionalGeneration.from_pretrained(src)
        m.save_pretrained(dst)
        out["log_probs"][dst] = log_probs(T5ForConditionalGeneration.from_pretrained(dst))
with open("expected-" + mode + ".json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
