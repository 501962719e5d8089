"""Rprop (resilient backpropagation), PyTorch's update order."""

from __future__ import annotations

import numpy as np

from ._checks import nonneg
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class Rprop(Optimizer):
    """Per-weight step sizes grown or shrunk by the sign agreement of successive gradients."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        nonneg(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            lo, hi = group["step_sizes"]
            for p, x, g in params_with_grad(group):
                state = self.state[p]
                if not state:
                    state["step"] = step_tensor()
                    state["prev"] = state_tensor(np.zeros_like(x))
                    state["step_size"] = state_tensor(np.full_like(g, group["lr"]))
                if group["maximize"]:
                    g = -g
                state["step"]._data += 1
                prev, size = state["prev"]._data, state["step_size"]._data
                sign = np.sign(g * prev)
                sign[sign > 0] = etaplus
                sign[sign < 0] = etaminus
                sign[sign == 0] = 1
                size *= sign
                np.clip(size, lo, hi, out=size)
                g = np.array(g)
                g[sign == sign.dtype.type(etaminus)] = 0
                x += (-1 * np.sign(g)) * size
                prev[...] = g
                bump(p)
        return loss
