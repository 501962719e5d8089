"""Softmax, log-softmax and softmin: fused, numerically stable forward passes.

The backward formulas use only the saved output and Tensor ops, so they are differentiable:
softmax'(x) g = y * (g - sum(g * y)); log_softmax'(x) g = g - softmax(x) * sum(g).
"""

from __future__ import annotations

import warnings

import numpy as np

from ... import dtypes as _dt
from ...autograd.node import Op
from ...ops._util import wrap_dim
from ...tensor import Tensor


class Softmax(Op):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        e = np.exp(x - x.max(axis=dim, keepdims=True))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors  # dy_i/dx_j = y_i (delta_ij - y_j)
        return y * (grad - (grad * y).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        ctx.save_for_backward(x)
        z = x - x.max(axis=dim, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=dim, keepdims=True))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors  # d log_softmax_i / dx_j = delta_ij - softmax_j
        return grad - Softmax.apply(x, ctx.dim) * grad.sum(ctx.dim, keepdim=True), None


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _prepare(input: Tensor, dim, dtype, name: str):
    if dim is None:
        dim = _softmax_dim(name, input.ndim, 4)
    dim = wrap_dim(dim, input.ndim)
    if dtype is not None:
        input = input.to(_dt.parse(dtype))
    elif not input.is_floating_point():
        raise RuntimeError(f'"{name}_lastdim_kernel_impl" not implemented for '
                           f"'{input.dtype._legacy[:-6]}'")
    return input, (dim if input.ndim else None)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``."""
    input, dim = _prepare(input, dim, dtype, "softmax")
    return Softmax.apply(input, dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype=None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably in one step."""
    input, dim = _prepare(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, dim)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """softmax(-x) along ``dim``."""
    input, dim = _prepare(input, dim, dtype, "softmin")
    return Softmax.apply(-input, dim)
