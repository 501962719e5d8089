"""RMSprop (with momentum and the centered variant), PyTorch's update order."""

from __future__ import annotations

import numpy as np

from ..backend.jit import kernels
from ._checks import nonneg
from .adam import lerp_
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class RMSprop(Optimizer):
    """Divide the gradient by a running root-mean-square of recent gradients."""

    def __init__(self, params, lr=1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        nonneg(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        k = kernels()
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            wd, mom = group["weight_decay"], group["momentum"]
            for p, x, g in params_with_grad(group):
                state = self.state[p]
                if not state:
                    state["step"] = step_tensor()
                    state["square_avg"] = state_tensor(np.zeros_like(x))
                    if mom > 0:
                        state["momentum_buffer"] = state_tensor(np.zeros_like(x))
                    if group["centered"]:
                        state["grad_avg"] = state_tensor(np.zeros_like(x))
                state["step"]._data += 1
                if k is not None and _fused(k, x, g, state, group):
                    bump(p)
                    continue
                if group["maximize"]:
                    g = -g
                if wd != 0:
                    g = g + wd * x
                sq = state["square_avg"]._data
                sq *= alpha
                sq += (1 - alpha) * g * g
                if group["centered"]:
                    ga = state["grad_avg"]._data
                    lerp_(ga, g, 1 - alpha)
                    avg = np.sqrt(sq + (-1 * ga) * ga)
                else:
                    avg = np.sqrt(sq)
                avg += eps
                if mom > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= mom
                    buf += g / avg
                    x += -lr * buf
                else:
                    x += (-lr * g) / avg
                bump(p)
        return loss


def _fused(k, x: np.ndarray, g: np.ndarray, state: dict, group: dict) -> bool:
    """The update as one fused kernel pass; False when the arrays don't suit it."""
    sq = state["square_avg"]._data
    ga = state["grad_avg"]._data if group["centered"] else x
    buf = state["momentum_buffer"]._data if group["momentum"] > 0 else x
    if not k.PARALLEL or not k.fits(x, g, sq, ga, buf):
        return False
    k.rmsprop(x, g, sq, ga, buf, group["lr"], group["alpha"], group["eps"],
              group["weight_decay"], group["momentum"], group["centered"], group["maximize"])
    return True
