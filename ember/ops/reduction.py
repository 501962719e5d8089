"""Reductions: sums, means, products, extrema, variance, norms, running sums/products/extrema,
logical reductions, order statistics, sorting and unique, each with ``dim`` and ``keepdim`` as in
PyTorch. Results with indices are ``ember.return_types`` named tuples.

Index rules follow PyTorch's CPU kernels: ``max/min/argmax(dim)`` return the first extremum
(NaN counts as an extremum and wins); ``sort`` is stable; ``median/kthvalue/nanmedian`` pick
the index a stable sort would (NaN sorts last); ``mode`` returns the last occurrence;
``cummax/cummin`` move to every new occurrence of the running extremum.
"""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from .. import dtypes as _dt
from .. import return_types as _rt
from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..backend.reduce import fast_sum
from ..tensor import Tensor, register_methods
from ._util import np_dtype, wrap_dim, wrap_dims
from .pointwise import _IGNORE, _cast, _float_input, _quiet_off, _quiet_on, where

_INT64 = np.dtype(np.int64)
_INF = float("inf")

# ---- helpers ----------------------------------------------------------------------------------


def _axes(dim, ndim: int):
    """NumPy ``axis`` for a PyTorch ``dim`` (None, int, or tuple; an empty tuple means all)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return wrap_dims(dim, ndim)


def _reduce_args(a: np.ndarray, dim, keepdim: bool):
    """(axis, keepdim) for NumPy; a 0-d input accepts dim 0/-1 and stays 0-d, as PyTorch."""
    axis = _axes(dim, a.ndim)
    if a.ndim == 0:
        return None, False
    return axis, bool(keepdim)


def _count(shape: tuple, axis) -> int:
    """How many elements each output element of a reduction over ``axis`` combines."""
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    return int(np.prod([shape[a] for a in axis], dtype=np.int64))


def _unreduce(grad: Tensor, shape: tuple, axis, keepdim: bool) -> Tensor:
    """Bring a reduced gradient back to ``shape`` (a view: re-insert the dims, then expand)."""
    if not keepdim and axis is not None:
        g_shape = list(shape)
        for a in axis:
            g_shape[a] = 1
        grad = grad.reshape(g_shape)
    return grad.expand(shape)


def _keepdims(y: np.ndarray, ndim: int, axis, keepdim: bool) -> np.ndarray:
    """A reduced array with its reduced dims back as size 1 (for broadcasting against input)."""
    if keepdim or ndim == 0:
        return y
    if axis is None:
        return y.reshape((1,) * ndim)
    return np.expand_dims(y, axis)


def _np_sum(x: np.ndarray, axis, keepdims: bool) -> np.ndarray:
    y = fast_sum(x, axis, keepdims)
    return np.sum(x, axis=axis, keepdims=keepdims) if y is None else y


def _quietly(forward):
    """A forward that computes without NumPy's floating-point warnings (inf - inf in a sum,
    0/0 in an empty mean): PyTorch returns inf/NaN silently."""

    def quiet(*args):
        token = _quiet_on(_IGNORE)
        try:
            return forward(*args)
        finally:
            _quiet_off(token)

    return quiet


def _type_name(a: np.ndarray) -> str:
    """PyTorch's short scalar-type name (``Long``, ``Float``, ``Bool``) of an array."""
    return _dt._FROM_NP[a.dtype]._legacy[:-6]


def _sum_dtype(x: Tensor, dtype):
    """Accumulation dtype: the requested one, else int64 for integers/bools, else the input's."""
    if dtype is not None:
        return np_dtype(dtype)
    if x._data.dtype.kind in "iub":
        return _INT64
    return None


def _check_dim_sizes(a: np.ndarray, axis, name: str, sep: str = "():") -> None:
    """PyTorch refuses to reduce an empty dim with no identity (max, argmax, median...)."""
    if axis is None:
        if a.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return
    for d in axis:
        if a.shape[d] == 0:
            raise IndexError(f"{name}{sep} Expected reduction dim {d} to have non-zero size.")


def _int_dim(dim, name: str) -> int:
    if isinstance(dim, (bool, tuple, list)) or not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"{name}(): argument 'dim' must be int, not {type(dim).__name__}"
        )
    return int(dim)


def _one_dim(a: np.ndarray, dim, name: str) -> int:
    """Wrap a single int ``dim`` (0-d inputs accept 0 and -1)."""
    return wrap_dim(_int_dim(dim, name), a.ndim)


# ---- sum / mean / prod ------------------------------------------------------------------------


class Sum(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        if dtype is None:
            y = fast_sum(x, axis, keepdim)
            if y is not None:
                return y
        return np.add.reduce(x, axis, dtype, None, keepdim)  # np.sum's Python layer costs 1 us

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i sum(x) = 1
        return _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim), None, None, None


class SumDim(Sum):
    _name = "SumBackward1"


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """Sum of all elements, or over ``dim`` (int or tuple); integers and bools sum to int64."""
    axis, keep = _reduce_args(input._data, dim, keepdim)
    op = Sum if dim is None else SumDim
    return op.apply(input, axis, keep, _sum_dtype(input, dtype))


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
    out = SumDim.apply(input, axes, True, None)
    return out.reshape(size) if lead else out


