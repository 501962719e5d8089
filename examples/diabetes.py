"""Multi-input logistic classifier on the diabetes data (note 001, lecture 7).

Eight features per patient -> Linear(8, 6) -> Linear(6, 4) -> Linear(4, 1), sigmoid after
each, BCELoss; trained full-batch. The last 100 rows are held out to measure accuracy.

    python examples/diabetes.py --root ../shared/data
"""

from __future__ import annotations

import argparse
import gzip
import os
from pathlib import Path

import numpy as np

import ember as torch


def load_diabetes(root: str) -> np.ndarray:
    path = Path(root) / "text" / "diabetes.csv.gz"
    if not path.exists():
        raise SystemExit(f"diabetes.csv.gz not found under {Path(root) / 'text'} "
                         f"(pass --root or set EMBER_DATA)")
    with gzip.open(path, "rt") as f:
        return np.loadtxt(f, delimiter=",", dtype=np.float32)


class Model(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear1 = torch.nn.Linear(8, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        return self.sigmoid(self.linear3(x))


def accuracy(model, x, y) -> float:
    with torch.no_grad():
        return ((model(x) > 0.5).float() == y).float().mean().item()


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"))
    p.add_argument("--epochs", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    xy = torch.from_numpy(load_diabetes(args.root))
    x_train, y_train = xy[:-100, :-1], xy[:-100, [-1]]
    x_test, y_test = xy[-100:, :-1], xy[-100:, [-1]]
    print(f"{len(x_train)} training / {len(x_test)} held-out patients, "
          f"{x_train.shape[1]} features; {y_train.mean().item():.1%} positive")

    model = Model()
    criterion = torch.nn.BCELoss(reduction="mean")
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(args.epochs):
        loss = criterion(model(x_train), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % (args.epochs // 10) == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:4d}  loss {loss.item():.4f}  "
                  f"train acc {accuracy(model, x_train, y_train):.3f}")
    test_acc = accuracy(model, x_test, y_test)
    print(f"held-out accuracy: {test_acc:.3f}")
    return {"loss": loss.item(), "train_acc": accuracy(model, x_train, y_train),
            "test_acc": test_acc, "base_rate": 1 - y_test.mean().item()}


if __name__ == "__main__":
    main()
