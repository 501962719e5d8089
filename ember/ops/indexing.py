"""Indexing: ``t[key]`` and ``t[key] = value``, plus the gather/scatter family.

Basic keys (ints, slices, ``...``, ``None``) give views; integer-tensor and mask keys copy, as
in PyTorch. The gradient of a read is a scatter-add of ``grad`` into zeros, and the gradient of
that scatter-add is a read: the two ops are each other's backward, so any order works.
"""

from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape

_BASIC = (int, slice, type(None), type(Ellipsis))


def _convert_key(key):
    """A PyTorch index as a NumPy index; tells whether it is basic (a view)."""
    if not isinstance(key, tuple):
        key = (key,)
    out, basic = [], True
    for k in key:
        if isinstance(k, Tensor):
            a = k._data
            if a.dtype.kind not in "iub":
                raise IndexError(
                    "tensors used as indices must be long, int, byte or bool tensors"
                )
            if a.ndim == 0 and a.dtype.kind in "iu":
                out.append(int(a))
                continue
            basic = False
            out.append(a)
        elif isinstance(k, (bool, np.bool_)):
            basic = False
            out.append(k)
        elif isinstance(k, (_BASIC, np.integer)):
            out.append(k)
        elif isinstance(k, (list, tuple, np.ndarray)):
            basic = False
            a = np.asarray(_tensor_free(k))
            if a.dtype.kind == "f":
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    "Variables are valid indices (got float)"
                )
            out.append(a)
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                f"are valid indices (got {type(k).__name__})"
            )
    return tuple(out), basic


def _tensor_free(k):
    if isinstance(k, (list, tuple)):
        return [_tensor_free(x) for x in k]
    return k._data if isinstance(k, Tensor) else k


def _index_error(e: IndexError) -> IndexError:
    return IndexError(str(e).replace("axis", "dimension"))


class GetItem(Op):
    """``x[key]`` for a basic key: a view."""

    _name = "SliceBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, ctx.shape, ctx.key, True), None


class Index(Op):
    """``x[key]`` with integer arrays or masks: a copy."""

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, ctx.shape, ctx.key, False), None


class IndexAdd(Op):
    """Zeros of ``shape`` with ``grad`` added at ``key`` (repeats accumulate)."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, key, basic):
        ctx.key, ctx.basic = key, basic
        out = np.zeros(shape, g.dtype)
        if basic:
            out[key] = g
        else:
            np.add.at(out, key, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        cls = GetItem if ctx.basic else Index
        return cls.apply(grad, ctx.key), None, None, None


def getitem(input: Tensor, key) -> Tensor:
    a = input._data
    if a.ndim == 0 and key is not None and key is not Ellipsis and key != ():
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    k, basic = _convert_key(key)
    try:
        return (GetItem if basic else Index).apply(input, k)
    except IndexError as e:
        raise _index_error(e) from None


class SetItem(Op):
    """``x[key] = v`` recorded for autograd: x's gradient loses ``key``; v's is ``grad[key]``."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, v, key, mask):
        ctx.key, ctx.mask = key, mask
        return x

    @staticmethod
    def backward(ctx, grad):
        gx = grad * Tensor._make(ctx.mask) if ctx.needs_input_grad[0] else None
        gv = Index.apply(grad, ctx.key) if ctx.needs_input_grad[1] else None
        return gx, gv, None, None


def setitem(input: Tensor, key, value) -> None:
    """Write ``value`` into ``input[key]`` in place (value is cast to input's dtype)."""
    a = input._data
    k, basic = _convert_key(key)
    v = value._data if isinstance(value, Tensor) else value
    if isinstance(v, np.ndarray) and v.dtype != a.dtype:
        v = v.astype(a.dtype)
    record = state.enabled and (input._rg or (isinstance(value, Tensor) and value._rg))
    if record and input._rg and input.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    try:
        a[k] = v
    except IndexError as e:
        raise _index_error(e) from None
    except ValueError as e:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {fmt_shape(np.shape(v))} cannot be "
            f"broadcast to indexing result of shape {fmt_shape(a[k].shape)}"
        ) from e
    if input._ver is None:
        input._ver = [1]
    else:
        input._ver[0] += 1
    if record:
        if input._base is not None and input._base._rg:
            raise NotImplementedError(
                "Ember does not yet record in-place writes into a view of a tensor that requires "
                "grad; index the base tensor directly"
            )
        mask = np.ones(a.shape, a.dtype)
        mask[k] = 0
        if not isinstance(value, Tensor):
            value = None
        out = SetItem.apply(input, value, k, mask)
        input.grad_fn = out.grad_fn
        input._out_idx = 0
        input._rg = True


register_methods(__getitem__=getitem, __setitem__=setitem)

__all__: list[str] = []
