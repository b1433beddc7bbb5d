"""Writes the tiny GPT-2 fixture of GptTest: a random-init GPT2LMHeadModel saved by Hugging Face
transformers (save_pretrained: config.json + model.safetensors), ids, and its logits and greedy
continuation. Run: python3 gpt2-tiny.py OUT_DIR"""
import json, sys, os
import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel

out = sys.argv[1]
torch.manual_seed(20261207)
cfg = GPT2Config(vocab_size=384, n_positions=64, n_embd=32, n_layer=2, n_head=4,
                 activation_function="gelu_new", layer_norm_epsilon=1e-5,
                 resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
model = GPT2LMHeadModel(cfg).eval()
# larger weights than the 0.02 init, so the logits are not all near zero
with torch.no_grad():
    for p in model.parameters():
        p.mul_(5.0)
model.save_pretrained(os.path.join(out, "model"), safe_serialization=True)
g = np.random.default_rng(7)
ids = g.integers(0, cfg.vocab_size, size=(2, 12)).astype(np.int64)
with torch.no_grad():
    logits = model(torch.from_numpy(ids)).logits.numpy().astype(np.float32)
np.save(os.path.join(out, "ids.npy"), ids)
np.save(os.path.join(out, "logits.npy"), logits)
with torch.no_grad():
    gen = model.generate(torch.from_numpy(ids[:1, :5]), max_new_tokens=50, do_sample=False,
                         pad_token_id=0, eos_token_id=None)
np.save(os.path.join(out, "greedy.npy"), gen.numpy().astype(np.int64))
print(logits.shape, float(np.abs(logits).max()), gen.numpy().tolist())
