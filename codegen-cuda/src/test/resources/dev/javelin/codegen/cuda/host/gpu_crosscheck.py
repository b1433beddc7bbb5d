#!/usr/bin/env python3
"""Cross-checks the host harness against a real GPU on kernels.cu (a manual check, not a test).

  gpu_crosscheck.py cases DIR             write DIR/<case>.mem, .launch, .check
  gpu_crosscheck.py run PROGRAM DIR OUT   run every case with PROGRAM (host or GPU), results in OUT
  gpu_crosscheck.py compare DIR A B       compare the results in A and B region by region

The GPU side needs only the driver: run it as `for c in DIR/*.launch; do ...; done` where Python is
missing (see docs/cuda-host-harness.md). Integer and shuffle results must match bit for bit;
float results within a relative 1e-5 (libm and CUDA's math differ by an ulp or two).
"""
import json
import os
import random
import shutil
import struct
import subprocess
import sys

HEADER = 64


def align(n):
    return (n + 255) // 256 * 256


def floats(rng, n):
    return [rng.uniform(-2.0, 2.0) for _ in range(n)]


def case(name, header, arrays, size, launches, checks):
    """arrays: (offset, 'f'|'i', values); checks: (offset, count, fmt, tolerance)."""
    mem = bytearray(size)
    struct.pack_into("<%di" % len(header), mem, 0, *header)
    for offset, fmt, values in arrays:
        struct.pack_into("<%d%s" % (len(values), fmt), mem, offset, *values)
    return name, bytes(mem), "".join(line + "\n" for line in launches), checks


def cases():
    rng = random.Random(7)
    out = []
    n = 4097
    out.append(case("pointwise", [n, HEADER, HEADER + align(4 * n)], [(HEADER, "f", floats(rng, n))],
                    HEADER + 2 * align(4 * n), ["pointwise_affine 2 1 1 256 1 1 0"],
                    [(HEADER + align(4 * n), n, "f", 1e-6)]))
    rows, cols = 7, 333
    x_end = HEADER + align(4 * rows * cols)
    out.append(case("row_sum", [rows, cols, HEADER, x_end], [(HEADER, "f", floats(rng, rows * cols))],
                    x_end + align(4 * rows), ["row_sum 7 1 1 96 1 1 0"], [(x_end, rows, "f", 1e-5)]))
    m, nn, k = 37, 29, 45
    a, b = HEADER, HEADER + align(4 * m * k)
    c = b + align(4 * k * nn)
    out.append(case("matmul", [m, nn, k, a, b, c], [(a, "f", floats(rng, m * k)), (b, "f", floats(rng, k * nn))],
                    c + align(4 * m * nn), ["matmul_tiled 2 3 1 16 16 1 0"], [(c, m * nn, "f", 1e-5)]))
    t = 64
    offs = [0, HEADER, HEADER + 4 * t, HEADER + 8 * t, HEADER + 12 * t, HEADER + 20 * t, HEADER + 28 * t]
    out.append(case("butterfly", offs, [], HEADER + 32 * t, ["butterfly 1 1 1 64 1 1 0"],
                    [(HEADER, 32 * t // 4, "I", 0)]))
    out.append(case("early_exit", [80, HEADER], [], HEADER + 4 * 3 * 80, ["early_exit 3 1 1 128 1 1 0"],
                    [(HEADER, 240, "I", 0)]))
    n = 256
    out.append(case("reverse_dynamic", [n, HEADER, HEADER + align(4 * n)], [(HEADER, "f", floats(rng, n))],
                    HEADER + 2 * align(4 * n), ["reverse_dynamic 4 1 1 64 1 1 256"],
                    [(HEADER + align(4 * n), n, "I", 0)]))
    offs = [0, HEADER, HEADER + 128, HEADER + 256, HEADER + 320, HEADER + 320 + 4 * t, HEADER + 320 + 12 * t,
            HEADER + 320 + 20 * t]
    out.append(case("builtins", offs, [], offs[7] + 4 * t, ["builtins 2 1 1 64 1 1 0"],
                    [(offs[1], 23, "f", 1e-5), (offs[2], 15, "d", 1e-12), (offs[3], 16, "I", 0),
                     (offs[4], (offs[7] + 4 * t - offs[4]) // 4, "I", 0)]))
    return out


def write_cases(directory):
    os.makedirs(directory, exist_ok=True)
    for name, mem, launches, checks in cases():
        with open(os.path.join(directory, name + ".mem"), "wb") as f:
            f.write(mem)
        with open(os.path.join(directory, name + ".launch"), "w") as f:
            f.write(launches)
        with open(os.path.join(directory, name + ".check"), "w") as f:
            json.dump(checks, f)


def run(program, directory, out):
    os.makedirs(out, exist_ok=True)
    for name in sorted(f[:-7] for f in os.listdir(directory) if f.endswith(".launch")):
        result = os.path.join(out, name + ".mem")
        shutil.copyfile(os.path.join(directory, name + ".mem"), result)
        subprocess.run([program, result, os.path.join(directory, name + ".launch")], check=True)


def compare(directory, a, b):
    failures = 0
    for name in sorted(f[:-6] for f in os.listdir(directory) if f.endswith(".check")):
        with open(os.path.join(directory, name + ".check")) as f:
            checks = json.load(f)
        left = open(os.path.join(a, name + ".mem"), "rb").read()
        right = open(os.path.join(b, name + ".mem"), "rb").read()
        worst = 0.0
        for offset, count, fmt, tolerance in checks:
            xs = struct.unpack_from("<%d%s" % (count, fmt), left, offset)
            ys = struct.unpack_from("<%d%s" % (count, fmt), right, offset)
            for i, (x, y) in enumerate(zip(xs, ys)):
                if x == y:
                    continue
                error = abs(x - y) / max(1.0, abs(x), abs(y))
                worst = max(worst, error)
                if not error <= tolerance:  # a NaN on one side only is a mismatch too
                    failures += 1
                    if failures < 20:
                        print("%s: offset %d element %d: %r vs %r" % (name, offset, i, x, y))
        print("%-16s worst relative difference %.3g" % (name, worst))
    print("MISMATCHES %d" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "cases" and len(sys.argv) == 3:
        write_cases(sys.argv[2])
    elif mode == "run" and len(sys.argv) == 5:
        run(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "compare" and len(sys.argv) == 5:
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        sys.exit(__doc__)
