"""Shared by the MNIST examples: the real MNIST test set split 8,000 train / 2,000 held out.

Only the official 10,000-image test set ships in ``../shared/data/mnist``; as in
``mnist_train.py`` the first 8,000 images train and the last 2,000 measure accuracy. The
images are normalised once into tensors (mean 0.1307, std 0.3081, as in the notes).
"""

from __future__ import annotations

import os

import ember
from ember.utils.data import TensorDataset
from ember.vision import datasets


def add_data_args(parser) -> None:
    parser.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"),
                        help="folder holding mnist/ (or set EMBER_DATA)")
    parser.add_argument("--fast", action="store_true", help="fewer epochs (for the tests)")


def load_mnist(root: str, n_train: int = 8000) -> tuple[TensorDataset, TensorDataset]:
    try:
        full = datasets.MNIST(root, train=False)
    except RuntimeError as e:
        raise SystemExit(f"{e} (looked in {os.path.abspath(root)}; pass --root)") from e
    x = ((full.data.float() / 255 - 0.1307) / 0.3081).unsqueeze(1)
    y = full.targets
    return TensorDataset(x[:n_train], y[:n_train]), TensorDataset(x[8000:], y[8000:])


def evaluate(model, dataset, batch_size: int = 500) -> float:
    """Accuracy of ``model`` on ``dataset`` (eval mode, no grad)."""
    model.eval()
    x, y = dataset.tensors
    correct = 0
    with ember.no_grad():
        for i in range(0, len(y), batch_size):
            correct += (model(x[i : i + batch_size]).argmax(dim=1) == y[i : i + batch_size]
                        ).sum().item()
    model.train()
    return correct / len(y)
