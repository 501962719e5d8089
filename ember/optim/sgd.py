"""SGD with momentum, dampening, Nesterov, weight decay and maximize (PyTorch's update order)."""

from __future__ import annotations

import numpy as np

from ..backend.jit import kernels
from .optimizer import Optimizer, bump, params_with_grad, required, state_tensor


class SGD(Optimizer):
    """Stochastic gradient descent: ``p -= lr * (momentum buffer or gradient)``."""

    def __init__(self, params, lr=1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach=None, differentiable: bool = False, fused=None) -> None:
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        k = kernels()
        for group in self.param_groups:
            hp = {}
            for p, x, g in params_with_grad(group):
                if k is None or not self._fused(k, p, x, g, group, hp):
                    self._update(p, x, g, group)
                bump(p)
        return loss

    def _fused(self, k, p, x: np.ndarray, g: np.ndarray, group: dict, hp: dict) -> bool:
        """The update as one fused kernel pass; False when the arrays don't suit it.

        ``hp`` caches the group's hyper-parameter array per dtype for this step.
        """
        mom, buf, state = group["momentum"], x, None
        if mom != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            buf = np.empty_like(x) if buf is None else buf._data
            if not k.fits(x, g, buf):
                return False
        elif not k.fits(x, g):
            return False
        first = state is not None and "momentum_buffer" not in state
        h = hp.get(x.dtype)
        if h is None:
            h = hp[x.dtype] = k.sgd_params(x.dtype, group["lr"], group["weight_decay"], mom,
                                           group["dampening"], group["nesterov"],
                                           group["maximize"])
        k.sgd(x, g, buf, h, first)
        if first:
            state["momentum_buffer"] = state_tensor(buf)
        return True

    def _update(self, p, x: np.ndarray, g: np.ndarray, group: dict) -> None:
        """The update in NumPy, one operation at a time."""
        lr, wd, mom = group["lr"], group["weight_decay"], group["momentum"]
        damp, nesterov = group["dampening"], group["nesterov"]
        if group["maximize"]:
            g = -g
        if wd != 0:
            g = g + wd * x
        if mom != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                state["momentum_buffer"] = state_tensor(np.array(g))
                buf = g
            else:
                b = buf._data
                b *= mom
                b += (1 - damp) * g
                buf = b
            g = g + mom * buf if nesterov else buf
        x += -lr * g
