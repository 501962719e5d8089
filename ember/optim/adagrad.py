"""Adagrad with ``lr_decay`` and ``initial_accumulator_value``, PyTorch's update order."""

from __future__ import annotations

import numpy as np

from ..backend.jit import kernels
from ._checks import nonneg
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class Adagrad(Optimizer):
    """Per-coordinate learning rates from the sum of squared past gradients."""

    def __init__(self, params, lr=1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None) -> None:
        nonneg(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
               initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:  # PyTorch creates Adagrad's state up front
            for p in group["params"]:
                self.state[p]["step"] = step_tensor()
                self.state[p]["sum"] = state_tensor(
                    np.full_like(p._data, group["initial_accumulator_value"])
                )

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        k = kernels()
        for group in self.param_groups:
            lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
            for p, x, g in params_with_grad(group):
                state = self.state[p]
                step_t = state["step"]._data
                step_t += 1
                clr = lr / (1 + (float(step_t) - 1) * group["lr_decay"])
                s = state["sum"]._data
                if k is not None and k.PARALLEL and k.fits(x, g, s):
                    k.adagrad(x, g, s, clr, wd, eps, group["maximize"])
                    bump(p)
                    continue
                if group["maximize"]:
                    g = -g
                if wd != 0:
                    g = g + wd * x
                s += g * g
                std = np.sqrt(s)
                std += eps
                x += (-clr * g) / std
                bump(p)
        return loss
