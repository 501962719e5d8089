"""Linear model and gradient descent by hand (note 001, lectures 2-3): y_hat = x * w.

First an exhaustive scan of w with the MSE cost, then batch gradient descent and stochastic
gradient descent with the gradient derived on paper: d cost / dw = mean(2 x (x w - y)).

    python examples/linear_model.py
"""

from __future__ import annotations

import ember as torch

X = torch.tensor([1.0, 2.0, 3.0])
Y = torch.tensor([2.0, 4.0, 6.0])


def forward(x, w: float):
    return x * w


def cost(w: float) -> float:
    return ((forward(X, w) - Y) ** 2).mean().item()


def gradient(w: float) -> float:
    return (2 * X * (X * w - Y)).mean().item()


def main(argv=None) -> dict:
    print("exhaustive scan: w, MSE")
    scan = [(i / 10, cost(i / 10)) for i in range(0, 41, 5)]
    for w, mse in scan:
        print(f"  w={w:.1f}  mse={mse:.4f}")
    best = min(scan, key=lambda p: p[1])[0]
    print(f"best w from the scan: {best}")

    w, lr = 1.0, 0.01
    print(f"predict (before training) x=4 -> {4 * w:.2f}")
    for epoch in range(100):
        w -= lr * gradient(w)
        if epoch % 20 == 0:
            print(f"  epoch {epoch:3d}  w={w:.4f}  cost={cost(w):.6f}")
    print(f"batch gradient descent: w={w:.4f}, predict x=4 -> {4 * w:.4f}")

    w_sgd = 1.0
    for _ in range(100):
        for x, y in zip(X.tolist(), Y.tolist()):  # one sample at a time
            w_sgd -= lr * 2 * x * (x * w_sgd - y)
    print(f"stochastic gradient descent: w={w_sgd:.4f}, predict x=4 -> {4 * w_sgd:.4f}")
    return {"scan_best": best, "w_gd": w, "w_sgd": w_sgd}


if __name__ == "__main__":
    main()
