"""Optimizer step cost on the MNIST MLP of note 004 (784-256-64-10): Ember vs PyTorch.

Only ``optimizer.step()`` is timed (gradients are filled once, identically), interleaved in
one process; the ratio is ember / torch (target: <= 1.0).

    python bench/bench_optim.py
"""

from __future__ import annotations

import sys

import numpy as np
from _timing import compare

import ember

try:
    import torch
except ImportError:
    sys.exit("bench_optim needs PyTorch for the comparison: pip install torch==2.13.0")

SHAPES = [(256, 784), (256,), (64, 256), (64,), (10, 64), (10,)]
CASES = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("Adam", dict(lr=1e-3)),
    ("AdamW", dict(lr=1e-3)),
    ("RMSprop", dict(lr=1e-3)),
    ("Adagrad", dict(lr=1e-2)),
]


def make(lib, name, kwargs):
    rng = np.random.default_rng(0)
    params = []
    for s in SHAPES:
        p = lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
        p.grad = lib.tensor(rng.standard_normal(s).astype(np.float32) * 1e-3)
        params.append(p)
    return getattr(lib.optim, name)(params, **kwargs)


def main() -> None:
    torch.set_num_threads(2)
    print(f"{'optimizer':34} {'ember':>10} {'torch':>10} {'ratio':>7}")
    for name, kwargs in CASES:
        e, t = make(ember, name, kwargs), make(torch, name, kwargs)
        em, tm = compare(e.step, t.step, 30, 7, warmup=5)
        label = f"{name}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        print(f"{label:34} {em * 1e6:8.0f}us {tm * 1e6:8.0f}us {em / tm:7.2f}")


if __name__ == "__main__":
    main()
