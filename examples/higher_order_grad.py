"""Higher-order gradients with create_graph=True (note 000: autograd.grad / backward).

    python examples/higher_order_grad.py
"""

from __future__ import annotations

import warnings

import ember as torch
from ember import autograd


def main(argv=None) -> dict:
    # d/dx x^3 = 3x^2, d2/dx2 = 6x, d3/dx3 = 6
    x = torch.tensor(2.0, requires_grad=True)
    y = x**3
    (g1,) = autograd.grad(y, x, create_graph=True)
    (g2,) = autograd.grad(g1, x, create_graph=True)
    (g3,) = autograd.grad(g2, x)
    print(f"y = x^3 at x = 2: dy/dx = {g1.item()}, d2y/dx2 = {g2.item()}, d3y/dx3 = {g3.item()}")

    # the same through backward(create_graph=True): x.grad keeps a graph
    z = torch.tensor(1.0, requires_grad=True)
    with warnings.catch_warnings():  # PyTorch's warning about the grad <-> graph cycle
        warnings.simplefilter("ignore", UserWarning)
        (torch.sin(z) * z).backward(create_graph=True)
    first = z.grad.clone()
    second = autograd.grad(z.grad, z)[0]
    print(f"d/dz z sin z = {first.item():.4f}, d2/dz2 = {second.item():.4f}")

    # Hessian of Himmelblau's function at its minimum (3, 2): positive definite
    def himmelblau(p):
        return (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2

    hess = autograd.functional.hessian(himmelblau, torch.tensor([3.0, 2.0]))
    eig = torch.linalg.eigvalsh(hess)
    print("Hessian of himmelblau at (3, 2):\n", hess, "\neigenvalues:", eig)

    # a gradient penalty (as in WGAN-GP): the loss depends on a gradient
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    inp = torch.tensor([1.0, 2.0], requires_grad=True)
    out = torch.tanh((w * inp).sum())
    (g_inp,) = autograd.grad(out, inp, create_graph=True)
    penalty = (g_inp.norm() - 1) ** 2
    penalty.backward()
    print(f"gradient penalty {penalty.item():.4f}, its gradient w.r.t. w: {w.grad.tolist()}")
    return {"x3": (g1.item(), g2.item(), g3.item()), "zsinz": (first.item(), second.item()),
            "hessian": hess.tolist(), "eigvals": eig.tolist(), "penalty_grad": w.grad.tolist()}


if __name__ == "__main__":
    main()
