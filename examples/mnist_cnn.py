"""A basic CNN on MNIST (note 001, lecture 10): two conv + max-pool blocks, then a classifier.

Conv layers keep the image's spatial structure (a fully connected layer flattens it away);
pooling halves width and height and keeps the channels; cross-entropy on raw scores.

    python examples/mnist_cnn.py --root ../shared/data
"""

from __future__ import annotations

import argparse

from _mnist import add_data_args, evaluate, load_mnist

import ember as torch
import ember.nn.functional as F
from ember.utils.data import DataLoader


class Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = torch.nn.Conv2d(10, 20, kernel_size=5)
        self.pooling = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(320, 10)

    def forward(self, x):
        batch_size = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))  # (n, 10, 12, 12)
        x = F.relu(self.pooling(self.conv2(x)))  # (n, 20, 4, 4)
        return self.fc(x.view(batch_size, -1))   # flatten -> (n, 320) -> (n, 10)


def train(model, loader, optimizer, epoch: int) -> float:
    criterion = torch.nn.CrossEntropyLoss()
    running = 0.0
    for batch_idx, (inputs, target) in enumerate(loader, 1):
        loss = criterion(model(inputs), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item()
        if batch_idx % 50 == 0:
            print(f"[{epoch + 1}, {batch_idx:5d}] loss: {running / 50:.3f}")
            running = 0.0
    return loss.item()


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(p)
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args(argv)
    torch.manual_seed(0)
    train_db, test_db = load_mnist(args.root)
    loader = DataLoader(train_db, batch_size=64, shuffle=True)
    model = Net()
    print(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for epoch in range(2 if args.fast else args.epochs):
        train(model, loader, optimizer, epoch)
        acc = evaluate(model, test_db)
        print(f"accuracy on the 2,000 held-out images: {acc:.2%}")
    return acc


if __name__ == "__main__":
    main()
