"""Overfitting and what to do about it (note 004, section 7): a train/validation split,
dropout, weight decay (L2 regularisation), early stopping and k-fold cross-validation.

A 784-200-200-10 MLP (the note's) on a small MNIST training set overfits: training accuracy
runs ahead of validation accuracy. Early stopping keeps the weights of the best validation
epoch; k-fold rotates which part of the data validates.

    python examples/overfitting.py --root ../shared/data
"""

from __future__ import annotations

import argparse
import copy

from _mnist import add_data_args, evaluate, load_mnist

import ember as torch
from ember.utils.data import DataLoader, Subset, TensorDataset, random_split


def make_net(dropout: float = 0.0) -> torch.nn.Module:
    layers = [torch.nn.Flatten(), torch.nn.Linear(784, 200)]
    layers += [torch.nn.Dropout(dropout)] if dropout else []
    layers += [torch.nn.ReLU(), torch.nn.Linear(200, 200)]
    layers += [torch.nn.Dropout(dropout)] if dropout else []
    layers += [torch.nn.ReLU(), torch.nn.Linear(200, 10)]
    return torch.nn.Sequential(*layers)


def accuracy(model, dataset) -> float:
    x, y = zip(*[dataset[i] for i in range(len(dataset))])
    return evaluate(model, TensorDataset(torch.stack(x), torch.tensor(y)))


def train(model, train_db, val_db, epochs: int, weight_decay: float = 0.0,
          patience: int | None = None) -> dict:
    """Train; with ``patience``, stop after that many epochs without a better validation
    accuracy and restore the best weights (early stopping)."""
    loader = DataLoader(train_db, batch_size=64, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9,
                                weight_decay=weight_decay)
    criterion = torch.nn.CrossEntropyLoss()
    best_acc, best_epoch, best_state, history = -1.0, 0, None, []
    for epoch in range(1, epochs + 1):
        model.train()  # dropout on
        for x, y in loader:
            loss = criterion(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        val_acc = accuracy(model, val_db)  # evaluate() switches dropout off
        history.append(val_acc)
        if val_acc > best_acc:
            best_acc, best_epoch, best_state = val_acc, epoch, copy.deepcopy(model.state_dict())
        elif patience is not None and epoch - best_epoch >= patience:
            print(f"    early stop at epoch {epoch}: no improvement for {patience} epochs")
            break
    last_acc = history[-1]
    if patience is not None:
        model.load_state_dict(best_state)
    return {"train_acc": accuracy(model, train_db), "val_acc": accuracy(model, val_db),
            "last_val_acc": last_acc, "best_val_acc": best_acc, "best_epoch": best_epoch,
            "history": history}


def k_fold(dataset, k: int, epochs: int) -> list[float]:
    n = len(dataset)
    scores = []
    for fold in range(k):
        val_idx = list(range(fold * n // k, (fold + 1) * n // k))
        train_idx = [i for i in range(n) if not fold * n // k <= i < (fold + 1) * n // k]
        model = make_net()
        r = train(model, Subset(dataset, train_idx), Subset(dataset, val_idx), epochs)
        scores.append(r["val_acc"])
        print(f"    fold {fold + 1}/{k}: validation accuracy {r['val_acc']:.3f}")
    return scores


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(p)
    p.add_argument("--train-size", type=int, default=2000)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--folds", type=int, default=5)
    args = p.parse_args(argv)
    if args.fast:
        args.train_size, args.epochs, args.folds = 1000, 12, 3
    torch.manual_seed(0)
    train_all, test_db = load_mnist(args.root)
    small = Subset(train_all, range(args.train_size))
    train_db, val_db = random_split(small, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
    print(f"train {len(train_db)} / validation {len(val_db)} / test {len(test_db)}")

    results = {}
    for name, kwargs in (("plain", {}), ("dropout 0.5", {"dropout": 0.5}),
                         ("weight decay 1e-2", {"weight_decay": 1e-2}),
                         ("early stopping", {"patience": 3})):
        torch.manual_seed(1)
        model = make_net(kwargs.pop("dropout", 0.0))
        print(f"-- {name}")
        r = train(model, train_db, val_db, args.epochs, **kwargs)
        r["test_acc"] = evaluate(model, test_db)
        print(f"    train {r['train_acc']:.3f}  validation {r['val_acc']:.3f} (best "
              f"{r['best_val_acc']:.3f} at epoch {r['best_epoch']})  test {r['test_acc']:.3f}  "
              f"gap {r['train_acc'] - r['val_acc']:+.3f}")
        results[name] = r
    print(f"-- {args.folds}-fold cross-validation on the {len(small)} training images")
    scores = k_fold(small, args.folds, max(args.epochs // 3, 2))
    mean = sum(scores) / len(scores)
    print(f"    mean validation accuracy {mean:.3f}")
    results["k_fold"] = scores
    return results


if __name__ == "__main__":
    main()