class Nansum(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        if x.dtype.kind != "f":
            return np.sum(x, axis=axis, keepdims=keepdim, dtype=dtype)
        ctx.save_for_backward(x)
        y = _np_sum(x, axis, keepdim) if dtype is None else np.sum(x, axis, dtype, None, keepdim)
        if np.isnan(y).any():  # only then is there a NaN to skip (one pass in the usual case)
            y = np.nansum(x, axis=axis, keepdims=keepdim, dtype=dtype)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i nansum(x) = 1 where x_i is not NaN, else 0
        (x,) = ctx.saved_tensors
        g = _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim)
        return where(Tensor._make(np.isnan(x._data)), 0.0, g), None, None, None


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum treating NaN as zero; integers and bools sum to int64."""
    axis, keep = _reduce_args(input._data, dim, keepdim)
    return Nansum.apply(input, axis, keep, _sum_dtype(input, dtype))


class Mean(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        ctx.count = n = _count(x.shape, axis)
        y = _np_sum(x, axis, keepdim)
        return y / (n if n else x.dtype.type(0))

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i mean(x) = 1 / N
        g = _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim)
        return g / ctx.count, None, None


class MeanDim(Mean):
    _name = "MeanBackward1"


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Arithmetic mean; integer and bool inputs raise, as in PyTorch (pass a float ``dtype=``)."""
    a = input._data
    if dtype is not None:
        nd = np_dtype(dtype)
        if nd.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Optional dtype must be either a floating "
                f"point or complex dtype. Got: {_dt._FROM_NP[nd]._legacy[:-6]}"
            )
        input = _cast(input, nd)
    elif a.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_type_name(a)}"
        )
    axis, keep = _reduce_args(a, dim, keepdim)
    return (Mean if dim is None else MeanDim).apply(input, axis, keep)


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean of the non-NaN elements (NaN where there are none)."""
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{_type_name(a)}"
        )
    if dtype is not None:
        input = _cast(input, np_dtype(dtype))
    n = (~np.isnan(a)).sum(axis=_reduce_args(a, dim, keepdim)[0],
                           keepdims=_reduce_args(a, dim, keepdim)[1])
    return nansum(input, dim, keepdim) / Tensor._make(np.asarray(n, input._data.dtype))


_TREE_MIN = 1 << 12


def _tree_prod(x: np.ndarray, axis, keepdim: bool) -> np.ndarray:
    """Product over ``axis`` (None or one dim) of a non-empty array by multiplying halves:
    log2(n) vectorised steps, where NumPy's float product goes one element at a time."""
    if axis is None:
        x, d, keepdim = x.reshape(-1), 0, False
    else:
        (d,) = axis
    n = x.shape[d]
    lo, hi = [slice(None)] * x.ndim, [slice(None)] * x.ndim
    while n > 1:
        h = n // 2
        lo[d], hi[d] = slice(0, h), slice(h, 2 * h)
        y = x[tuple(lo)] * x[tuple(hi)]
        if n % 2:
            lo[d], hi[d] = slice(0, 1), slice(n - 1, n)
            y[tuple(lo)] *= x[tuple(hi)]
        x, n = y, h
    return x if keepdim else x.reshape(()) if axis is None else np.squeeze(x, d)


