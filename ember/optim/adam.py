"""Adam and AdamW (PyTorch's single-tensor update, step for step)."""

from __future__ import annotations

import numpy as np

from ..backend.jit import kernels
from ._checks import betas_ok, nonneg
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


def lerp_(a: np.ndarray, b: np.ndarray, weight: float) -> None:
    """``a.lerp_(b, weight)`` with PyTorch's two-sided formula, in ``a``'s dtype."""
    w = a.dtype.type(weight)
    if w < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (a.dtype.type(1) - w)


def decay(x: np.ndarray, g: np.ndarray, lr: float, wd: float, decoupled: bool) -> np.ndarray:
    """Weight decay of the Adam family: shrink ``x`` in place (decoupled, AdamW) or add L2."""
    if wd == 0:
        return g
    if decoupled:
        x *= 1 - lr * wd
        return g
    return g + wd * x


def update_moments(m: np.ndarray, v: np.ndarray, g: np.ndarray, beta1: float,
                   beta2: float) -> None:
    """The running mean of ``g`` and of ``g**2``, in place."""
    lerp_(m, g, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g


class Adam(Optimizer):
    """Adam (Kingma & Ba), with ``amsgrad``, ``maximize`` and L2 ``weight_decay``."""

    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused=None, decoupled_weight_decay: bool = False) -> None:
        nonneg(lr=lr, eps=eps)
        betas_ok(betas)
        nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay or self.decoupled)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        k = kernels()
        for group in self.param_groups:
            for p, x, g in params_with_grad(group):
                state = self.state[p]
                if not state:
                    state["step"] = step_tensor()
                    state["exp_avg"] = state_tensor(np.zeros_like(x))
                    state["exp_avg_sq"] = state_tensor(np.zeros_like(x))
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = state_tensor(np.zeros_like(x))
                step_t = state["step"]._data
                step_t += 1
                if k is None or not self._fused(k, x, g, state, group):
                    self._update(x, g, state, group)
                bump(p)
        return loss

    @staticmethod
    def _corrections(group: dict, state: dict) -> tuple[float, float]:
        """(step size, sqrt of the second bias correction) at this step."""
        beta1, beta2 = group["betas"]
        step = float(state["step"]._data)
        return group["lr"] / (1 - beta1**step), (1 - beta2**step) ** 0.5

    def _fused(self, k, x: np.ndarray, g: np.ndarray, state: dict, group: dict) -> bool:
        """The update as one fused kernel pass; False when the arrays don't suit it."""
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        vmax = state["max_exp_avg_sq"]._data if group["amsgrad"] else v
        if not k.PARALLEL or not k.fits(x, g, m, v, vmax):
            return False
        step_size, bc2_sqrt = self._corrections(group, state)
        hp = k.adam_params(x.dtype, group["lr"], group["weight_decay"],
                           group["decoupled_weight_decay"], *group["betas"], group["eps"],
                           step_size, bc2_sqrt, group["amsgrad"], group["maximize"])
        k.adam(x, g, m, v, vmax, hp)
        return True

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        """The update in NumPy, one operation at a time."""
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            g = -g
        g = decay(x, g, group["lr"], group["weight_decay"], group["decoupled_weight_decay"])
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        update_moments(m, v, g, beta1, beta2)
        step_size, bias_correction2_sqrt = self._corrections(group, state)
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]._data
            np.maximum(vmax, v, out=vmax)
            v = vmax
        denom = np.sqrt(v) / bias_correction2_sqrt
        denom += group["eps"]
        x += (-step_size * m) / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2), as ``torch.optim.AdamW``."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach=None, capturable: bool = False, differentiable: bool = False,
                 fused=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
