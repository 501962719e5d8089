"""Activation functions.

Piecewise-linear ones (relu6, hardtanh, leaky_relu, threshold, the shrinks, hardsigmoid) are one
node each whose gradient is ``grad`` times a constant mask: exact to every order, since their
second derivative is zero. Smooth ones are compositions of pointwise Tensor ops, so their
higher derivatives come for free.
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd.node import Op
from ...tensor import Tensor


class _Piecewise(Op):
    """y = slope(x) * x + offset(x) with piecewise-constant slope: backward is grad * slope."""

    @staticmethod
    def forward(ctx, x, fn):
        y, slope = fn(x)
        ctx.slope = slope
        return y

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._make(ctx.slope), None


def _piecewise(name: str):
    return type(name, (_Piecewise,), {"_name": f"{name}Backward0"})


_Hardtanh = _piecewise("Hardtanh")
_LeakyRelu = _piecewise("LeakyRelu")
_Threshold = _piecewise("Threshold")
_Hardshrink = _piecewise("Hardshrink")
_Softshrink = _piecewise("Softshrink")
_Hardsigmoid = _piecewise("Hardsigmoid")


def _inplace_or(input: Tensor, out: Tensor, inplace: bool) -> Tensor:
    if not inplace:
        return out
    from ...ops.pointwise import _inplace

    return _inplace(input, out)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x); the gradient at 0 is 0, as PyTorch."""
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """Clamp to [min_val, max_val]; gradient 1 strictly inside, 0 outside (and at the bounds)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")

    def fn(x):
        inside = (x > min_val) & (x < max_val)
        return np.clip(x, min_val, max_val), inside.astype(x.dtype)

    return _inplace_or(input, _Hardtanh.apply(input, fn), inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise."""

    def fn(x):
        slope = np.where(x > 0, 1.0, negative_slope).astype(x.dtype)
        return x * slope, slope

    return _inplace_or(input, _LeakyRelu.apply(input, fn), inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value``."""

    def fn(x):
        keep = x > threshold
        return np.where(keep, x, value).astype(x.dtype), keep.astype(x.dtype)

    return _inplace_or(input, _Threshold.apply(input, fn), inplace)


def threshold_(input: Tensor, threshold_: float, value: float) -> Tensor:
    return threshold(input, threshold_, value, True)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""

    def fn(x):
        keep = (x > lambd) | (x < -lambd)
        return np.where(keep, x, 0).astype(x.dtype), keep.astype(x.dtype)

    return _Hardshrink.apply(input, fn)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""
    if lambd < 0:
        raise RuntimeError(
            f"lambda must be greater or equal to 0, but found to be {lambd}."
        )

    def fn(x):
        keep = (x > lambd) | (x < -lambd)
        y = np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0))
        return y.astype(x.dtype), keep.astype(x.dtype)

    return _Softshrink.apply(input, fn)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""

    def fn(x):
        inside = (x > -3) & (x < 3)
        return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype), (inside / 6).astype(x.dtype)

    return _inplace_or(input, _Hardsigmoid.apply(input, fn), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * hardsigmoid(x)."""
    return _inplace_or(input, input * hardsigmoid(input), inplace)


def _positive_mask(input: Tensor) -> Tensor:
    return Tensor._make((input._data > 0).astype(input._data.dtype))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    m = _positive_mask(input)
    neg = (input * (1 - m)).exp() - 1  # exp only ever sees the non-positive part
    return _inplace_or(input, input * m + neg * (alpha * (1 - m)), inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    return _inplace_or(input, elu(input, _SELU_ALPHA) * _SELU_SCALE, inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    m = _positive_mask(input)
    neg = ((input * (1 - m)) / alpha).exp() - 1
    return _inplace_or(input, input * m + neg * (alpha * (1 - m)), inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (``approximate='tanh'``: the tanh approximation)."""
    if approximate == "none":
        return input * 0.5 * (1 + (input * (1 / math.sqrt(2))).erf())
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2 / math.pi)
        return input * 0.5 * (1 + inner.tanh())
    raise RuntimeError("approximate argument must be either none or tanh.")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (swish)."""
    return _inplace_or(input, input * input.sigmoid(), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta; linear where beta x > threshold, for stability."""
    bx = input * beta
    linear = Tensor._make((bx._data > threshold).astype(input._data.dtype))
    safe = bx * (1 - linear)  # keeps exp from overflowing where the linear branch is used
    return input * linear + safe.exp().log1p() * ((1 - linear) / beta)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return _inplace_or(input, input * softplus(input).tanh(), inplace)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - input.tanh()


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), computed as -softplus(-x) so it never overflows."""
    return -softplus(-input)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b) where (a, b) are the halves of ``input`` along ``dim``."""
    if input.shape[dim] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {dim % input.ndim} is size "
            f"{input.shape[dim]}"
        )
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, weight * x otherwise (one weight, or one per channel = dim 1)."""
    w = weight
    if weight.numel() != 1:
        if input.ndim < 2 or input.shape[1] != weight.numel():
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {weight.numel()} and channel size = "
                f"{input.shape[1] if input.ndim > 1 else 1}."
            )
        w = weight.reshape((1, -1) + (1,) * (input.ndim - 2))
    m = _positive_mask(input)
    return input * m + w * input * (1 - m)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Leaky ReLU with a random slope in [lower, upper] while training, the mean otherwise."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from ...random import np_rng

    a = np_rng(None).uniform(lower, upper, input.shape).astype(input._data.dtype)
    slope = np.where(input._data > 0, 1, a).astype(input._data.dtype)
    return _inplace_or(input, input * Tensor._make(slope), inplace)