class Prod(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        if dtype is None and x.dtype.kind == "f" and x.size >= _TREE_MIN:
            y = _tree_prod(x, axis, keepdim)
        else:
            y = np.asarray(np.prod(x, axis=axis, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i prod(x) = prod of the other elements (= y / x_i when no x is zero)
        x, y = ctx.saved_tensors
        g = _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim)
        if not (x._data == 0).any():
            return g * _unreduce(y, ctx.shape, ctx.axis, ctx.keepdim) / x, None, None, None
        axis = tuple(range(x.ndim)) if ctx.axis is None else ctx.axis
        return g * _prod_others(x, axis), None, None, None


class ProdDim(Prod):
    _name = "ProdBackward1"


def _prod_others(x: Tensor, axis: tuple) -> Tensor:
    """For each element, the product of the other elements of its group, without division:
    exclusive running products from the left and from the right."""
    from .shape import cat, movedim

    n, nd = len(axis), x.ndim
    tail = tuple(range(nd - n, nd))
    moved = movedim(x, axis, tail) if n else x
    flat = moved.reshape(moved.shape[: nd - n] + (-1,))
    ones = Tensor._make(np.ones(flat.shape[:-1] + (1,), x._data.dtype))
    left = cumprod(cat([ones, flat[..., :-1]], -1), -1)
    right = cumprod(cat([ones, flat.flip(-1)[..., :-1]], -1), -1).flip(-1)
    res = (left * right).reshape(moved.shape)
    return movedim(res, tail, axis) if n else res


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of all elements, or along one ``dim``; integers and bools give int64."""
    a = input._data
    if dim is None:
        return Prod.apply(input, None, False, _sum_dtype(input, dtype))
    d = _one_dim(a, dim, "prod")
    axis, keep = ((d,), bool(keepdim)) if a.ndim else (None, False)
    return ProdDim.apply(input, axis, keep, _sum_dtype(input, dtype))


# ---- max / min / amax / amin / aminmax / argmax -----------------------------------------------


def _shared_weights(x: np.ndarray, y: np.ndarray, ndim: int, axis, keepdim: bool) -> np.ndarray:
    """1/count at each element equal to its group's extremum (NaN matching NaN), else 0."""
    yk = _keepdims(y, ndim, axis, keepdim)
    mask = x == yk
    if x.dtype.kind == "f":
        mask |= np.isnan(x) & np.isnan(yk)
    count = mask.sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (mask / count).astype(x.dtype)


class Amax(Op):
    """amax/amin, and max()/min() of everything: ties share the gradient evenly."""

    @staticmethod
    def forward(ctx, x, axis, keepdim, largest):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        y = np.asarray((np.max if largest else np.min)(x, axis=axis, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i max(x) = 1 where x_i is the max, split evenly among ties
        x, y = ctx.saved_tensors
        w = _shared_weights(x._data, y._data, x.ndim, ctx.axis, ctx.keepdim)
        g = _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim)
        return g * Tensor._make(w), None, None, None


class Amin(Amax):
    pass


class MaxAll(Amax):
    _name = "MaxBackward1"


class MinAll(Amax):
    _name = "MinBackward1"


class _Pick(Op):
    """Values taken along ``dim`` at indices found beforehand (max/min/median/mode/kthvalue/
    sort/topk with a dim); the gradient goes back to those indices."""

    @staticmethod
    def forward(ctx, x, idx, dim, keepdim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        if x.ndim == 0:
            return x.copy()
        y = np.take_along_axis(x, idx, axis=dim)
        return y if keepdim else np.squeeze(y, dim)

    @staticmethod
    def backward(ctx, grad):
        # d/dx y_j = 1 at the index y_j was taken from
        if not ctx.shape:
            return grad, None, None, None
        return ScatterDim.apply(grad, ctx.idx, ctx.dim, ctx.shape), None, None, None


class MaxDim(_Pick):
    _name = "MaxBackward0"


class MinDim(_Pick):
    _name = "MinBackward0"


class MedianDim(_Pick):
    _name = "MedianBackward1"


class NanmedianDim(_Pick):
    _name = "NanmedianBackward1"


class Mode(_Pick):
    pass


class Kthvalue(_Pick):
    pass


class Sort(_Pick):
    pass


class Topk(_Pick):
    pass


class ScatterDim(Op):
    """Zeros of ``shape`` with ``g`` placed at ``idx`` along ``dim`` (the adjoint of a gather)."""

    _name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, g, idx, dim, shape):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, g.dtype)
        np.put_along_axis(out, idx, g.reshape(idx.shape), axis=dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dg scatter(g) = gather of the incoming gradient at the same places
        return GatherDim.apply(grad, ctx.idx, ctx.dim), None, None, None


class GatherDim(Op):
    _name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # d/dx gather(x) = scatter-add of the gradient back to where each value came from
        return ScatterAddDim.apply(grad, ctx.idx, ctx.dim, ctx.shape), None, None


class ScatterAddDim(Op):
    _name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, idx, dim, shape):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, g.dtype)
        index = list(np.indices(idx.shape, sparse=True))
        index[dim] = idx
        np.add.at(out, tuple(index), g)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dg scatter_add(g) = gather at the same places
        return GatherDim.apply(grad, ctx.idx, ctx.dim), None, None, None


def _values_indices(op, input: Tensor, idx: np.ndarray, d: int, keepdim: bool, rtype):
    """The named tuple (values, indices) for indices ``idx`` (with ``d`` kept as size 1)."""
    a = input._data
    vals = op.apply(input, idx, d, keepdim)
    if a.ndim == 0:
        return rtype(vals, Tensor._make(np.zeros((), np.int64)))
    return rtype(vals, Tensor._make(idx if keepdim else np.squeeze(idx, d)))


def _max_min(input: Tensor, dim, keepdim: bool, largest: bool):
    name = "max" if largest else "min"
    a = input._data
    if dim is None:
        _check_dim_sizes(a, None, name)
        return (MaxAll if largest else MinAll).apply(input, None, False, largest)
    if isinstance(dim, Tensor):  # max(a, b): elementwise
        from .pointwise import maximum, minimum

        return (maximum if largest else minimum)(input, dim)
    d = _one_dim(a, dim, name)
    idx = np.zeros((), np.int64)
    if a.ndim:
        _check_dim_sizes(a, (d,), name)
        idx = (np.argmax if largest else np.argmin)(a, axis=d, keepdims=True)
    op = MaxDim if largest else MinDim
    return _values_indices(op, input, idx, d, keepdim, getattr(_rt, name))


def max(input: Tensor, dim=None, keepdim: bool = False):  # noqa: A001
    """The largest element (ties share the gradient); with ``dim``, the named tuple (values,
    indices) whose gradient goes to the returned index; with a tensor, elementwise maximum."""
    return _max_min(input, dim, keepdim, True)


def min(input: Tensor, dim=None, keepdim: bool = False):  # noqa: A001
    """The smallest element; see ``max``."""
    return _max_min(input, dim, keepdim, False)


def _amax_amin(input: Tensor, dim, keepdim: bool, largest: bool) -> Tensor:
    a = input._data
    axis, keep = _reduce_args(a, dim, keepdim)
    _check_dim_sizes(a, axis, "amax" if largest else "amin")
    return (Amax if largest else Amin).apply(input, axis, keep, largest)


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Max over ``dim`` (int or tuple; all dims by default); ties share the gradient evenly."""
    return _amax_amin(input, dim, keepdim, True)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Min over ``dim`` (int or tuple; all dims by default); ties share the gradient evenly."""
    return _amax_amin(input, dim, keepdim, False)


class Aminmax(Op):
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        lo = np.asarray(np.min(x, axis=axis, keepdims=keepdim))
        hi = np.asarray(np.max(x, axis=axis, keepdims=keepdim))
        ctx.save_for_backward(x, lo, hi)
        return lo, hi

    @staticmethod
    def backward(ctx, g_lo, g_hi):
        # each output's gradient goes to its extremum, split evenly among ties
        x, lo, hi = ctx.saved_tensors
        args = (x.ndim, ctx.axis, ctx.keepdim)
        out = None
        for g, y in ((g_lo, lo), (g_hi, hi)):
            if g is not None:
                w = Tensor._make(_shared_weights(x._data, y._data, *args))
                term = _unreduce(g, ctx.shape, ctx.axis, ctx.keepdim) * w
                out = term if out is None else out + term
        return out, None, None


def aminmax(input: Tensor, *, dim=None, keepdim: bool = False):
    """(min, max) over one ``dim`` or everything, as ``ember.return_types.aminmax``."""
    a = input._data
    if dim is None:
        if a.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation "
                "has no identity."
            )
        axis, keep = (None, bool(keepdim) and a.ndim > 0)
    else:
        d = _one_dim(a, dim, "aminmax")
        axis, keep = ((d,), bool(keepdim)) if a.ndim else (None, False)
        _check_dim_sizes(a, axis, "aminmax", ":")
    return _rt.aminmax(*Aminmax.apply(input, axis, keep))


