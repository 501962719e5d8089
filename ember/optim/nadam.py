"""NAdam (Adam with Nesterov momentum and momentum decay), PyTorch's update order."""

from __future__ import annotations

import numpy as np

from ._checks import betas_ok, nonneg
from .adam import decay, update_moments
from .optimizer import Optimizer, bump, params_with_grad, state_tensor, step_tensor


class NAdam(Optimizer):
    """Adam with Nesterov-style lookahead on the first moment (Dozat, 2016)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        nonneg(lr=lr, eps=eps)
        betas_ok(betas)
        nonneg(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
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
                    state["mu_product"] = step_tensor(1.0)
                    state["exp_avg"] = state_tensor(np.zeros_like(x))
                    state["exp_avg_sq"] = state_tensor(np.zeros_like(x))
                if group["maximize"]:
                    g = -g
                step_t = state["step"]._data
                step_t += 1
                step = float(step_t)
                bias_correction2 = 1 - beta2**step
                g = decay(x, g, lr, wd, group["decoupled_weight_decay"])
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * group["momentum_decay"])))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * group["momentum_decay"])))
                mu_prod = state["mu_product"]._data
                mu_prod *= mu
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                update_moments(m, v, g, beta1, beta2)
                denom = np.sqrt(v / bias_correction2)
                denom += eps
                mu_product = float(mu_prod)
                x += ((-lr * (1.0 - mu) / (1.0 - mu_product)) * g) / denom
                x += (((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m) / denom
                bump(p)
        return loss
