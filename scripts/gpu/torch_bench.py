#!/usr/bin/env python3
"""PyTorch baselines for the GPU check (scripts/gpu-check.sh), written as JSON.

    torch_bench.py --out OUT.json [--skip-transformer]

Measures on cuda:0, fp32 throughout:
  copy          device copy bandwidth: clone of a 256 MiB tensor, GB/s = 2 * bytes / time
                (read + write), CUDA events, median of 20 after warm-up
  mm            torch.mm GFLOP/s (2 n^3 / time) at n = 1024, 2048, 4096 with TF32 disabled, so it
                is the same fp32 arithmetic Javelin's kernels do
  mnist_mlp     one eager training step of test-models' MnistMlp: 784-512-256-10, ReLU,
                cross-entropy, Adam(lr 1e-3), batch 128; median ms of 200 steps after 20 warm-up
  transformer   one eager training step of test-models' TransformerBlock (see transformer_block())

Every section catches its own failure and records it under "errors", so one broken section does not
hide the others; the exit status is 1 when any section failed, 3 when torch or CUDA is missing.
"""

import argparse
import json
import math
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--skip-transformer", action="store_true", help="skip the transformer-block step")
    args = parser.parse_args()

    result = {"errors": {}}
    try:
        import torch
    except ImportError as e:
        result["errors"]["torch"] = f"PyTorch is not importable: {e}"
        write(args.out, result)
        print(f"torch_bench: skipped, PyTorch is not importable ({e})")
        return 3
    result["torch_version"] = torch.__version__
    result["cuda_version"] = torch.version.cuda
    if not torch.cuda.is_available():
        result["errors"]["cuda"] = "torch.cuda.is_available() is False (no GPU, or a CPU-only PyTorch build)"
        write(args.out, result)
        print("torch_bench: skipped, " + result["errors"]["cuda"])
        return 3
    result["device"] = torch.cuda.get_device_name(0)
    # Plain fp32 everywhere: no TF32 in matmuls or convolutions.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")

    sections = [("copy", copy_bandwidth), ("mm", matmuls), ("mnist_mlp", mnist_mlp)]
    if not args.skip_transformer:
        sections.append(("transformer_block", transformer_block))
    for name, fn in sections:
        try:
            result[name] = fn(torch)
            print(f"torch_bench: {name}: {json.dumps(result[name])}")
        except Exception as e:  # one failed section must not hide the others
            result["errors"][name] = f"{type(e).__name__}: {e}"
            print(f"torch_bench: {name} FAILED: {type(e).__name__}: {e}")
    write(args.out, result)
    return 1 if result["errors"] else 0


def write(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def event_ms(torch, fn, warmup, runs):
    """Median milliseconds of fn() between CUDA events, one measurement per call."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def copy_bandwidth(torch):
    nbytes = 256 << 20
    x = torch.empty(nbytes // 4, dtype=torch.float32, device="cuda").uniform_()
    ms = event_ms(torch, lambda: x.clone(), warmup=3, runs=20)
    return {"bytes": nbytes, "median_ms": ms, "gbps": 2 * nbytes / (ms * 1e-3) / 1e9}


def matmuls(torch):
    rows = []
    for n in (1024, 2048, 4096):
        a = torch.randn(n, n, device="cuda")
        b = torch.randn(n, n, device="cuda")
        reps = max(1, (4096 // n) ** 2)  # several small multiplies per event pair: events resolve ~0.5 us
        def run():
            for _ in range(reps):
                torch.mm(a, b)
        ms = event_ms(torch, run, warmup=3, runs=10) / reps
        rows.append({"n": n, "median_ms": ms, "gflops": 2 * n**3 / (ms * 1e-3) / 1e9})
    return rows


def step_ms(torch, model, batch_fn, loss_fn, lr, warmup=20, runs=200):
    """Median wall milliseconds of one training step (zero_grad, forward, loss, backward, Adam),
    synchronizing after each step so a step's time is what a training loop pays for it."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    inputs, target = batch_fn()
    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), target)
        loss.backward()
        opt.step()
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), min(times)


def mnist_mlp(torch):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10)).cuda()
    batch = 128
    def data():
        return torch.randn(batch, 784, device="cuda"), torch.randint(0, 10, (batch,), device="cuda")
    median, best = step_ms(torch, model, data, nn.functional.cross_entropy, lr=1e-3)
    return {"batch": batch, "median_ms": median, "min_ms": best, "steps": 200}


def transformer_block(torch):
    """test-models' TransformerBlock: pre-norm, h = x + attn(ln1(x)), out = h + mlp(ln2(h)); seq 8,
    dim 32, 4 heads (head dim 8), Linear layers with bias, LayerNorm eps 1e-5, exact (erf) GELU, MLP
    width 128, mean squared error against a target of the same shape, Adam; batch 256 (the bench
    command's default). Differences: attention is written out as matmul, scale, softmax, matmul like
    the Javelin model (not scaled_dot_product_attention), and torch.optim.Adam is the default foreach
    implementation, not fused into one step the way Javelin compiles it. lr 1e-3 (Javelin's bench
    feeds 1e-4; the rate does not change the work)."""
    nn = torch.nn
    seq, dim, heads = 8, 32, 4

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(dim, eps=1e-5)
            self.q = nn.Linear(dim, dim)
            self.k = nn.Linear(dim, dim)
            self.v = nn.Linear(dim, dim)
            self.proj = nn.Linear(dim, dim)
            self.ln2 = nn.LayerNorm(dim, eps=1e-5)
            self.up = nn.Linear(dim, 4 * dim)
            self.down = nn.Linear(4 * dim, dim)

        def heads(self, t):
            return t.reshape(t.shape[0], seq, heads, dim // heads).permute(0, 2, 1, 3)

        def attention(self, x):
            hd = dim // heads
            q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
            scores = q.matmul(k.transpose(-1, -2)) / math.sqrt(hd)
            out = torch.softmax(scores, dim=-1).matmul(v)
            return self.proj(out.permute(0, 2, 1, 3).reshape(x.shape[0], seq, dim))

        def forward(self, x):
            h = x + self.attention(self.ln1(x))
            return h + self.down(nn.functional.gelu(self.up(self.ln2(h))))

    torch.manual_seed(0)
    model = Block().cuda()
    batch = 256
    def data():
        return torch.randn(batch, seq, dim, device="cuda"), torch.randn(batch, seq, dim, device="cuda")
    median, best = step_ms(torch, model, data, nn.functional.mse_loss, lr=1e-3)
    return {"batch": batch, "median_ms": median, "min_ms": best, "steps": 200}


if __name__ == "__main__":
    sys.exit(main())
