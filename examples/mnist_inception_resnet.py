"""Advanced CNNs on MNIST (note 001, lecture 11): a GoogLeNet-style Inception block and
ResNet residual blocks.

Inception: parallel 1x1, 5x5, 3x3 and pooling branches, concatenated along channels (only the
channel counts may differ; 1x1 convolutions cut the cost). Residual block: F(x) + x, summed
before the activation, so gradients flow through the identity path.

    python examples/mnist_inception_resnet.py --root ../shared/data
"""

from __future__ import annotations

import argparse
import time

from _mnist import add_data_args, evaluate, load_mnist

import ember as torch
import ember.nn.functional as F
from ember import nn
from ember.utils.data import DataLoader


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)
        branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
        branch3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch5x5, branch3x3, branch_pool], dim=1)  # 88 channels


class InceptionNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5)
        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(1408, 10)

    def forward(self, x):
        x = self.incep1(F.relu(self.mp(self.conv1(x))))  # (n, 88, 12, 12)
        x = self.incep2(F.relu(self.mp(self.conv2(x))))  # (n, 88, 4, 4)
        return self.fc(x.view(x.size(0), -1))


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)  # add first, then activate


class ResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5)
        self.rblock1 = ResidualBlock(16)
        self.rblock2 = ResidualBlock(32)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        x = self.rblock1(self.mp(F.relu(self.conv1(x))))  # (n, 16, 12, 12)
        x = self.rblock2(self.mp(F.relu(self.conv2(x))))  # (n, 32, 4, 4)
        return self.fc(x.view(x.size(0), -1))


def fit(model: nn.Module, train_db, test_db, epochs: int) -> float:
    loader = DataLoader(train_db, batch_size=64, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        start = time.perf_counter()
        for inputs, target in loader:
            loss = criterion(model(inputs), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        acc = evaluate(model, test_db)
        print(f"  epoch {epoch + 1}: last loss {loss.item():.3f}, held-out accuracy "
              f"{acc:.2%} ({time.perf_counter() - start:.1f} s)")
    return acc


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(p)
    p.add_argument("--epochs", type=int, default=3)
    args = p.parse_args(argv)
    torch.manual_seed(0)
    epochs = 1 if args.fast else args.epochs
    results = {}
    # --fast: one epoch on 2,000 (Inception) / 4,000 (ResNet) images
    for name, cls, n_fast in (("inception", InceptionNet, 2000), ("resnet", ResNet, 4000)):
        train_db, test_db = load_mnist(args.root, n_train=n_fast if args.fast else 8000)
        model = cls()
        n = sum(p.numel() for p in model.parameters())
        print(f"{name}: {n:,} parameters")
        results[name] = fit(model, train_db, test_db, epochs)
    return results


if __name__ == "__main__":
    main()
