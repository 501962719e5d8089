"""Linear algebra: matmul and its family (``@``)."""

from __future__ import annotations

from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape


class Mm(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d(AB)/dA = G B^T, d(AB)/dB = A^T G
        need = ctx.needs_input_grad
        return (grad @ b.mT if need[0] else None, a.mT @ grad if need[1] else None)


class Bmm(Mm):
    pass


def _check_matmul(a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are "
            f"{a._data.ndim}D and {b._data.ndim}D"
        )


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with NumPy/PyTorch broadcasting; 1-D operands act as vectors."""
    _check_matmul(input, other)
    a, b = input, other
    da, db = a._data.ndim, b._data.ndim
    if da == 1:
        a = a.unsqueeze(0)
    if db == 1:
        b = b.unsqueeze(1)
    if a._data.shape[-1] != b._data.shape[-2]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_mat(a)} and {_mat(b)})"
            if max(da, db) <= 2
            else f"Expected size for first two dimensions of batch2 tensor to be: "
            f"{fmt_shape(b._data.shape[:-2] + (a._data.shape[-1],))} but got: "
            f"{fmt_shape(b._data.shape[:-1])}."
        )
    try:
        y = (Mm if a._data.ndim == 2 and b._data.ndim == 2 else Bmm).apply(a, b)
    except ValueError:
        raise RuntimeError(
            f"matmul: batch dimensions of {fmt_shape(a.shape)} and {fmt_shape(b.shape)} "
            "cannot be broadcast"
        ) from None
    if da == 1:
        y = y.squeeze(-2)
    if db == 1:
        y = y.squeeze(-1)
    return y


def _mat(t: Tensor) -> str:
    s = t._data.shape
    return f"{s[0] if len(s) > 1 else 1}x{s[-1]}"


def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Product of two 2-D matrices (no broadcasting)."""
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(
            "self must be a matrix" if input._data.ndim != 2 else "mat2 must be a matrix"
        )
    return matmul(input, mat2)


def _rmatmul(self: Tensor, other) -> Tensor:
    return matmul(other, self)


register_methods(matmul, mm, __matmul__=matmul, __rmatmul__=_rmatmul)

__all__ = ["matmul", "mm"]
