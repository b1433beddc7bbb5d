"""Writes the tiny Llama fixture of LlamaTest: a random-init LlamaForCausalLM saved by Hugging Face
transformers (save_pretrained: config.json + model.safetensors), ids, and its logits and greedy
continuation. Grouped-query attention (4 heads, 2 key/value heads), SwiGLU, RMSNorm, rotary
embeddings, untied output layer. Run: python3 llama-tiny.py OUT_DIR"""
import os, sys
import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM

out = sys.argv[1]
torch.manual_seed(20261207)
cfg = LlamaConfig(vocab_size=320, hidden_size=32, intermediate_size=80, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                  rms_norm_eps=1e-6, rope_theta=10000.0, tie_word_embeddings=False,
                  attention_bias=False, mlp_bias=False, bos_token_id=None, eos_token_id=None,
                  pad_token_id=None)
model = LlamaForCausalLM(cfg).eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name:
            p.copy_(1 + 0.5 * torch.randn_like(p))
        else:
            p.mul_(8.0)
model.save_pretrained(os.path.join(out, "model"), safe_serialization=True)
g = np.random.default_rng(11)
ids = g.integers(0, cfg.vocab_size, size=(2, 10)).astype(np.int64)
with torch.no_grad():
    logits = model(torch.from_numpy(ids)).logits.numpy().astype(np.float32)
np.save(os.path.join(out, "ids.npy"), ids)
np.save(os.path.join(out, "logits.npy"), logits)
with torch.no_grad():
    gen = model.generate(torch.from_numpy(ids[:1, :4]), max_new_tokens=50, do_sample=False, pad_token_id=0)
np.save(os.path.join(out, "greedy.npy"), gen.numpy().astype(np.int64))
print(logits.shape, float(np.abs(logits).max()), gen.numpy().tolist())
