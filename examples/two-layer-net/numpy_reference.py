"""The classic two-layer network in NumPy, to check `javelin train --model two-layer-net` against.

    python3 numpy_reference.py OUT_DIR        # writes OUT_DIR/data/{x,y}.npy, OUT_DIR/init/{w1,w2}.npy
                                              # and OUT_DIR/numpy-loss.csv (step,loss)
    ./javelin train --model two-layer-net --data OUT_DIR/data --init OUT_DIR/init --steps 200 \
        --optimizer sgd --lr 1e-6 --backend interpreter --loss-csv OUT_DIR/javelin-loss.csv
    python3 numpy_reference.py --compare OUT_DIR/numpy-loss.csv OUT_DIR/javelin-loss.csv
"""
import os
import sys

import numpy as np


def make(out):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1000)).astype(np.float32)
    y = rng.standard_normal((64, 10)).astype(np.float32)
    w1 = rng.standard_normal((1000, 100)).astype(np.float32)
    w2 = rng.standard_normal((100, 10)).astype(np.float32)
    os.makedirs(f"{out}/data", exist_ok=True)
    os.makedirs(f"{out}/init", exist_ok=True)
    np.save(f"{out}/data/x.npy", x)
    np.save(f"{out}/data/y.npy", y)
    np.save(f"{out}/init/w1.npy", w1)
    np.save(f"{out}/init/w2.npy", w2)
    # The lecture's loop, in float64.
    x, y, w1, w2 = (a.astype(np.float64) for a in (x, y, w1, w2))
    with open(f"{out}/numpy-loss.csv", "w") as f:
        for t in range(200):
            h = x.dot(w1)
            h_relu = np.maximum(h, 0)
            y_pred = h_relu.dot(w2)
            loss = np.square(y_pred - y).sum()
            f.write(f"{t},{float(loss)!r}\n")
            grad_y_pred = 2.0 * (y_pred - y)
            grad_w2 = h_relu.T.dot(grad_y_pred)
            grad_h = grad_y_pred.dot(w2.T)
            grad_h[h < 0] = 0
            grad_w1 = x.T.dot(grad_h)
            w1 -= 1e-6 * grad_w1
            w2 -= 1e-6 * grad_w2


def compare(a, b):
    ref = np.loadtxt(a, delimiter=",")
    got = np.loadtxt(b, delimiter=",")
    rel = np.abs(got[:, 1] - ref[:, 1]) / np.abs(ref[:, 1])
    print(f"{len(ref)} steps, worst relative difference {rel.max():.3g} at step {int(rel.argmax())}")
    sys.exit(0 if len(ref) == len(got) and rel.max() < 1e-4 else 1)


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        make(sys.argv[1])
