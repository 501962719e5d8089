"""Backpropagation by hand vs autograd (note 001 lecture 4, note 004's chain-rule example).

    python examples/backprop.py
"""

from __future__ import annotations

import ember as torch
from ember import autograd


def chain_rule() -> dict:
    """x -(w1, b1)-> y1 -(w2, b2)-> y2: dy2/dw1 = dy2/dy1 * dy1/dw1 (note 004)."""
    x = torch.tensor(1.0)
    w1 = torch.tensor(2.0, requires_grad=True)
    b1 = torch.tensor(1.0)
    w2 = torch.tensor(2.0, requires_grad=True)
    b2 = torch.tensor(1.0)
    y1 = x * w1 + b1
    y2 = y1 * w2 + b2
    dy2_dy1 = autograd.grad(y2, [y1], retain_graph=True)[0]
    dy1_dw1 = autograd.grad(y1, [w1], retain_graph=True)[0]
    dy2_dw1 = autograd.grad(y2, [w1], retain_graph=True)[0]
    print("dy2/dy1 * dy1/dw1 =", dy2_dy1 * dy1_dw1, "(by hand)")
    print("dy2/dw1          =", dy2_dw1, "(autograd)")
    return {"by_hand": (dy2_dy1 * dy1_dw1).item(), "autograd": dy2_dw1.item()}


def linear_model_training() -> dict:
    """Lecture 4: y = x * w, loss = (y_hat - y)^2, w updated with w.grad (then zeroed)."""
    xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    w = torch.tensor([1.0], requires_grad=True)
    print("predict (before training) x=4 ->", (4 * w).item())
    for epoch in range(100):
        for x, y in zip(xs, ys):
            loss = (x * w - y) ** 2
            loss.backward()
            manual = 2 * x * (x * w.item() - y)  # d loss / dw by the chain rule
            assert abs(w.grad.item() - manual) < 1e-4
            w.data = w.data - 0.01 * w.grad.data
            w.grad.data.zero_()
        if epoch % 25 == 0:
            print(f"  epoch {epoch:3d}  w={w.item():.4f}  loss={loss.item():.6f}")
    print("predict (after training) x=4 ->", round((4 * w).item(), 4))
    return {"w": w.item()}


def main(argv=None) -> dict:
    return {**chain_rule(), **linear_model_training()}


if __name__ == "__main__":
    main()