def _arg(input: Tensor, dim, keepdim: bool, largest: bool) -> Tensor:
    name = "argmax" if largest else "argmin"
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    fn = np.argmax if largest else np.argmin
    if dim is None:
        if a.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        return Tensor._make(np.full((1,) * a.ndim if keepdim else (), fn(a), np.int64))
    d = _one_dim(a, dim, name)
    if a.ndim == 0:
        return Tensor._make(np.zeros((), np.int64))
    _check_dim_sizes(a, (d,), name)
    return Tensor._make(fn(a, axis=d, keepdims=bool(keepdim)))


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the first largest element (of the flattened input, or along ``dim``); int64."""
    return _arg(input, dim, keepdim, True)


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the first smallest element (of the flattened input, or along ``dim``); int64."""
    return _arg(input, dim, keepdim, False)


# ---- var / std --------------------------------------------------------------------------------


def _var_np(x: np.ndarray, axis, keepdim: bool, correction: float, name: str):
    """(variance, mean with dims kept) on arrays, in the input's precision."""
    n = _count(x.shape, axis)
    denom = builtins.max(n - correction, 0)
    if denom == 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than "
            "the reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=6,
        )
    m = _np_sum(x, axis, True) / (n if n else x.dtype.type(0))
    d = np.asarray(x - m)
    np.multiply(d, d, out=d)
    v = _np_sum(d, axis, keepdim) / (denom if denom else x.dtype.type(0))
    return np.asarray(v, x.dtype), m


def _var_grad(g: Tensor, x: Tensor, ctx) -> Tensor:
    # d/dx var = 2 (x - mean) / (N - correction)
    rest = _count(ctx.shape, ctx.axis) - ctx.correction
    scale = 2.0 / rest if rest else _INF
    m = x.mean(ctx.axis, keepdim=True) if x.ndim else x
    return _unreduce(g, ctx.shape, ctx.axis, ctx.keepdim) * (x - m) * scale


def _std_grad(g: Tensor, y: Tensor, x: Tensor, ctx) -> Tensor:
    # d/dx std = d/dx var / (2 std), taken as 0 where std is 0
    zero = y._data == 0
    y_safe = where(Tensor._make(zero), 1.0, y) if zero.any() else y
    g = g / (y_safe * 2.0)
    if zero.any():
        g = g * Tensor._make(~zero)
    return _var_grad(g, x, ctx)


class Var(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, correction):
        ctx.shape, ctx.axis, ctx.keepdim, ctx.correction = x.shape, axis, keepdim, correction
        ctx.save_for_backward(x)
        return _var_np(x, axis, keepdim, correction, "var")[0]

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return _var_grad(grad, x, ctx), None, None, None


class Std(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, correction):
        ctx.shape, ctx.axis, ctx.keepdim, ctx.correction = x.shape, axis, keepdim, correction
        y = np.sqrt(_var_np(x, axis, keepdim, correction, "std")[0])
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return _std_grad(grad, y, x, ctx), None, None, None


class VarMean(Op):
    n_outputs = 2

    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, correction):
        ctx.shape, ctx.axis, ctx.keepdim, ctx.correction = x.shape, axis, keepdim, correction
        v, m = _var_np(x, axis, keepdim, correction, "var_mean")
        ctx.save_for_backward(x)
        return v, np.asarray(m if keepdim else m.reshape(v.shape))

    @staticmethod
    def backward(ctx, g_var, g_mean):
        # var part as in var; d/dx mean = 1 / N
        (x,) = ctx.saved_tensors
        out = None if g_var is None else _var_grad(g_var, x, ctx)
        if g_mean is not None:
            gm = _unreduce(g_mean, ctx.shape, ctx.axis, ctx.keepdim) / _count(ctx.shape, ctx.axis)
            out = gm if out is None else out + gm
        return out, None, None, None


class StdMean(Op):
    n_outputs = 2

    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim, correction):
        ctx.shape, ctx.axis, ctx.keepdim, ctx.correction = x.shape, axis, keepdim, correction
        v, m = _var_np(x, axis, keepdim, correction, "std_mean")
        y = np.sqrt(v)
        ctx.save_for_backward(x, y)
        return y, np.asarray(m if keepdim else m.reshape(v.shape))

    @staticmethod
    def backward(ctx, g_std, g_mean):
        # std part as in std; d/dx mean = 1 / N
        x, y = ctx.saved_tensors
        out = None if g_std is None else _std_grad(g_std, y, x, ctx)
        if g_mean is not None:
            gm = _unreduce(g_mean, ctx.shape, ctx.axis, ctx.keepdim) / _count(ctx.shape, ctx.axis)
            out = gm if out is None else out + gm
        return out, None, None, None


def _var_call(op, input: Tensor, dim, unbiased, keepdim: bool, correction):
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # var(input, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    elif unbiased is not None:
        raise TypeError(f"{op.__name__.lower()}(): cannot take both 'unbiased' and 'correction'")
    axis, keep = _reduce_args(a, dim, keepdim)
    return op.apply(input, axis, keep, correction)


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Variance over ``dim`` with ``correction`` (1, unbiased, by default; ``unbiased=False``
    or ``correction=0`` for the population variance)."""
    return _var_call(Var, input, dim, unbiased, keepdim, correction)


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Standard deviation (unbiased by default); its gradient is 0 where it is 0."""
    return _var_call(Std, input, dim, unbiased, keepdim, correction)


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """(var, mean) in one pass, a plain tuple as in PyTorch."""
    return _var_call(VarMean, input, dim, unbiased, keepdim, correction)


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """(std, mean) in one pass, a plain tuple as in PyTorch."""
    return _var_call(StdMean, input, dim, unbiased, keepdim, correction)


# ---- norm / logsumexp -------------------------------------------------------------------------


