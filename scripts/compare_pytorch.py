"""Javelin against PyTorch eager on the CPU, the same models and shapes, in one run.

Run through scripts/compare-pytorch, which installs PyTorch (CPU) when missing and builds Javelin.
For each case it runs `javelin bench` (fused and unfused, alternating, medians) and the same step in
PyTorch eager with the same number of threads, one case after the other, and prints the table with
the ratio Javelin fused / PyTorch (below 1.0: Javelin is faster). PyTorch is a measuring stick only:
nothing of Javelin or of its tests depends on it.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import torch
from torch import nn

# (model, train, optimizer, batch): the rows of issue 16's table
CASES = [
    ("mnist-mlp", True, "sgd", 256),
    ("mnist-mlp", True, "adam", 256),
    ("mnist-mlp", True, "adam", 32),
    ("lenet5", True, "adam", 128),
    ("transformer-block", True, "adam", 256),
    ("mnist-mlp", False, None, 1),
    ("mnist-mlp", False, None, 32),
    ("mnist-mlp", False, None, 256),
    ("lenet5", False, None, 128),
    ("transformer-block", False, None, 256),
]


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 512), nn.Linear(512, 256), nn.Linear(256, 10)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        h = nn.functional.max_pool2d(torch.relu(self.conv1(x.reshape(-1, 1, 28, 28))), 2)
        h = nn.functional.max_pool2d(torch.relu(self.conv2(h)), 2)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(h.flatten(1))))))


class Block(nn.Module):
    """test-models' TransformerBlock: pre-norm, 4 heads, dim 32, sequence 8, exact (erf) GELU."""

    SEQ, DIM, HEADS = 8, 32, 4

    def __init__(self):
        super().__init__()
        d = self.DIM
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.proj = (nn.Linear(d, d) for _ in range(4))
        self.up, self.down = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def heads(self, t):
        return t.reshape(-1, self.SEQ, self.HEADS, self.DIM // self.HEADS).permute(0, 2, 1, 3)

    def attention(self, x):
        hd = self.DIM // self.HEADS
        q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
        scores = q @ k.transpose(-1, -2) / hd**0.5
        out = torch.softmax(scores, -1) @ v
        return self.proj(out.permute(0, 2, 1, 3).reshape(-1, self.SEQ, self.DIM))

    def forward(self, x):
        h = x + self.attention(self.ln1(x))
        return h + self.down(nn.functional.gelu(self.up(self.ln2(h))))


def make(model, batch):
    """The network, a batch, and its loss function."""
    g = torch.Generator().manual_seed(0)
    if model == "transformer-block":
        net = Block()
        x = torch.randn(batch, Block.SEQ, Block.DIM, generator=g)
        y = torch.randn(batch, Block.SEQ, Block.DIM, generator=g)
        return net, x, y, nn.functional.mse_loss
    net = Mlp() if model == "mnist-mlp" else LeNet5()
    x = torch.rand(batch, 784, generator=g)
    y = torch.randint(0, 10, (batch,), generator=g)
    return net, x, y, nn.functional.cross_entropy


def time_torch(model, train, optimizer, batch, runs, warmup):
    net, x, y, loss_fn = make(model, batch)
    if train:
        opt = torch.optim.SGD(net.parameters(), lr=1e-4) if optimizer == "sgd" else torch.optim.Adam(
            net.parameters(), lr=1e-4)

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(net(x), y).backward()
            opt.step()
    else:
        net.eval()

        def step():
            with torch.inference_mode():
                net(x)
    for _ in range(warmup):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        step()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return statistics.median(times), min(times), max(times)


def time_javelin(javelin, model, train, optimizer, batch, runs, warmup, threads):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.json")
        args = [javelin, "bench", "--model", model, "--batch", str(batch), "--runs", str(runs), "--warmup",
                str(warmup), "--threads", str(threads), "--json", out]
        if train:
            args += ["--train", "--optimizer", optimizer]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"compare-pytorch: {' '.join(args)} failed:\n{r.stderr}")
        j = json.load(open(out))
    f, u = j["fused"], j["unfused"]
    return (f["median_ms"], f["min_ms"], f["max_ms"]), (u["median_ms"], u["min_ms"], u["max_ms"])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--javelin", required=True, help="the javelin launcher")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--json", help="also write the rows as JSON")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"Javelin against PyTorch {torch.__version__} eager, {a.threads} threads each, {a.runs} timed runs after"
          f" {a.warmup} warm-up; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(f"{'case':<36} {'Javelin fused ms':>22} {'unfused ms':>12} {'PyTorch ms':>22} {'ratio':>6}")
    rows = []
    for model, train, optimizer, batch in CASES:
        name = f"{model} {'train ' + optimizer if train else 'inference'} b{batch}"
        fused, unfused = time_javelin(a.javelin, model, train, optimizer, batch, a.runs, a.warmup, a.threads)
        eager = time_torch(model, train, optimizer, batch, a.runs, a.warmup)
        ratio = fused[0] / eager[0]
        rows.append({"case": name, "javelin_fused_ms": fused, "javelin_unfused_ms": unfused, "pytorch_ms": eager,
                     "ratio": ratio})
        print(f"{name:<36} {fused[0]:8.3f} ({fused[1]:.3f}-{fused[2]:.3f}) {unfused[0]:12.3f}"
              f" {eager[0]:8.3f} ({eager[1]:.3f}-{eager[2]:.3f}) {ratio:6.2f}", flush=True)
    print("(ms: median (min-max); ratio: Javelin fused median / PyTorch median, below 1.0 Javelin is faster)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": a.threads, "runs": a.runs, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
