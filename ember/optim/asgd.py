"""ASGD (averaged SGD), PyTorch's update order; the running average is ``state['ax']``."""

from __future__ import annotations

import numpy as np

from ._checks import nonneg
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class ASGD(Optimizer):
    """SGD with a decaying step size and Polyak averaging of the iterates after ``t0``."""

    def __init__(self, params, lr=1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach=None,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        nonneg(lr=lr, weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
            for p, x, g in params_with_grad(group):
                state = self.state[p]
                if not state:
                    state["step"] = step_tensor()
                    state["eta"] = step_tensor(lr)
                    state["mu"] = step_tensor(1.0)
                    state["ax"] = state_tensor(np.zeros_like(x))
                if group["maximize"]:
                    g = -g
                step_t = state["step"]._data
                step_t += 1
                if group["weight_decay"] != 0:
                    g = g + group["weight_decay"] * x
                eta = float(state["eta"]._data)
                x *= 1 - lambd * eta
                x += -eta * g
                ax, mu = state["ax"]._data, state["mu"]._data
                if float(mu) != 1:
                    ax += (x - ax) * mu.astype(ax.dtype)
                else:
                    ax[...] = x
                step = float(step_t)
                state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** alpha)
                state["mu"]._data[...] = 1 / max(1, step - t0)
                bump(p)
        return loss
