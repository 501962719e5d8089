"""``F.linear`` (one fused node: x W^T + b) and ``F.bilinear``."""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import state
from ...autograd.node import Op
from ...tensor import Tensor


class Linear(Op):
    """y = x @ w.T + b for x of shape (*, in), one node (PyTorch's is AddmmBackward0)."""

    _name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        y = np.matmul(x, w.T)
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors  # dy/dx = W, dy/dW = g^T x summed over batch dims, dy/db = 1
        need = ctx.needs_input_grad
        if not state.enabled:  # no graph of the gradient wanted: plain arrays, no op dispatch
            return _backward_arrays(grad._data, x._data, w._data, need)
        gx = grad @ w if need[0] else None
        gw = None
        if need[1]:
            g2 = grad.reshape(-1, grad.shape[-1])
            gw = g2.t() @ x.reshape(-1, x.shape[-1])
        gb = grad.reshape(-1, grad.shape[-1]).sum(0) if need[2] else None
        return gx, gw, gb


def _backward_arrays(g: np.ndarray, x: np.ndarray, w: np.ndarray, need) -> tuple:
    g2 = g.reshape(-1, g.shape[-1])
    gx = Tensor._make(g @ w) if need[0] else None
    gw = Tensor._make(g2.T @ x.reshape(-1, x.shape[-1])) if need[1] else None
    gb = Tensor._make(np.add.reduce(g2, 0)) if need[2] else None
    return gx, gw, gb


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` over the last dim of ``input``."""
    if input.ndim == 0 or weight.ndim not in (1, 2):
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and "
            f"{weight.ndim}D"
        )
    if weight.ndim == 1 or input.ndim == 1:
        out = input @ weight.t()
        return out + bias if bias is not None else out
    if input.shape[-1] != weight.shape[1]:
        rows = int(np.prod(input.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})"
        )
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        other = weight if input.dtype != weight.dtype else bias
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(input)} != "
            f"{_c_name(other)}"
        )
    return Linear.apply(input, weight, bias)


def _c_name(t: Tensor) -> str:
    """PyTorch's C++ scalar-type spelling used in some messages ('float', 'double', 'long')."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half",
            "int64": "long int", "int32": "int"}.get(t.dtype.name, t.dtype.name)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None):
    """y_k = x1^T W_k x2 + b_k."""
    from ...ops.linalg import einsum

    y = einsum("...i,kij,...j->...k", input1, weight, input2)
    return y + bias if bias is not None else y
