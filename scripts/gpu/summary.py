#!/usr/bin/env python3
"""The last table of the GPU check: steps, tests, sanitizer errors, and Javelin-versus-PyTorch
ratios from the JSON files in the out folder. Tolerant by design: whatever is missing prints
"n/a" with the reason, and the script itself always exits 0.

    summary.py OUT_DIR
"""

import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET


class Missing(Exception):
    """A number that is not there; the message says why."""


def load(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        raise Missing(f"no {name}")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Missing(f"{name} unreadable: {e}")


def get(doc, name, *keys):
    value = doc
    for k in keys:
        if isinstance(value, dict) and k in value:
            value = value[k]
        elif isinstance(value, list) and isinstance(k, int) and -len(value) <= k < len(value):
            value = value[k]
        else:
            raise Missing(f"{name} has no {'.'.join(str(x) for x in keys)}")
    if value is None:
        raise Missing(f"{name}: {'.'.join(str(x) for x in keys)} is null")
    return value


def steps(out):
    rows = []
    path = os.path.join(out, "status.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 5:
                    rows.append(parts)
    return rows


def junit(out, folder):
    reports = glob.glob(os.path.join(out, folder, "TEST-*.xml"))
    if not reports:
        raise Missing(f"no JUnit reports in {folder}/")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for r in reports:
        try:
            root = ET.parse(r).getroot()
        except ET.ParseError as e:
            raise Missing(f"{os.path.basename(r)} unreadable: {e}")
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for s in suites:
            for k in totals:
                totals[k] += int(s.get(k, "0") or 0)
    failed = totals["failures"] + totals["errors"]
    passed = totals["tests"] - failed - totals["skipped"]
    return f"{passed} passed, {failed} failed, {totals['skipped']} skipped"


def sanitizer(out, log_name):
    path = os.path.join(out, log_name)
    if not os.path.exists(path):
        raise Missing(f"no {log_name} (step skipped or not started)")
    text = open(path, errors="replace").read()
    m = re.search(r"ERROR SUMMARY: (\d+) error", text)
    if m:
        return f"{m.group(1)} errors"
    m = re.search(r"RACECHECK SUMMARY: (\d+) hazards? displayed \((\d+) errors?, (\d+) warnings?\)", text)
    if m:
        return f"{m.group(2)} errors, {m.group(3)} warnings ({m.group(1)} hazards)"
    last = text.strip().splitlines()[-1] if text.strip() else "empty log"
    raise Missing(f"no sanitizer summary in {log_name}; its last line: {last[:160]}")


def num(x):
    """Whole numbers from 100 up, three significant digits below."""
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def ratio(a, b, what):
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or b == 0:
        raise Missing(f"{what}: not two numbers ({a!r}, {b!r})")
    return a / b


def pointwise_vs_copy(out):
    """The fused chain against the device copy of the same run (a generated one-op kernel), and
    against torch's clone."""
    j = load(out, "bench-pointwise.json")
    fused = get(j, "bench-pointwise.json", "fused_gbps")
    ours = get(j, "bench-pointwise.json", "copy_gbps")
    text = f"{num(fused)} GB/s fused = {num(100 * ratio(fused, ours, 'pointwise'))}% of the copy kernel ({num(ours)} GB/s)"
    try:
        torch_copy = get(load(out, "torch.json"), "torch.json", "copy", "gbps")
        text += f", {num(100 * ratio(fused, torch_copy, 'pointwise'))}% of torch clone ({num(torch_copy)} GB/s)"
    except Missing:
        pass
    return text


def reduce_vs_copy(out):
    """Row sum and max (one fused pass) against the device copy of the same run."""
    j = load(out, "bench-reduce.json")
    fused = get(j, "bench-reduce.json", "fused_gbps")
    ours = get(j, "bench-reduce.json", "copy_gbps")
    return f"{num(fused)} GB/s fused = {num(100 * ratio(fused, ours, 'reduce'))}% of the copy kernel ({num(ours)} GB/s)"


def gemm_vs_torch(out):
    """bench --matmul N against torch.mm at the same N (no TF32), the largest N both measured."""
    mm = {r["n"]: r["gflops"] for r in get(load(out, "torch.json"), "torch.json", "mm")}
    for n in (4096, 2048):
        try:
            ours = get(load(out, f"bench-matmul-{n}.json"), f"bench-matmul-{n}.json", "gflops")
        except Missing:
            continue
        if n in mm:
            return f"{num(ours)} GF/s vs torch.mm {num(mm[n])} GF/s at n={n} (no TF32) = {num(100 * ours / mm[n])}%"
    raise Missing("no bench-matmul-N.json with a torch.mm of the same N")


def step_vs_torch(out, bench_file, torch_key):
    j = load(out, bench_file)
    ours = get(j, bench_file, "fused", "median_ms")
    batch = j.get("batch", "?")
    theirs = get(load(out, "torch.json"), "torch.json", torch_key, "median_ms")
    tb = load(out, "torch.json")[torch_key].get("batch", "?")
    note = "" if batch == tb else f" (batches differ: {batch} vs {tb})"
    return (f"{num(ours)} ms Javelin vs {num(theirs)} ms torch eager: "
            f"Javelin {num(ratio(theirs, ours, 'step'))}x torch's speed{note}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "gpu-results"
    rows = []

    def add(label, fn, *args):
        try:
            rows.append((label, fn(*args)))
        except Missing as e:
            rows.append((label, f"n/a ({e})"))
        except Exception as e:  # the table must print whatever else went wrong
            rows.append((label, f"n/a ({type(e).__name__}: {e})"))

    add("GPU tests", junit, out, "junit")
    add("memcheck", sanitizer, out, "2a-memcheck.log")
    add("racecheck", sanitizer, out, "2b-racecheck.log")
    add("pointwise vs copy", pointwise_vs_copy, out)
    add("reduction vs copy", reduce_vs_copy, out)
    add("GEMM vs torch.mm", gemm_vs_torch, out)
    add("mnist-mlp train step", step_vs_torch, out, "bench-mnist-mlp.json", "mnist_mlp")
    add("transformer train step", step_vs_torch, out, "bench-transformer-block.json", "transformer_block")

    print("=== GPU check summary ===")
    for step, name, status, secs, note in steps(out):
        print(f"  step {step:<3} {name:<20} {status:<4} {secs:>4}s  {note}")
    print()
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(f"\nfull results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
