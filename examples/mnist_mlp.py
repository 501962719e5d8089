"""Note 004's MNIST classifier: 784-256-64-10 MLP, MSE loss on one-hot labels, SGD momentum.

    python examples/mnist_mlp.py --root ../shared/data
"""

from __future__ import annotations

import argparse

from _mnist import add_data_args, load_mnist

import ember as torch
from ember import nn, optim
from ember.nn import functional as F
from ember.utils.data import DataLoader


def one_hot(label, depth: int = 10):
    out = torch.zeros(label.size(0), depth)
    out.scatter_(dim=1, index=label.view(-1, 1), value=1)
    return out


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 256)  # xw + b
        self.fc2 = nn.Linear(256, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))  # h1 = relu(xw1 + b1)
        x = F.relu(self.fc2(x))  # h2 = relu(h1w2 + b2)
        return self.fc3(x)       # h3 = h2w3 + b3


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(p)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=64)
    args = p.parse_args(argv)
    torch.manual_seed(0)
    train_db, test_db = load_mnist(args.root)
    train_loader = DataLoader(train_db, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_db, batch_size=512)
    x, y = next(iter(train_loader))
    print(x.shape, y.shape, x.min().item(), x.max().item())

    net = Net()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)  # [w1, b1, w2, b2, w3, b3]
    train_loss = []
    for epoch in range(5 if args.fast else args.epochs):
        for batch_idx, (x, y) in enumerate(train_loader):
            x = x.view(x.size(0), 28 * 28)  # [b, 1, 28, 28] => [b, 784]
            out = net(x)  # => [b, 10]
            loss = F.mse_loss(out, one_hot(y))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()  # w' = w - lr * grad
            train_loss.append(loss.item())
            if batch_idx % 40 == 0:
                print(epoch, batch_idx, loss.item())

    total_correct = 0
    for x, y in test_loader:
        out = net(x.view(x.size(0), 28 * 28))
        pred = out.argmax(dim=1)  # out: [b, 10] => pred: [b]
        total_correct += pred.eq(y).sum().float().item()
    acc = total_correct / len(test_loader.dataset)
    print("test acc:", acc)
    return acc


if __name__ == "__main__":
    main()
