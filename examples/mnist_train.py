"""Train a 784-256-10 MLP on real MNIST with Ember's tensors and autograd: the main job.

Data: the official MNIST test set (10,000 images) in ``--root`` (or ``$EMBER_DATA``), split
8,000 for training and the held-out 2,000 for testing. Shows a progress bar per epoch (tqdm when
installed, a plain one otherwise), per-epoch loss and accuracy, and saves a PNG of the curves
and a grid of test images with their predicted labels (when matplotlib is installed).

    python examples/mnist_train.py --root ../shared/data --epochs 3
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

import ember

MNIST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (MNIST's format, gzipped or not) as a NumPy array."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist(root: Path):
    folder = root / "mnist" if (root / "mnist").is_dir() else root
    missing = [f for f in MNIST_FILES if not (folder / f).exists()]
    if missing:
        sys.exit(f"MNIST not found in {folder} (missing {', '.join(missing)}); pass --root")
    images = read_idx(folder / MNIST_FILES[0]).astype(np.float32) / 255.0
    labels = read_idx(folder / MNIST_FILES[1]).astype(np.int64)
    images = (images.reshape(len(images), -1) - 0.1307) / 0.3081
    return ember.from_numpy(images), ember.from_numpy(labels)


def progress(iterable, total: int, desc: str):
    """tqdm when installed, else a plain carriage-return progress line."""
    try:
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=desc, leave=False)
    except ImportError:
        return _plain_progress(iterable, total, desc)


def _plain_progress(iterable, total: int, desc: str):
    start = time.perf_counter()
    for i, item in enumerate(iterable, 1):
        yield item
        if i % 10 == 0 or i == total:
            rate = i / max(time.perf_counter() - start, 1e-9)
            print(f"\r{desc} {i}/{total} ({rate:.0f} batch/s)", end="", flush=True)
    print("\r" + " " * 60 + "\r", end="")


class MLP:
    """784-256-10 with ReLU; parameters initialised like nn.Linear (uniform, fan-in bound)."""

    def __init__(self, sizes=(784, 256, 10)) -> None:
        self.params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = 1 / fan_in**0.5
            w = (ember.rand(fan_in, fan_out) * 2 - 1) * bound
            b = (ember.rand(fan_out) * 2 - 1) * bound
            self.params += [w.requires_grad_(), b.requires_grad_()]

    def __call__(self, x):
        w1, b1, w2, b2 = self.params
        return (x @ w1 + b1).relu() @ w2 + b2


def cross_entropy(logits, target):
    """Mean negative log-likelihood of ``target`` under softmax(logits)."""
    log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
    return -log_probs[ember.arange(len(target)), target].mean()


def evaluate(model, x, y, batch_size: int = 1000):
    correct, loss = 0, 0.0
    with ember.no_grad():
        for i in range(0, len(x), batch_size):
            out = model(x[i : i + batch_size])
            loss += cross_entropy(out, y[i : i + batch_size]).item() * len(out)
            correct += (out.argmax(1) == y[i : i + batch_size]).sum().item()
    return loss / len(x), correct / len(x)


def save_plot(history: dict, model, x_test, y_test, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot saved (pip install matplotlib)")
        return
    with ember.no_grad():
        pred = model(x_test[:16]).argmax(1)
    fig = plt.figure(figsize=(10, 6))
    ax = fig.add_subplot(2, 2, 1)
    ax.plot(history["train_loss"], label="train")
    ax.plot(history["test_loss"], label="test")
    ax.set(title="loss", xlabel="epoch")
    ax.legend()
    ax = fig.add_subplot(2, 2, 3)
    ax.plot(history["train_acc"], label="train")
    ax.plot(history["test_acc"], label="test")
    ax.set(title="accuracy", xlabel="epoch")
    ax.legend()
    images = x_test[:16].numpy().reshape(-1, 28, 28)
    for k in range(16):
        ax = fig.add_subplot(4, 8, 8 * (k // 4) + 5 + k % 4)
        ax.imshow(images[k], cmap="gray")
        ok = pred[k].item() == y_test[k].item()
        ax.set_title(f"{pred[k].item()}", color="green" if ok else "red", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    print(f"saved {path}")


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"))
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-size", type=int, default=8000)
    p.add_argument("--plot", default="mnist_train.png")
    args = p.parse_args(argv)

    ember.manual_seed(args.seed)
    x, y = load_mnist(Path(args.root))
    x_train, y_train = x[: args.train_size], y[: args.train_size]
    x_test, y_test = x[8000:], y[8000:]
    model = MLP()
    history = {k: [] for k in ("train_loss", "train_acc", "test_loss", "test_acc")}
    n_batches = (len(x_train) + args.batch_size - 1) // args.batch_size
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = ember.randperm(len(x_train))
        batches = (order[i : i + args.batch_size] for i in range(0, len(x_train), args.batch_size))
        for idx in progress(batches, n_batches, f"epoch {epoch}/{args.epochs}"):
            loss = cross_entropy(model(x_train[idx]), y_train[idx])
            for w in model.params:
                w.grad = None
            loss.backward()
            with ember.no_grad():
                for w in model.params:
                    w -= args.lr * w.grad
        train_loss, train_acc = evaluate(model, x_train, y_train)
        test_loss, test_acc = evaluate(model, x_test, y_test)
        for k, v in zip(history, (train_loss, train_acc, test_loss, test_acc)):
            history[k].append(v)
        seconds = time.perf_counter() - start
        print(
            f"epoch {epoch}: train loss {train_loss:.4f} acc {train_acc:.4f} | "
            f"test loss {test_loss:.4f} acc {test_acc:.4f} | {len(x_train) / seconds:.0f} img/s"
        )
    print(f"test accuracy: {history['test_acc'][-1]:.4f}")
    if args.plot:
        save_plot(history, model, x_test, y_test, Path(args.plot))
    return history["test_acc"][-1]


if __name__ == "__main__":
    main()
