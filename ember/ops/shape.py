"""Shape ops. View ops return NumPy views, so writes through a view reach its base."""

from __future__ import annotations

import numpy as np

from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape, shape_arg, wrap_dim


def _infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve one ``-1`` in ``shape``; PyTorch's error when the sizes don't match."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"invalid shape dimension {min(shape)}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")
        shape = shape[: neg[0]] + (numel // known,) + shape[neg[0] + 1 :]
    elif known != numel:
        raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")
    return shape


class View(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        v = x.view()
        try:
            v.shape = shape
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        return v

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class Reshape(Op):
    """A reshape that had to copy (the input's strides allowed no view)."""

    _name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.reshape(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


def view(input: Tensor, *shape) -> Tensor:
    """The same data with a new shape; errors when the strides don't allow a view."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        from .. import dtypes as _dt

        return Tensor._make(input._data.view(_dt.to_numpy_dtype(_dt.parse(shape[0]))))  # bits
    return View.apply(input, _infer_shape(shape_arg(shape), input._data.size))


def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the strides allow it, else a copy (as PyTorch)."""
    a = input._data
    shape = _infer_shape(shape_arg(shape), a.size)
    v = a.view()
    try:
        v.shape = shape
    except AttributeError:
        return Reshape.apply(input, shape)
    return View.apply(input, shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


class Expand(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine sums back to the input's shape


def expand(input: Tensor, *sizes) -> Tensor:
    """Broadcast to ``sizes`` without copying (-1 keeps a dimension)."""
    sizes = shape_arg(sizes)
    a = input._data
    if len(sizes) < a.ndim:
        raise RuntimeError(
            f"expand({input.type()}{{{fmt_shape(a.shape)}}}, size={fmt_shape(sizes)}): the "
            "number of sizes provided ({}) must be greater or equal to the number of dimensions "
            "in the tensor ({})".format(len(sizes), a.ndim)
        )
    lead = len(sizes) - a.ndim
    shape = []
    for i, s in enumerate(sizes):
        cur = a.shape[i - lead] if i >= lead else None
        if s == -1:
            if cur is None:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            s = cur
        elif cur is not None and cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {fmt_shape(sizes)}.  Tensor sizes: "
                f"{fmt_shape(a.shape)}"
            )
        shape.append(s)
    return Expand.apply(input, tuple(shape))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._data.shape)


class Permute(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(*np.argsort(ctx.dims).tolist()), None


def permute(input: Tensor, *dims) -> Tensor:
    """Reorder dimensions (a view)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    dims = tuple(wrap_dim(int(d), n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


class Transpose(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d0, ctx.d1 = d0, d1
        return np.swapaxes(x, d0, d1)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.d0, ctx.d1), None, None


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions (a view)."""
    n = input._data.ndim
    return Transpose.apply(input, wrap_dim(dim0, n), wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a matrix; 0-d and 1-d tensors come back as they are."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return View.apply(input, input._data.shape)
    return Transpose.apply(input, 0, 1)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim``."""
    a = input._data
    d = wrap_dim(dim, a.ndim + 1)
    return View.apply(input, a.shape[:d] + (1,) + a.shape[d:])


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Drop size-1 dimensions (all, or those in ``dim``)."""
    a = input._data
    if dim is None:
        dims = range(a.ndim)
    elif isinstance(dim, (tuple, list)):
        dims = [wrap_dim(d, a.ndim) for d in dim]
    else:
        dims = [wrap_dim(dim, a.ndim)]
    shape = tuple(s for i, s in enumerate(a.shape) if not (i in dims and s == 1))
    return View.apply(input, shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
    a = input._data
    if a.ndim == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, a.ndim), wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for k in a.shape[s : e + 1]:
        n *= k
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1 :])


class Contiguous(Op):
    _name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """``input`` itself when C-contiguous, else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Contiguous.apply(input)


class Clone(Op):
    @staticmethod
    def forward(ctx, x):
        return np.array(x, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy that stays in the graph."""
    return Clone.apply(input)


register_methods(
    view, reshape, view_as, reshape_as, expand, expand_as, permute, transpose, swapaxes,
    swapdims, t, unsqueeze, squeeze, flatten, contiguous, clone,
)

__all__ = [
    "view", "reshape", "view_as", "reshape_as", "expand", "expand_as", "permute", "transpose",
    "swapaxes", "swapdims", "t", "unsqueeze", "squeeze", "flatten", "contiguous", "clone",
]
