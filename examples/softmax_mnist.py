"""Softmax classifier on MNIST (note 001, lecture 9): ten outputs, CrossEntropyLoss.

CrossEntropyLoss = LogSoftmax + NLLLoss, so the last layer has no activation; softmax turns the
scores into probabilities that are all positive and sum to 1.

    python examples/softmax_mnist.py --root ../shared/data
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
        self.l1 = torch.nn.Linear(784, 512)
        self.l2 = torch.nn.Linear(512, 256)
        self.l3 = torch.nn.Linear(256, 128)
        self.l4 = torch.nn.Linear(128, 64)
        self.l5 = torch.nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        x = F.relu(self.l1(x))
        x = F.relu(self.l2(x))
        x = F.relu(self.l3(x))
        x = F.relu(self.l4(x))
        return self.l5(x)  # raw scores: CrossEntropyLoss applies log-softmax itself


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(p)
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args(argv)
    torch.manual_seed(0)
    # softmax by hand vs F.softmax, and cross-entropy = -log softmax[target]
    z = torch.tensor([[0.2, 0.1, -0.1]])
    y_hat = torch.exp(z) / torch.exp(z).sum()
    ce = torch.nn.CrossEntropyLoss()(z, torch.tensor([0]))
    print("softmax:", y_hat, "sum", y_hat.sum().item(), "| F.softmax:", F.softmax(z, dim=1))
    neg_log = -torch.log(y_hat[0, 0]).item()
    print(f"cross-entropy {ce.item():.4f} = -log(softmax[0]) = {neg_log:.4f}")

    train_db, test_db = load_mnist(args.root)
    loader = DataLoader(train_db, batch_size=64, shuffle=True)
    model = Net()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for epoch in range(3 if args.fast else args.epochs):
        for inputs, target in loader:
            loss = criterion(model(inputs), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        acc = evaluate(model, test_db)
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, accuracy on held-out set {acc:.2%}")
    return {"softmax_sum": y_hat.sum().item(), "ce": ce.item(),
            "neg_log": neg_log, "accuracy": acc}


if __name__ == "__main__":
    main()
