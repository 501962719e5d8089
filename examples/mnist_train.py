"""The main job: train a classifier on real MNIST with Ember, end to end.

Data: the MNIST files in ``--root`` (or ``$EMBER_DATA``); with only the official test set
available (10,000 images), the first 8,000 train (7,000 train + 1,000 validation) and the last
2,000 are the held-out test set. Shows a progress bar per epoch (tqdm when installed), per-epoch
train/validation loss and accuracy, the final test accuracy; keeps the best model by validation
accuracy in a checkpoint (``--resume`` continues from it; Ctrl-C saves and stops cleanly); saves
a PNG of the curves and of test images with their predicted labels (needs matplotlib);
``--patience N`` stops early after N epochs without a better validation accuracy.

The loop is ``ember.engine`` (PyTorch-Ignite's API): a trainer engine, evaluators with Loss and
Accuracy metrics, a ProgressBar, and handlers on ``Events.EPOCH_COMPLETED``.

    python examples/mnist_train.py --root ../shared/data --model mlp --epochs 3
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.engine import Events, create_supervised_evaluator, create_supervised_trainer
from ember.engine.handlers import EarlyStopping, ProgressBar
from ember.engine.metrics import Accuracy, Loss
from ember.utils.data import DataLoader, Subset, random_split
from ember.vision import datasets, transforms


def build_model(name: str) -> nn.Module:
    """mlp: note 004's 784-256-64-10; cnn: a LeNet-style network; resnet: two residual blocks."""
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64),
                             nn.ReLU(), nn.Linear(64, 10))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(32 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "resnet":
        return SmallResNet()
    raise SystemExit(f"unknown model {name!r}: choose mlp, cnn or resnet")


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


class SmallResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU(), nn.MaxPool2d(2))
        self.blocks = nn.Sequential(ResidualBlock(16), ResidualBlock(16))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def save_plot(history: dict, model: nn.Module, test_set, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed, so no plot was saved (pip install matplotlib)")
        return
    images = ember.stack([test_set[i][0] for i in range(16)])
    labels = [test_set[i][1] for i in range(16)]
    model.eval()
    with ember.no_grad():
        pred = model(images).argmax(1).tolist()
    fig = plt.figure(figsize=(12, 5.5))
    grid = fig.add_gridspec(4, 9)
    epochs = range(1, len(history["train_loss"]) + 1)
    for row, (key, title) in enumerate([("loss", "loss"), ("acc", "accuracy")]):
        ax = fig.add_subplot(grid[2 * row : 2 * row + 2, 0:4])
        ax.plot(epochs, history[f"train_{key}"], "o-", label="train")
        ax.plot(epochs, history[f"val_{key}"], "o-", label="validation")
        ax.set(title=title, xlabel="epoch", xticks=epochs)
        ax.legend()
    for k in range(16):
        ax = fig.add_subplot(grid[k // 4, 5 + k % 4])
        ax.imshow(images[k, 0].numpy(), cmap="gray")
        ax.set_title(str(pred[k]), color="green" if pred[k] == labels[k] else "red", fontsize=9)
        ax.axis("off")
    fig.suptitle("Ember on MNIST: curves and test predictions (green = correct)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"saved {path}")


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description="Train an MNIST classifier with Ember.")
    p.add_argument("--root", default=os.environ.get("EMBER_DATA", "../shared/data"),
                   help="folder with the MNIST files (or set EMBER_DATA)")
    p.add_argument("--download", action="store_true", help="download MNIST if missing")
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn", "resnet"])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--checkpoint", default="mnist_checkpoint.pt")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--plot", default="mnist_train.png")
    p.add_argument("--patience", type=int, default=0,
                   help="stop after this many epochs without a better validation accuracy")
    args = p.parse_args(argv)

    ember.manual_seed(args.seed)
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    try:
        full = datasets.MNIST(args.root, train=False, transform=tf, download=args.download)
    except RuntimeError as e:
        sys.exit(f"{e} (looked in {os.path.abspath(args.root)}; pass --root or --download)")
    train_val = Subset(full, range(8000))
    test_set = Subset(full, range(8000, 10000))
    train_set, val_set = random_split(train_val, [7000, 1000],
                                      generator=ember.Generator().manual_seed(args.seed))
    train_loader = DataLoader(train_set, args.batch_size, shuffle=True, num_workers=args.workers)
    val_loader = DataLoader(val_set, 500)
    test_loader = DataLoader(test_set, 500)

    model = build_model(args.model)
    optimizer = ember.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    history = {k: [] for k in ("train_loss", "train_acc", "val_loss", "val_acc")}
    start_epoch, best_acc = 1, 0.0
    if args.resume and os.path.exists(args.checkpoint):
        ckpt = ember.load(args.checkpoint)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        start_epoch, best_acc, history = ckpt["epoch"] + 1, ckpt["best_acc"], ckpt["history"]
        print(f"resumed from {args.checkpoint} (epoch {ckpt['epoch']}, best {best_acc:.4f})")

    def checkpoint(epoch: int) -> None:
        ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "epoch": epoch, "best_acc": best_acc, "history": history,
                    "args": vars(args)}, args.checkpoint)

    def evaluator():
        return create_supervised_evaluator(model, {"loss": Loss(F.cross_entropy),
                                                   "acc": Accuracy()})

    trainer = create_supervised_trainer(model, optimizer, F.cross_entropy)
    train_eval, val_eval = evaluator(), evaluator()
    ProgressBar(desc="epoch").attach(trainer, output_transform=lambda loss: {"loss": loss})

    @trainer.on(Events.EPOCH_COMPLETED)
    def report(engine) -> None:
        nonlocal best_acc
        seconds = engine.state.times["EPOCH_COMPLETED"]  # the training part of the epoch
        train = train_eval.run(train_loader).metrics
        val = val_eval.run(val_loader).metrics
        for k, v in zip(history, (train["loss"], train["acc"], val["loss"], val["acc"])):
            history[k].append(v)
        print(f"epoch {engine.state.epoch}: train loss {train['loss']:.4f} acc {train['acc']:.4f}"
              f" | val loss {val['loss']:.4f} acc {val['acc']:.4f} | "
              f"{len(train_set) / seconds:.0f} img/s")
        if val["acc"] > best_acc:
            best_acc = val["acc"]
            checkpoint(engine.state.epoch)

    if args.patience:
        stopper = EarlyStopping(args.patience, lambda e: e.state.metrics["acc"], trainer)
        val_eval.add_event_handler(Events.COMPLETED, stopper)
        trainer.add_event_handler(Events.TERMINATE, lambda e: print(
            f"early stop: no better validation accuracy for {args.patience} epochs"))

    print(f"model {args.model}: {sum(p.numel() for p in model.parameters()):,} parameters, "
          f"{len(train_set)} train / {len(val_set)} validation / {len(test_set)} test images")
    if start_epoch > 1:  # continue the epoch count where the checkpoint stopped
        trainer.load_state_dict({"iteration": (start_epoch - 1) * len(train_loader),
                                 "epoch_length": len(train_loader), "max_epochs": args.epochs})
    try:
        if start_epoch <= args.epochs:
            trainer.run(train_loader, max_epochs=args.epochs)
    except KeyboardInterrupt:
        checkpoint(max(trainer.state.epoch, start_epoch - 1))
        print(f"\ninterrupted: checkpoint saved to {args.checkpoint} (resume with --resume)")
        return best_acc
    if os.path.exists(args.checkpoint):
        model.load_state_dict(ember.load(args.checkpoint)["model"])
    test_acc = evaluator().run(test_loader).metrics["acc"]
    print(f"test accuracy (best validation model): {test_acc:.4f}")
    if args.plot:
        save_plot(history, model, test_set, Path(args.plot))
    return test_acc


if __name__ == "__main__":
    main()
