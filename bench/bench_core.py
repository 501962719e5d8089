"""Core benchmark: Ember vs PyTorch in the same process, interleaved, reported as ratios.

The machines are shared and noisy, so each case alternates Ember and PyTorch runs and reports
the ratio of the medians (ember / torch); absolute times are shown only for orientation.

    python bench/bench_core.py            # all cases
    python bench/bench_core.py --quick    # fewer repeats
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from _timing import compare

import ember

try:
    import torch
except ImportError:
    sys.exit("bench_core needs PyTorch for the comparison: pip install torch==2.13.0")

# Targets from issue 2 (ember/torch time ratio).
TARGETS = {
    "a + b (small, no grad)": 2.5,
    "tiny graph ((x*2+1)*x).sum().backward()": 1.0,
    "import": 0.1,
    "add 1e6 float32": 1.3,
    "exp 1e6 float32": 1.3,
    "sum 1e6 float32": 1.3,
    "mean(dim=1) 1000x1000": 1.3,
    "matmul 1024x1024 float32": 1.1,
}


def cases():
    """(name, ember callable, torch callable, calls per round)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(8, np.float32), rng.standard_normal(8, np.float32)
    ea, eb, ta, tb = ember.tensor(a), ember.tensor(b), torch.tensor(a), torch.tensor(b)
    yield "a + b (small, no grad)", lambda: ea + eb, lambda: ta + tb, 20000

    ex = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    tx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def e_tiny():
        ((ex * 2 + 1) * ex).sum().backward()

    def t_tiny():
        ((tx * 2 + 1) * tx).sum().backward()

    yield "tiny graph ((x*2+1)*x).sum().backward()", e_tiny, t_tiny, 2000

    big = rng.standard_normal(1_000_000, np.float32)
    big2 = rng.standard_normal(1_000_000, np.float32)
    eb1, eb2 = ember.tensor(big), ember.tensor(big2)
    tb1, tb2 = torch.tensor(big), torch.tensor(big2)
    yield "add 1e6 float32", lambda: eb1 + eb2, lambda: tb1 + tb2, 50
    yield "exp 1e6 float32", lambda: eb1.exp(), lambda: tb1.exp(), 20
    yield "sum 1e6 float32", lambda: eb1.sum(), lambda: tb1.sum(), 50
    m = rng.standard_normal((1000, 1000), np.float32)
    em, tm = ember.tensor(m), torch.tensor(m)
    yield "mean(dim=1) 1000x1000", lambda: em.mean(dim=1), lambda: tm.mean(dim=1), 50
    mm = rng.standard_normal((1024, 1024), np.float32)
    emm, tmm = ember.tensor(mm), torch.tensor(mm)
    yield "matmul 1024x1024 float32", lambda: emm @ emm, lambda: tmm @ tmm, 5


def import_time(module: str, repeats: int) -> float:
    """Median wall time of ``python -c 'import module'`` in a fresh interpreter, with bytecode
    caching on (as in a normal install; a first untimed run writes the .pyc files)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = [sys.executable, "-c", f"import {module}"]
    subprocess.run(cmd, check=True, env=env)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    rounds = 3 if args.quick else 7
    torch.set_num_threads(2)
    print(f"{'case':44} {'ember':>11} {'torch':>11} {'ratio':>7} {'target':>7}")
    rows = []
    for name, e_fn, t_fn, number in cases():
        if args.quick:
            number = max(1, number // 5)
        e, t = compare(e_fn, t_fn, number, rounds)
        rows.append((name, e, t))
    base = import_time("sys", 3)
    e_imp, t_imp = import_time("ember", 5) - base, import_time("torch", 5) - base
    rows.append(("import", e_imp, t_imp))
    for name, e, t in rows:
        ratio = e / t
        target = TARGETS.get(name)
        flag = "" if target is None or ratio <= target else "  (over target)"
        print(f"{name:44} {e * 1e6:9.1f}us {t * 1e6:9.1f}us {ratio:7.2f} {target:>7}{flag}")


if __name__ == "__main__":
    main()
