"""Javelin against PyTorch on this machine's CPU for a language model: GPT-2 small's shape (124M,
random weights), greedy decoding with a key/value cache at batch 1, and (--train) a training step,
in one run.

For each side: a prompt of P tokens, then N new tokens; the prefill (the prompt's step) and the
decode (tokens per second after the first new token) are timed separately. PyTorch runs
`transformers`' GPT2LMHeadModel eagerly (its own KV cache) with torch.set_num_threads(T); Javelin
runs `javelin generate --config gpt2` (its prefill and decode programs, compiled for the CPU). Each
side is run R times and the median decode rate is reported, with the spread.

With --train: one AdamW step (weight decay 0.1, gradients clipped at 1.0) of batch B windows of S
tokens of next-token cross-entropy; PyTorch eager (and torch.compile with --compile), against
`javelin train --model gpt2 --config gpt2 --data brown` (its per-step times; needs
scripts/fetch-brown and scripts/fetch-gpt2-vocab). Medians over the steps after the first.

PyTorch and transformers are measuring sticks only; nothing of Javelin or its tests needs them.
"""
import argparse
import re
import statistics
import subprocess
import sys
import time


def torch_decode(prompt, new, threads, runs):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    ids = torch.tensor([prompt])
    rates, prefills = [], []
    with torch.no_grad():
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            out = model(ids, use_cache=True)
            past = out.past_key_values
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            t1 = time.perf_counter()
            for _ in range(new - 1):
                out = model(token, past_key_values=past, use_cache=True)
                past = out.past_key_values
                token = out.logits[:, -1].argmax(-1, keepdim=True)
            t2 = time.perf_counter()
            prefills.append(len(prompt) / (t1 - t0))
            rates.append((new - 1) / (t2 - t1))
    return prefills[1:], rates[1:]  # the first run warms up


def javelin_decode(javelin, prompt, new, threads, runs):
    rates, prefills = [], []
    for _ in range(runs):
        r = subprocess.run(
            [javelin, "generate", "--config", "gpt2", "--prompt-ids", ",".join(map(str, prompt)),
             "--max-new-tokens", str(new), "--threads", str(threads)],
            capture_output=True, text=True, check=True)
        m = re.search(r"prefill: \d+ tokens in [0-9.]+ ms \((\d+) tokens/s\); decode: \d+ tokens in [0-9.]+ ms "
                      r"\((\d+) tokens/s\)", r.stderr)
        if not m:
            sys.exit("compare_llm: no rates in javelin's output:\n" + r.stderr)
        prefills.append(float(m.group(1)))
        rates.append(float(m.group(2)))
    return prefills, rates


def torch_train(batch, seq, threads, steps, compile_it):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, 50257, (batch, seq + 1))

    def step():
        out = model(ids[:, :-1])
        loss = torch.nn.functional.cross_entropy(out.logits.reshape(-1, 50257), ids[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    if compile_it:
        step = torch.compile(step)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return times[1:]


def javelin_train(javelin, batch, seq, threads, steps):
    r = subprocess.run(
        [javelin, "train", "--model", "gpt2", "--config", "gpt2", "--data", "brown", "--steps", str(steps),
         "--batch", str(batch), "--seq", str(seq)],  # train's pool: one thread per processor
        capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("compare_llm: javelin train failed:\n" + r.stdout + r.stderr)
    at = [float(x) for x in re.findall(r"step \d+/\d+ loss [0-9.]+ \(([0-9.]+)s\)", r.stdout + r.stderr)]
    return [b - a for a, b in zip(at, at[1:])]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--javelin", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--new", type=int, default=128, help="new tokens per generation")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--train", action="store_true", help="time a training step instead of decoding")
    p.add_argument("--compile", action="store_true", help="with --train: also torch.compile's step")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--steps", type=int, default=4, help="with --train: steps per side (the first is dropped)")
    a = p.parse_args()
    if a.train:
        train(a)
        return
    prompt = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13] * 3  # 30 tokens
    tp, td = torch_decode(prompt, a.new, a.threads, a.runs)
    jp, jd = javelin_decode(a.javelin, prompt, a.new, a.threads, a.runs)

    def show(name, xs):
        return f"{name}: median {statistics.median(xs):.1f} tokens/s (min {min(xs):.1f}, max {max(xs):.1f})"

    print(f"GPT-2 124M (random weights), batch 1, prompt {len(prompt)}, {a.new} new tokens, {a.threads} threads, "
          f"{a.runs} runs each")
    print("  " + show("PyTorch eager prefill", tp))
    print("  " + show("Javelin prefill      ", jp))
    print("  " + show("PyTorch eager decode ", td))
    print("  " + show("Javelin decode       ", jd))
    print(f"  decode: Javelin / PyTorch = {statistics.median(jd) / statistics.median(td):.2f}x the tokens per second")


def train(a):
    rows = [("PyTorch eager", torch_train(a.batch, a.seq, a.threads, a.steps, False))]
    if a.compile:
        rows.append(("PyTorch torch.compile", torch_train(a.batch, a.seq, a.threads, a.steps + 1, True)[1:]))
    rows.append(("Javelin", javelin_train(a.javelin, a.batch, a.seq, a.threads, a.steps)))
    print(f"GPT-2 124M training step (AdamW, clipped), batch {a.batch}, seq {a.seq}, {a.threads} threads, "
          f"{a.steps - 1} timed steps each")
    base = statistics.median(rows[0][1])
    for name, xs in rows:
        m = statistics.median(xs)
        print(f"  {name:22s} median {m:.2f} s (min {min(xs):.2f}, max {max(xs):.2f})  {m / base:.2f}x eager's time")


if __name__ == "__main__":
    main()
