"""RAdam (rectified Adam), PyTorch's update order."""

from __future__ import annotations

import numpy as np

from ._checks import betas_ok, nonneg
from .adam import decay, update_moments
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class RAdam(Optimizer):
    """Adam whose adaptive step is switched on once the variance estimate is reliable."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        nonneg(lr=lr, eps=eps)
        betas_ok(betas)
        nonneg(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
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
                    state["exp_avg_sq"] = state_tensor(np.zeros_like(x))
                if group["maximize"]:
                    g = -g
                step_t = state["step"]._data
                step_t += 1
                g = decay(x, g, lr, wd, group["decoupled_weight_decay"])
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                update_moments(m, v, g, beta1, beta2)
                step = float(step_t)
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                corrected = m / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                if rho_t > 5.0:
                    num = (rho_t - 4) * (rho_t - 2) * rho_inf
                    rect = (num / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = np.sqrt(v)
                    adaptive += eps
                    adaptive = (bias_correction2**0.5) / adaptive
                    x += -1.0 * (corrected * lr * adaptive * rect)
                else:
                    x += -1.0 * (corrected * lr)
                bump(p)
        return loss
