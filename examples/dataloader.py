"""Dataset and DataLoader (note 001, lecture 8): mini-batch training on the diabetes data.

An epoch is one pass over all samples; with batch_size B there are ceil(N / B) iterations per
epoch. ``Dataset`` is the abstract class you subclass (``__getitem__``, ``__len__``);
``DataLoader`` shuffles and groups samples into batches.

    python examples/dataloader.py --root ../shared/data
"""

from __future__ import annotations

import argparse
import gzip
import os
from pathlib import Path

import numpy as np

import ember as torch
from ember.utils.data import DataLoader, Dataset


class DiabetesDataset(Dataset):
    def __init__(self, filepath: Path) -> None:
        with gzip.open(filepath, "rt") as f:
            xy = np.loadtxt(f, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self) -> int:
        return self.len


class Model(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(8, 6), torch.nn.Sigmoid(), torch.nn.Linear(6, 4), torch.nn.Sigmoid(),
            torch.nn.Linear(4, 1), torch.nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"))
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--workers", type=int, default=0)
    args = p.parse_args(argv)
    path = Path(args.root) / "text" / "diabetes.csv.gz"
    if not path.exists():
        raise SystemExit(f"{path} not found (pass --root or set EMBER_DATA)")
    torch.manual_seed(0)
    dataset = DiabetesDataset(path)
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True,
                        num_workers=args.workers)
    x0, y0 = dataset[0]
    xb, yb = next(iter(loader))
    print(f"{len(dataset)} samples; one sample: x {tuple(x0.shape)}, y {tuple(y0.shape)}; "
          f"one batch: x {tuple(xb.shape)}, y {tuple(yb.shape)}")
    print(f"batch size {args.batch_size} -> {len(loader)} iterations per epoch "
          f"(= ceil({len(dataset)} / {args.batch_size}))")

    model = Model()
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    iterations, epoch_losses = 0, []
    for epoch in range(args.epochs):
        total = 0.0
        for inputs, labels in loader:
            loss = criterion(model(inputs), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            iterations += 1
        epoch_losses.append(total / len(dataset))
        if epoch % 5 == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:2d}  mean loss {epoch_losses[-1]:.4f}")
    with torch.no_grad():
        acc = ((model(dataset.x_data) > 0.5).float() == dataset.y_data).float().mean().item()
    print(f"{iterations} iterations in {args.epochs} epochs; accuracy {acc:.3f}")
    return {"n": len(dataset), "batches": len(loader), "iterations": iterations,
            "batch_shape": tuple(xb.shape), "losses": epoch_losses, "accuracy": acc}


if __name__ == "__main__":
    main()