def _sum_squares(x: np.ndarray, axis, keepdim: bool) -> np.ndarray:
    """sum(x * x) over ``axis`` without an (x * x) temporary: BLAS dot or einsum."""
    if axis is None and x.flags.c_contiguous:
        flat = x.reshape(-1)
        return np.full((1,) * x.ndim if keepdim else (), np.dot(flat, flat), x.dtype)
    letters = "abcdefghijklmnopqrstuvwxyz"[: x.ndim]
    kept = "".join(c for i, c in enumerate(letters) if axis is not None and i not in axis)
    y = np.einsum(f"{letters},{letters}->{kept}", x, x)
    return _keepdims(y, x.ndim, axis, False) if keepdim else y


def _vector_norm_np(x: np.ndarray, p: float, axis, keepdim: bool) -> np.ndarray:
    if p == 2:
        return np.sqrt(_sum_squares(x, axis, keepdim))
    if p == 0:
        return np.count_nonzero(x, axis=axis, keepdims=keepdim).astype(x.dtype)
    a = np.abs(x)
    if p == 1:
        return _np_sum(a, axis, keepdim)
    if p == _INF or p == -_INF:
        if x.size == 0:
            raise RuntimeError(
                "linalg.vector_norm cannot compute the inf norm on an empty tensor because the "
                "operation does not have an identity"
            )
        return (np.max if p > 0 else np.min)(a, axis=axis, keepdims=keepdim)
    return np.power(_np_sum(np.power(a, p), axis, keepdim), 1.0 / p)


class VectorNorm(Op):
    _name = "LinalgVectorNormBackward0"

    @staticmethod
    @_quietly
    def forward(ctx, x, p, axis, keepdim):
        ctx.p, ctx.shape, ctx.axis, ctx.keepdim = p, x.shape, axis, keepdim
        y = np.asarray(_vector_norm_np(x, p, axis, keepdim), x.dtype)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/dx ||x||_p = sgn(x) |x|^(p-1) / ||x||^(p-1); 0 where the norm is 0, as PyTorch
        x, y = ctx.saved_tensors
        p, args = ctx.p, (ctx.shape, ctx.axis, ctx.keepdim)
        if p == 0:
            return None, None, None, None  # PyTorch leaves this gradient undefined
        g = _unreduce(grad, *args)
        if p == 1:
            return g * x.sgn(), None, None, None
        if p in (_INF, -_INF):
            w = _shared_weights(np.abs(x._data), y._data, x.ndim, ctx.axis, ctx.keepdim)
            return g * x.sgn() * Tensor._make(w), None, None, None
        zero = y._data == 0
        if zero.any():
            y = where(Tensor._make(zero), 1.0, y)
            g = g * _unreduce(Tensor._make(~zero), *args)
        yk = _unreduce(y, *args)
        if p == 2:
            return g * x / yk, None, None, None
        xz = x._data == 0
        if p < 1 and xz.any():
            scaled = x.sgn() * where(Tensor._make(xz), 1.0, x).abs() ** (p - 1)
        else:
            scaled = x.sgn() * x.abs() ** (p - 1)
        return scaled * g / yk ** (p - 1), None, None, None


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default): p = 2/'fro', 1, inf, -inf, 0, any
    other number; 'nuc' is the nuclear norm of matrices. Its gradient is 0 at the origin."""
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{_type_name(a)}"
        )
    if dtype is not None:
        nd = np_dtype(dtype)
        if np.promote_types(a.dtype, nd) != nd:
            raise RuntimeError(
                f"linalg.vector_norm: the dtype of the input ({_type_name(a)}) should be "
                f"convertible without narrowing to the specified dtype "
                f"({_dt._FROM_NP[nd]._legacy[:-6]})"
            )
        input = _cast(input, nd)
    if p == "nuc":
        from ..linalg import matrix_norm

        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)
    if p is None or p == "fro":
        p = 2
    elif isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type {p!r}")
    axis, keep = _reduce_args(a, dim, keepdim)
    return VectorNorm.apply(input, float(p), axis, keep)


# logsumexp without the shift is exact when low < y < high (by itemsize): then no exp(x)
# overflowed and the largest was a normal number, not an underflowed one
_LSE_LOW = {2: -5.0, 4: -60.0, 8: -600.0}
_LSE_HIGH = {2: 10.0, 4: 80.0, 8: 700.0}


def _logsumexp_shifted(x: np.ndarray, axis, keepdim: bool) -> np.ndarray:
    """log(sum(exp(x - m))) + m with m the max (0 where it is infinite): never overflows."""
    if x.size == 0:
        return np.log(np.sum(x, axis=axis, keepdims=keepdim))
    m = np.asarray(np.max(x, axis=axis, keepdims=True))
    m[~np.isfinite(m)] = 0
    e = np.asarray(x - m)
    np.exp(e, out=e)
    y = np.log(_np_sum(e, axis, True))
    y += m
    if keepdim:
        return y
    return y.reshape(()) if axis is None else np.squeeze(y, axis)


class Logsumexp(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, axis, keepdim):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        y = None
        if x.size:  # exp without the shift where that cannot overflow or lose the max
            y = np.log(_np_sum(np.exp(x), axis, keepdim))
            size = x.dtype.itemsize
            if not np.all((y > _LSE_LOW[size]) & (y < _LSE_HIGH[size])):  # NaN fails too
                y = None
        if y is None:
            y = _logsumexp_shifted(x, axis, keepdim)
        y = np.asarray(y, x.dtype)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/dx logsumexp(x) = exp(x - logsumexp(x)), the softmax
        x, y = ctx.saved_tensors
        args = (ctx.shape, ctx.axis, ctx.keepdim)
        return _unreduce(grad, *args) * (x - _unreduce(y, *args)).exp(), None, None


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over ``dim``, computed stably (the max is taken out first); integer
    inputs give the default float dtype."""
    x = _float_input(input)
    axis, keep = _reduce_args(x._data, dim, keepdim)
    return Logsumexp.apply(x, axis, keep)


