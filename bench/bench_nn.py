"""Training-step speed of nn layers: Ember vs PyTorch, interleaved in one process.

Each case is one full step (zero_grad, forward, loss, backward, SGD step) on identical weights
and data; rounds alternate Ember and PyTorch and the ratio of the medians (ember / torch) is
printed. The machines are shared, so only the ratio means anything.

    python bench/bench_nn.py                 # all cases
    python bench/bench_nn.py --quick         # fewer rounds
    python bench/bench_nn.py --only lenet    # cases whose name contains "lenet"
    python bench/bench_nn.py --profile gru   # cProfile Ember's step of one case instead
    python bench/bench_nn.py --only memory   # only the peak-memory comparison of 200 MLP steps
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from _timing import compare, per_call

import ember

try:
    import torch
except ImportError:
    sys.exit("bench_nn needs PyTorch for the comparison: pip install torch==2.13.0")


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(),
                         nn.Linear(64, 10))


def lenet(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def resnet(lib):
    """conv-bn-relu stem, two basic blocks (the second strided, with a 1x1 shortcut), head."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.short = nn.Sequential()
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                           nn.BatchNorm2d(cout))

        def forward(self, x):
            y = lib.relu(self.b1(self.c1(x)))
            return lib.relu(self.b2(self.c2(y)) + self.short(x))

    return nn.Sequential(
        nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        Block(16, 16, 1), Block(16, 32, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    )


def recurrent(kind: str, bidirectional: bool, hidden: int = 64):
    def build(lib):
        nn = lib.nn

        class Net(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.rnn = getattr(nn, kind)(32, hidden, bidirectional=bidirectional)
                self.head = nn.Linear(hidden * (2 if bidirectional else 1), 10)

            def forward(self, x):
                out, _ = self.rnn(x)
                return self.head(out[-1])

        return Net()

    return build


def conv3x3(lib):
    return lib.nn.Conv2d(64, 64, 3, padding=1)


# name, model builder, input shape, loss, target ratio from issue 3 (None: no target).
# Losses: "mse" on one-hot as note 004, "ce" cross-entropy, "sum" backward of out.sum() with
# no optimizer (a bare forward+backward).
CASES = [
    ("mlp 784-256-64-10 b512", mlp, (512, 784), "mse", 0.9),
    ("lenet5 b256", lenet, (256, 1, 28, 28), "ce", 1.0),
    ("resnet-bn (64,3,32,32)", resnet, (64, 3, 32, 32), "ce", 1.5),
    ("bigru h128 T12 b256", recurrent("GRU", True, 128), (12, 256, 32), "ce", 1.5),
    ("conv2d 64x64x32x32 3x3", conv3x3, (64, 64, 32, 32), "sum", 1.5),
    ("gru 32-64 T20 b32", recurrent("GRU", False), (20, 32, 32), "ce", None),
    ("bilstm 32-64 T20 b32", recurrent("LSTM", True), (20, 32, 32), "ce", None),
]


def _copy_weights(src, dst) -> None:
    """Make ``dst`` (ember) compute exactly what ``src`` (torch) does."""
    s_state = src.state_dict()
    d_state = dict(dst.named_parameters())
    d_state.update(dict(dst.named_buffers()))
    for name, t in s_state.items():
        d_state[name]._data[...] = t.detach().numpy()


def _step_fn(lib, model, x, y, loss_kind: str):
    F = lib.nn.functional
    if loss_kind == "sum":
        x.requires_grad_(True)

        def fwd_bwd():
            out = model(x).sum()
            out.backward()
            return out

        return fwd_bwd
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    target = F.one_hot(y, 10).float() if loss_kind == "mse" else y

    def step():
        opt.zero_grad()
        out = model(x)
        loss = F.mse_loss(out, target) if loss_kind == "mse" else F.cross_entropy(out, target)
        loss.backward()
        opt.step()
        return loss

    return step


def build(case):
    name, builder, shape, loss_kind, _ = case
    torch.manual_seed(0)
    t_model = builder(torch)
    e_model = builder(ember)
    _copy_weights(t_model, e_model)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    batch = shape[1] if len(shape) == 3 else shape[0]
    y = rng.integers(0, 10, batch)
    e_step = _step_fn(ember, e_model, ember.tensor(x), ember.tensor(y), loss_kind)
    t_step = _step_fn(torch, t_model, torch.tensor(x), torch.tensor(y), loss_kind)
    return e_step, t_step


def check_same_loss(e_step, t_step) -> float:
    """Relative difference of the first losses: the two nets must do the same math."""
    le, lt = float(e_step().detach()), float(t_step().detach())
    return abs(le - lt) / max(abs(lt), 1e-12)


def profile(case) -> None:
    import cProfile
    import pstats

    e_step, _ = build(case)
    per_call(e_step, 3)
    pr = cProfile.Profile()
    pr.enable()
    per_call(e_step, 20)
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)


def _rss_kib(field: str) -> int:
    """A memory figure of this process from /proc (Linux): VmRSS now or VmHWM, the peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_child(lib_name: str, steps: int = 200) -> None:
    """Print how far 200 MLP steps raise this process's peak RSS above its RSS before them.

    One untimed step runs first, so lazily loaded library code (PyTorch's kernels, the jit
    extra's numba and LLVM: ~120 MB once) is not counted as training memory.
    """
    lib = ember if lib_name == "ember" else torch
    torch.set_num_threads(2)
    lib.manual_seed(0)
    model = mlp(lib)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((512, 784)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 512))
    step = _step_fn(lib, model, x, y, "mse")
    step()
    base = _rss_kib("VmRSS")
    for _ in range(steps):
        step()
    print((_rss_kib("VmHWM") - base) / 1024)


def peak_memory() -> tuple[float, float]:
    """MiB the 200 MLP steps add to peak RSS, Ember and PyTorch, each in a fresh process."""
    import subprocess

    def run(name: str) -> float:
        out = subprocess.run([sys.executable, __file__, "--memory-child", name],
                             capture_output=True, text=True, check=True)
        return float(out.stdout.split()[-1])

    return run("ember"), run("torch")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="")
    p.add_argument("--profile", default="")
    p.add_argument("--memory-child", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return
    torch.set_num_threads(2)
    if args.profile:
        profile(next(c for c in CASES if args.profile in c[0]))
        return
    rounds, number = (5, 3) if args.quick else (9, 6)
    print(f"{'case':26} {'ember':>9} {'torch':>9} {'ratio':>6} {'target':>6} {'loss diff':>9}")
    for case in CASES:
        if args.only not in case[0]:
            continue
        e_step, t_step = build(case)
        diff = check_same_loss(e_step, t_step)
        em, tm = compare(e_step, t_step, number, rounds, warmup=2)
        target = f"{case[4]:.2f}" if case[4] else "-"
        print(f"{case[0]:26} {em * 1e3:7.2f}ms {tm * 1e3:7.2f}ms {em / tm:6.2f} {target:>6}"
              f" {diff:9.1e}")
    if "memory" in args.only or not args.only:
        e_mib, t_mib = peak_memory()
        print(f"{'peak memory, 200 mlp steps':26} {e_mib:7.1f}MB {t_mib:7.1f}MB "
              f"{e_mib / max(t_mib, 1e-9):6.2f} {1.0:6.2f}")


if __name__ == "__main__":
    main()
