"""Reductions: sum, mean and friends, each with ``dim`` (int or tuple) and ``keepdim``."""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import np_dtype, wrap_dims


def _axes(dim, ndim: int):
    """NumPy ``axis`` for a PyTorch ``dim`` (None, int, or tuple; an empty tuple means all)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return wrap_dims(dim, ndim)


def _unreduce(grad: Tensor, shape: tuple, axis, keepdim: bool) -> Tensor:
    """Bring a reduced gradient back to ``shape`` (a view: re-insert the dims, then expand)."""
    if not keepdim and axis is not None:
        g_shape = list(shape)
        for a in axis:
            g_shape[a] = 1
        grad = grad.reshape(g_shape)
    return grad.expand(shape)


class Sum(Op):
    @staticmethod
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        return np.sum(x, axis=axis, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim), None, None, None


def _sum_dtype(x: Tensor, dtype):
    if dtype is not None:
        return np_dtype(dtype)
    if x._data.dtype.kind in "iub":
        return np.dtype(np.int64)
    return None


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """Sum of all elements, or over ``dim``; integer and bool inputs sum to int64."""
    a = input._data
    axis = _axes(dim, a.ndim) if a.ndim else None
    return Sum.apply(input, axis, keepdim and a.ndim > 0, _sum_dtype(input, dtype))


def sum_to_size(input: Tensor, *size) -> Tensor:
    """Sum ``input`` down to a shape it was broadcast from (what autograd does for gradients)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0:
        raise RuntimeError(
            f"size {{{', '.join(map(str, size))}}} is not expandable to size "
            f"{{{', '.join(map(str, shape))}}}."
        )
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1
    )
    if not axes:
        return input
    out = Sum.apply(input, axes, True, None)
    return out.reshape(size) if lead else out


class Mean(Op):
    @staticmethod
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        ctx.count = x.size if axis is None else int(np.prod([x.shape[a] for a in axis]))
        return np.mean(x, axis=axis, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad / ctx.count, ctx.shape, ctx.axis, ctx.keepdim), None, None, None


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Arithmetic mean; integer inputs raise, as in PyTorch (pass ``dtype=`` to convert)."""
    a = input._data
    if dtype is None and a.dtype.kind not in "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_dt._FROM_NP[a.dtype]._legacy[:-6]}"
        )
    if dtype is not None:
        from .pointwise import _cast

        input = _cast(input, np_dtype(dtype))
    axis = _axes(dim, a.ndim) if a.ndim else None
    return Mean.apply(input, axis, keepdim and a.ndim > 0, None)


register_methods(sum, sum_to_size, mean)

__all__ = ["sum", "mean", "sum_to_size"]
