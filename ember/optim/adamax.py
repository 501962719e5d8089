"""Adamax (Adam with the infinity norm), PyTorch's update order."""

from __future__ import annotations

import numpy as np

from ._checks import betas_ok, nonneg
from .adam import lerp_
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class Adamax(Optimizer):
    """Adam's first moment over an exponentially weighted infinity norm."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        nonneg(lr=lr, eps=eps)
        betas_ok(betas)
        nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p, x, g in params_with_grad(group):
                state = self.state[p]
                if not state:
                    state["step"] = step_tensor()
                    state["exp_avg"] = state_tensor(np.zeros_like(x))
                    state["exp_inf"] = state_tensor(np.zeros_like(x))
                if group["maximize"]:
                    g = -g
                step_t = state["step"]._data
                step_t += 1
                if wd != 0:
                    g = g + wd * x
                m, u = state["exp_avg"]._data, state["exp_inf"]._data
                lerp_(m, g, 1 - beta1)
                u *= beta2
                np.maximum(u, np.abs(g) + eps, out=u)
                clr = lr / (1 - beta1 ** float(step_t))
                x += (-clr * m) / u
                bump(p)
        return loss
