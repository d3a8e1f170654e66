# Test fixture maker (not part of t5j): a tiny random HF T5 and a PEFT LoRA adapter on it, with the logits PEFT
# computes, for LoraPeftTest. Run once with the anchor venv (../shared/tools/anchors/setup-venv.sh):
#   ~/anchor-venv/bin/python make_peft_fixture.py
import json, torch
from transformers import T5Config, T5ForConditionalGeneration
from peft import LoraConfig, get_peft_model

torch.manual_seed(0)
cfg = T5Config(vocab_size=64, d_model=16, d_kv=4, d_ff=32, num_layers=2, num_decoder_layers=2, num_heads=4,
               relative_attention_num_buckets=32, dropout_rate=0.0, feed_forward_proj="relu",
               tie_word_embeddings=True, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
base = T5ForConditionalGeneration(cfg).eval()
base.save_pretrained("peft-lora/base", safe_serialization=True)
lcfg = LoraConfig(r=4, lora_alpha=8, target_modules=["q", "v", "wo"],
        lora_dropout=0.0)  # no task_type: this peft+transformers 5 pair fails on SEQ_2_SEQ_LM
model = get_peft_model(base, lcfg)
with torch.no_grad():  # PEFT starts B at 0; give both factors values so the update shows in the logits
    for n, p in model.named_parameters():
        if "lora_" in n:
            p.normal_(0, 0.5)
model.save_pretrained("peft-lora/adapter")
ids = torch.tensor([[5, 17, 3, 29, 42, 7, 1]])
dec = torch.tensor([[0, 12, 9, 30, 4]])
with torch.no_grad():
    logits = model(input_ids=ids, decoder_input_ids=dec).logits[0]
json.dump({"input_ids": ids[0].tolist(), "decoder_input_ids": dec[0].tolist(), "logits": logits.tolist()},
          open("peft-lora/logits.json", "w"))