# ---- running sums / products / extrema --------------------------------------------------------


def _rev_cumsum(t: Tensor, d: int) -> Tensor:
    """sum_{j >= i} t_j along ``d``."""
    return t.flip(d).cumsum(d).flip(d)


class Cumsum(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        if x.ndim == 0:
            return np.array(x, dtype=dtype)
        return np.cumsum(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i sum_{j<=k} x_j = 1 for k >= i: a reversed running sum of the gradient
        if grad.ndim == 0:
            return grad, None, None
        return _rev_cumsum(grad, ctx.dim), None, None


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running sum along ``dim`` (integers and bools give int64)."""
    d = _one_dim(input._data, dim, "cumsum")
    return Cumsum.apply(input, d, _sum_dtype(input, dtype))


class Cumprod(Op):
    @staticmethod
    @_quietly
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        y = np.array(x, dtype=dtype) if x.ndim == 0 else np.cumprod(x, axis=dim, dtype=dtype)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/dx_i y_k = y_k / x_i for k >= i; exact (no division by 0) past a slice's first zero
        x, y = ctx.saved_tensors
        if x.ndim == 0:
            return grad, None, None
        d, xa = ctx.dim, x._data
        zero = xa == 0
        if not zero.any():
            return _rev_cumsum(grad * y, d) / x, None, None
        if state.enabled:  # building a graph: a formula that stays exact when differentiated
            return _cumprod_grad_products(grad, x, d), None, None
        shape = [1] * xa.ndim
        shape[d] = -1
        pos = np.arange(xa.shape[d]).reshape(shape)
        first = np.where(zero.any(d, keepdims=True), np.argmax(zero, d, keepdims=True),
                         xa.shape[d])
        before, at = pos < first, pos == first
        dt = xa.dtype
        x_before = where(Tensor._make(before), x, 1.0)
        term = _rev_cumsum(grad * y, d) / x_before * Tensor._make(before.astype(dt))
        x_skip = where(Tensor._make(at), 1.0, x)  # the first zero replaced by 1
        at_zero = _rev_cumsum(grad * cumprod(x_skip, d), d) * Tensor._make(at.astype(dt))
        return term + at_zero, None, None


def _cumprod_grad_products(grad: Tensor, x: Tensor, d: int) -> Tensor:
    """sum_{k>=i} grad_k prod_{j<=k, j!=i} x_j as products only (O(n^2)): differentiable to
    any order even where x has zeros."""
    from .shape import stack

    n, dt = x.shape[d], x._data.dtype
    shape = [1] * x.ndim
    shape[d] = n
    cols = []
    for i in range(n):
        onehot = np.zeros(n, dt)
        onehot[i] = 1
        x_i1 = x * Tensor._make((1 - onehot).reshape(shape)) + Tensor._make(onehot.reshape(shape))
        from_i = Tensor._make((np.arange(n) >= i).astype(dt).reshape(shape))
        cols.append((grad * x_i1.cumprod(d) * from_i).sum(d))
    return stack(cols, d)


def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running product along ``dim`` (integers and bools give int64); its gradient is exact
    with zeros in the input."""
    d = _one_dim(input._data, dim, "cumprod")
    return Cumprod.apply(input, d, _sum_dtype(input, dtype))


def _inplace_cum(fn):
    def op(self: Tensor, dim: int, *, dtype=None) -> Tensor:
        from .pointwise import _inplace, _src

        return _inplace(self, fn(_src(self), dim, dtype=dtype))

    op.__name__ = fn.__name__ + "_"
    op.__doc__ = f"In-place ``{fn.__name__}``."
    return op


cumsum_ = _inplace_cum(cumsum)
cumprod_ = _inplace_cum(cumprod)


class Cummax(Op):
    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return x.copy() if x.ndim == 0 else np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # each running extremum passes its gradient to the element it is (summed per element)
        if not ctx.shape:
            return grad, None, None
        return ScatterAddDim.apply(grad, ctx.idx, ctx.dim, ctx.shape), None, None


class Cummin(Cummax):
    pass


def _cum_extreme(input: Tensor, dim: int, largest: bool):
    name = "cummax" if largest else "cummin"
    a = input._data
    d = _one_dim(a, dim, name)
    if a.ndim == 0:
        idx = np.zeros((), np.int64)
    else:
        acc = (np.maximum if largest else np.minimum).accumulate(a, axis=d)
        hit = a == acc
        if a.dtype.kind == "f":
            hit |= np.isnan(a)
        shape = [1] * a.ndim
        shape[d] = -1
        pos = np.where(hit, np.arange(a.shape[d], dtype=np.int64).reshape(shape), 0)
        idx = np.maximum.accumulate(pos, axis=d)
    vals = (Cummax if largest else Cummin).apply(input, idx, d)
    return getattr(_rt, name)(vals, Tensor._make(idx))


def cummax(input: Tensor, dim: int):
    """Running maximum along ``dim`` and where it was last attained: (values, indices)."""
    return _cum_extreme(input, dim, True)


def cummin(input: Tensor, dim: int):
    """Running minimum along ``dim`` and where it was last attained: (values, indices)."""
    return _cum_extreme(input, dim, False)


# ---- logical reductions -----------------------------------------------------------------------


def _logical(fn, input: Tensor, dim, keepdim: bool) -> Tensor:
    a = input._data
    axis, keep = _reduce_args(a, dim, keepdim)
    r = np.asarray(fn(a, axis=axis, keepdims=keep))
    return Tensor._make(r.astype(np.uint8) if a.dtype == np.uint8 else r)


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (over ``dim``) is non-zero: bool (uint8 for uint8 input)."""
    return _logical(np.all, input, dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether some element (over ``dim``) is non-zero: bool (uint8 for uint8 input)."""
    return _logical(np.any, input, dim, keepdim)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """Number of non-zero elements (over ``dim``, int or tuple), as int64."""
    a = input._data
    axis = _reduce_args(a, dim, False)[0]
    if a.dtype != np.bool_:
        a = a != 0  # counting a bool array is much faster than testing each value
    return Tensor._make(np.asarray(np.count_nonzero(a, axis=axis), np.int64))


# ---- order statistics -------------------------------------------------------------------------


def _stable_index(a: np.ndarray, d: int, v: np.ndarray, k) -> np.ndarray:
    """Index along ``d`` (kept as size 1) of the element a stable sort puts at position ``k``,
    given its value ``v`` (dims kept): the (k - #smaller)-th occurrence of ``v``."""
    is_f = a.dtype.kind == "f"
    eq = a == v
    if is_f:
        a_nan, v_nan = np.isnan(a), np.isnan(v)
        eq |= a_nan & v_nan
    if (eq.sum(axis=d, keepdims=True) == 1).all():  # no ties: its only occurrence
        return np.argmax(eq, axis=d, keepdims=True)
    less = ((a < v) | (~a_nan & v_nan)) if is_f else a < v
    r = k - less.sum(axis=d, keepdims=True)
    return np.argmax(np.cumsum(eq, axis=d) > r, axis=d, keepdims=True)


def _kth_index(a: np.ndarray, d: int, k: int) -> np.ndarray:
    """Index (dim kept) of the k-th smallest (0-based) along ``d``, NaN last; O(n)."""
    v = np.take(np.partition(a, k, axis=d), [k], axis=d)
    return _stable_index(a, d, v, k)


class MedianAll(Amax):
    """median() of everything: ties share the gradient evenly, as PyTorch."""

    _name = "MedianBackward0"

    @staticmethod
    def forward(ctx, x, value):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, None, False
        ctx.save_for_backward(x, value)
        return value


class NanmedianAll(MedianAll):
    _name = "NanmedianBackward0"


def _lower_median(flat: np.ndarray, dtype) -> np.ndarray:
    if flat.size == 0:
        return np.array(np.nan if dtype.kind == "f" else np.iinfo(dtype).min, dtype)
    k = (flat.size - 1) // 2
    return np.array(np.partition(flat, k)[k], dtype)


def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median (NaN if any element is NaN); with ``dim``, (values, indices)."""
    a = input._data
    if dim is None:
        flat = a.reshape(-1)
        if a.dtype.kind == "f" and np.isnan(flat).any():
            return MedianAll.apply(input, np.array(np.nan, a.dtype))
        return MedianAll.apply(input, _lower_median(flat, a.dtype))
    d = _one_dim(a, dim, "median")
    idx = np.zeros((), np.int64)
    if a.ndim:
        _check_dim_sizes(a, (d,), "median")
        idx = _kth_index(a, d, (a.shape[d] - 1) // 2)
        if a.dtype.kind == "f":
            nan = np.isnan(a)
            has = nan.any(axis=d, keepdims=True)
            if has.any():
                idx = np.where(has, np.argmax(nan, axis=d, keepdims=True), idx)
    return _values_indices(MedianDim, input, idx, d, keepdim, _rt.median)


def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median ignoring NaN (NaN where all are NaN); with ``dim``, (values, indices)."""
    a = input._data
    if a.dtype.kind != "f":
        r = median(input, dim, keepdim)
        return r if dim is None else _rt.nanmedian(*r)
    if dim is None:
        flat = a.reshape(-1)
        return NanmedianAll.apply(input, _lower_median(flat[~np.isnan(flat)], a.dtype))
    d = _one_dim(a, dim, "nanmedian")
    idx = np.zeros((), np.int64)
    if a.ndim:
        _check_dim_sizes(a, (d,), "nanmedian")
        n = (~np.isnan(a)).sum(axis=d, keepdims=True)
        k = np.where(n > 0, (n - 1) // 2, (a.shape[d] - 1) // 2)
        v = np.take_along_axis(np.sort(a, axis=d), k, axis=d)
        idx = _stable_index(a, d, v, k)
    return _values_indices(NanmedianDim, input, idx, d, keepdim, _rt.nanmedian)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """The k-th smallest element along ``dim`` (k from 1): (values, indices)."""
    a = input._data
    d = _one_dim(a, dim, "kthvalue")
    idx = np.zeros((), np.int64)
    if a.ndim:
        _check_dim_sizes(a, (d,), "kthvalue")
    if not 1 <= k <= (a.shape[d] if a.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if a.ndim:
        idx = _kth_index(a, d, k - 1)
    return _values_indices(Kthvalue, input, idx, d, keepdim, _rt.kthvalue)


def _mode_index(a: np.ndarray, d: int) -> np.ndarray:
    """Index (dim kept) of the last occurrence of the most frequent value (smallest on ties)."""
    m = np.moveaxis(a, d, -1)
    order = np.argsort(m, axis=-1, kind="stable")
    s = np.take_along_axis(m, order, axis=-1)
    start = np.ones(s.shape, bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    pos = np.arange(s.shape[-1])
    run = pos - np.maximum.accumulate(np.where(start, pos, 0), axis=-1)
    end = np.argmax(run, axis=-1, keepdims=True)  # end of the first longest run
    return np.moveaxis(np.take_along_axis(order, end, axis=-1), -1, d)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest if several) and the index of its
    last occurrence: (values, indices)."""
    a = input._data
    d = _one_dim(a, dim, "mode")
    idx = np.zeros((), np.int64)
    if a.ndim:
        _check_dim_sizes(a, (d,), "mode")
        idx = _mode_index(a, d)
    return _values_indices(Mode, input, idx, d, keepdim, _rt.mode)


# ---- sorting / unique -------------------------------------------------------------------------


def _argsort(a: np.ndarray, d: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``d``, NaN largest; descending keeps equal elements in order."""
    src = np.flip(a, d) if descending else a
    if a.dtype.itemsize <= 2:  # bool and small ints: NumPy's stable sort is a fast radix sort
        idx = np.argsort(src, axis=d, kind="stable")
    else:
        idx = np.argsort(src, axis=d)  # SIMD quicksort: the stable order where nothing is tied
        tied = _ties(np.take_along_axis(src, idx, axis=d), d)
        if tied.any():
            rows = np.moveaxis(src, d, -1)[tied]
            np.moveaxis(idx, d, -1)[tied] = np.argsort(rows, axis=-1, kind="stable")
    return (a.shape[d] - 1) - np.flip(idx, d) if descending else idx


def _ties(s: np.ndarray, d: int) -> np.ndarray:
    """Which slices of sorted ``s`` along ``d`` have equal neighbours (NaNs count as equal)."""
    lo, hi = [slice(None)] * s.ndim, [slice(None)] * s.ndim
    lo[d], hi[d] = slice(None, -1), slice(1, None)
    lo, hi = s[tuple(lo)], s[tuple(hi)]
    eq = lo == hi
    if s.dtype.kind == "f":
        eq |= np.isnan(lo) & np.isnan(hi)
    return eq.any(axis=d)


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """(values, indices) sorted along ``dim``; always stable, NaN sorts as the largest."""
    a = input._data
    d = _one_dim(a, dim, "sort")
    idx = _argsort(a, d, descending) if a.ndim else np.zeros((), np.int64)
    return _values_indices(Sort, input, idx, d, True, _rt.sort)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:
    """Indices that sort ``input`` along ``dim`` (stable)."""
    a = input._data
    d = _one_dim(a, dim, "argsort")
    return Tensor._make(_argsort(a, d, descending) if a.ndim else np.zeros((), np.int64))


def msort(input: Tensor) -> Tensor:
    """``sort(input, 0).values``."""
    return sort(input, 0).values


_FEW = 8


def _topk_few(a: np.ndarray, d: int, k: int, largest: bool) -> np.ndarray:
    """Small k on finite float input: k passes of argmax, each taking the first (lowest-index)
    extremum and then removing it."""
    work = a.copy()
    gone = -np.inf if largest else np.inf
    find = np.argmax if largest else np.argmin
    out = []
    for _ in range(k):
        i = find(work, axis=d, keepdims=True)
        np.put_along_axis(work, i, gone, axis=d)
        out.append(i)
    return np.concatenate(out, axis=d)


def _topk_index(a: np.ndarray, d: int, k: int, largest: bool) -> np.ndarray:
    """Indices of the k largest (smallest) along ``d``, sorted; equal values by index."""
    n = a.shape[d]
    if k == 0:
        shape = list(a.shape)
        shape[d] = 0
        return np.zeros(shape, np.int64)
    if k <= _FEW and a.dtype.kind == "f" and np.isfinite(a).all():
        return _topk_few(a, d, k, largest)
    kth = n - k if largest else k - 1
    v = np.take(np.partition(a, kth, axis=d), [kth], axis=d)  # the k-th value, per slice
    inside = a >= v if largest else a <= v
    if (inside.sum(axis=d) == k).all():  # no tie at the k-th value and no NaN in the way
        cand = np.nonzero(np.moveaxis(inside, d, -1))[-1].reshape(
            np.moveaxis(inside, d, -1).shape[:-1] + (k,))
        cand = np.moveaxis(cand, -1, d)
    else:
        part = np.argpartition(a, kth, axis=d)
        cand = np.sort(np.take(part, range(n - k, n) if largest else range(k), axis=d), axis=d)
    order = _argsort(np.take_along_axis(a, cand, axis=d), d, largest)
    return np.take_along_axis(cand, order, axis=d)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True):  # noqa: A002
    """The k largest (or smallest) elements along ``dim``, sorted: (values, indices). NaN
    counts as the largest; equal values come in index order (PyTorch's order among ties, and
    with ``sorted=False``, is unspecified)."""
    a = input._data
    d = _one_dim(a, dim, "topk")
    if a.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if not 0 <= k <= (a.shape[d] if a.ndim else 1):
        raise RuntimeError("selected index k out of range")
    idx = _topk_index(a, d, k, largest) if a.ndim else np.zeros((), np.int64)
    return _values_indices(Topk, input, idx, d, True, _rt.topk)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None):
    """The distinct elements (always sorted, as PyTorch on CPU; NaNs stay distinct), with
    optional inverse indices and counts; with ``dim``, distinct slices along it."""
    a = input._data
    if dim is None:
        u, inv, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True,
                                   equal_nan=False)
        inv = inv.reshape(a.shape)
    else:
        d = _one_dim(a, dim, "unique")
        u, inv, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d,
                                   equal_nan=False)
        inv = inv.reshape(-1)
    out = [Tensor._make(u)]
    if return_inverse:
        out.append(Tensor._make(inv.astype(np.int64, copy=False)))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


register_methods(
    sum, sum_to_size, nansum, mean, nanmean, prod, max, min, amax, amin, aminmax, argmax,
    argmin, var, std, norm, logsumexp, cumsum, cumprod, cumsum_, cumprod_, cummax, cummin, all,
    any, count_nonzero, median, nanmedian, kthvalue, mode, sort, argsort, msort, topk, unique,
)

__all__ = [
    "sum", "nansum", "mean", "nanmean", "prod", "max", "min", "amax", "amin", "aminmax",
    "argmax", "argmin", "var", "std", "var_mean", "std_mean", "norm", "logsumexp", "cumsum",
    "cumprod", "cummax", "cummin", "all", "any", "count_nonzero", "median", "nanmedian",
    "kthvalue", "mode", "sort", "argsort", "msort", "topk", "unique",
]
