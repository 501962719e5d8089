"""Reductions: sum, mean and friends, each with ``dim`` (int or tuple) and ``keepdim``."""

from __future__ import annotations

import builtins

import numpy as np

from .. import dtypes as _dt
from .. import return_types as _rt
from ..autograd.node import Op
from ..backend.reduce import fast_sum
from ..tensor import Tensor, register_methods
from ._util import np_dtype, wrap_dim, wrap_dims


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
        if dtype is None:
            y = fast_sum(x, axis, keepdim)
            if y is not None:
                return y
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
        ctx.count = count = x.size if axis is None else int(np.prod([x.shape[a] for a in axis]))
        if dtype is None:
            y = fast_sum(x, axis, keepdim)
            if y is not None:
                return y / x.dtype.type(builtins.max(count, 1))
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



def _dim_and_keep(input: Tensor, dim, keepdim: bool):
    a = input._data
    axis = _axes(dim, a.ndim) if a.ndim else None
    return axis, keepdim and a.ndim > 0


def _check_nonempty(input: Tensor, name: str, dim=None) -> None:
    if input._data.size == 0 and dim is None:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )
    a = input._data
    if dim is not None and a.ndim and a.shape[wrap_dims(dim, a.ndim)[0]] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {dim} to have non-zero size."
        )


class AllMax(Op):
    """max/min/amax/amin over dims; the gradient is shared evenly among ties."""

    _name = "MaxBackward1"

    @staticmethod
    def forward(ctx, x, axis, keepdim, fn):
        y = fn(x, axis=axis, keepdims=True)
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        mask = x == y
        ctx.weights = (mask / mask.sum(axis=axis, keepdims=True)).astype(x.dtype)
        if keepdim:
            return y
        return y.reshape(()) if axis is None else np.squeeze(y, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        g = _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim)
        return g * Tensor._make(ctx.weights), None, None, None


class MaxDim(Op):
    """max/min along one dim: (values, indices); the gradient goes to the returned index."""

    _name = "MaxBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, dim, keepdim, largest):
        idx = np.argmax(x, axis=dim) if largest else np.argmin(x, axis=dim)
        if x.dtype.kind == "f":  # NaN wins, as PyTorch
            nan = np.isnan(x)
            if nan.any():
                idx = np.where(nan.any(axis=dim), np.argmax(nan, axis=dim), idx)
        idx_k = np.expand_dims(idx, dim)
        vals = np.take_along_axis(x, idx_k, axis=dim)
        ctx.shape, ctx.dim, ctx.idx = x.shape, dim, idx_k
        if keepdim:
            return vals, idx_k
        return np.squeeze(vals, dim), idx

    @staticmethod
    def backward(ctx, grad, _):
        return ScatterDim.apply(grad, ctx.idx, ctx.dim, ctx.shape), None, None, None


class ScatterDim(Op):
    """Zeros of ``shape`` with ``g`` placed at ``idx`` along ``dim`` (the adjoint of a gather)."""

    _name = "ValuesBackward0"

    @staticmethod
    def forward(ctx, g, idx, dim, shape):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, g.dtype)
        g = g.reshape(idx.shape) if g.ndim != idx.ndim else g
        np.put_along_axis(out, idx, g, axis=dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        return GatherDim.apply(grad, ctx.idx, ctx.dim), None, None, None


class GatherDim(Op):
    _name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, grad):
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
        return GatherDim.apply(grad, ctx.idx, ctx.dim), None, None, None


def _max_min(input: Tensor, dim, keepdim: bool, largest: bool, name: str):
    if dim is None:
        _check_nonempty(input, name)
        fn = np.max if largest else np.min
        op = AllMax if largest else AllMin
        return op.apply(input, None, False, fn)
    if isinstance(dim, Tensor):  # max(a, b): elementwise
        from .pointwise import maximum, minimum

        return (maximum if largest else minimum)(input, dim)
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    if input.ndim == 0:
        vals = input.clone() if input._rg else Tensor._make(input._data.copy())
        return getattr(_rt, name)(vals, Tensor._make(np.array(0, np.int64)))
    _check_nonempty(input, name, d)
    vals, idx = (MaxDim if largest else MinDim).apply(input, d, keepdim, largest)
    return getattr(_rt, name)(vals, idx)


class AllMin(AllMax):
    _name = "MinBackward1"


class MinDim(MaxDim):
    _name = "MinBackward0"


def max(input: Tensor, dim=None, keepdim: bool = False, *, out=None):  # noqa: A001
    """The largest element; with ``dim``, (values, indices); with a tensor, elementwise max."""
    return _max_min(input, dim, keepdim, True, "max")


def min(input: Tensor, dim=None, keepdim: bool = False, *, out=None):  # noqa: A001
    return _max_min(input, dim, keepdim, False, "min")


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Max over ``dim`` (all dims by default); ties share the gradient evenly."""
    axis, keep = _dim_and_keep(input, dim, keepdim)
    _check_nonempty(input, "amax", None if axis is None else dim)
    return AllMax.apply(input, axis, keep, np.max)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    axis, keep = _dim_and_keep(input, dim, keepdim)
    _check_nonempty(input, "amin", None if axis is None else dim)
    return AllMin.apply(input, axis, keep, np.min)


def aminmax(input: Tensor, *, dim=None, keepdim: bool = False):
    return _rt.aminmax(amin(input, () if dim is None else dim, keepdim),
                       amax(input, () if dim is None else dim, keepdim))


def _arg(fn, input: Tensor, dim, keepdim: bool, name: str) -> Tensor:
    a = input._data
    if dim is None:
        _check_nonempty(input, name)
        r = np.asarray(fn(a.reshape(-1)))
        return Tensor._make(r.reshape((1,) * a.ndim) if keepdim else r)
    d = wrap_dim(dim, a.ndim) if a.ndim else None
    if a.ndim == 0:
        return Tensor._make(np.array(0, np.int64))
    r = fn(a, axis=d)
    if a.dtype.kind == "f" and np.isnan(a).any():
        nan = np.isnan(a)
        r = np.where(nan.any(axis=d), np.argmax(nan, axis=d), r)
    return Tensor._make(np.expand_dims(r, d) if keepdim else np.asarray(r))


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (flattened, or along ``dim``); int64."""
    return _arg(np.argmax, input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmin, input, dim, keepdim, "argmin")


class Prod(Op):
    @staticmethod
    def forward(ctx, x, axis, keepdim, dtype):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        y = np.prod(x, axis=axis, keepdims=keepdim, dtype=dtype)
        ctx.save_for_backward(x)
        return y

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors  # d prod / dx_i = prod of the others (exact with zeros)
        axis = ctx.axis if ctx.axis is not None else tuple(range(x.ndim))
        others = _prod_others(x, axis)
        return _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim) * others, None, None, None


def _prod_others(x: Tensor, axis: tuple) -> Tensor:
    """For each element, the product of the other elements of its reduction group."""
    from .shape import movedim

    n = len(axis)
    moved = movedim(x, axis, tuple(range(x.ndim - n, x.ndim))) if n else x
    flat = moved.reshape(moved.shape[: x.ndim - n] + (-1,))
    ones = Tensor._make(np.ones(flat.shape[:-1] + (1,), x._data.dtype))
    from .shape import cat

    left = cumprod(cat([ones, flat[..., :-1]], -1), -1)
    rev = flat.flip(-1)
    right = cumprod(cat([ones, rev[..., :-1]], -1), -1).flip(-1)
    res = (left * right).reshape(moved.shape)
    return movedim(res, tuple(range(x.ndim - n, x.ndim)), axis) if n else res


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of elements (integers and bools give int64)."""
    if dim is not None and not isinstance(dim, int):
        raise TypeError("prod(): argument 'dim' must be int")
    axis, keep = _dim_and_keep(input, dim, keepdim)
    return Prod.apply(input, axis, keep, _sum_dtype(input, dtype))


def _var_parts(input: Tensor, dim, correction, keepdim: bool):
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "std and var only support floating point and complex dtypes"
        )
    axis, keep = _dim_and_keep(input, dim, keepdim)
    a = input._data
    n = a.size if axis is None else int(np.prod([a.shape[i] for i in axis]))
    mean_ = input.mean(tuple(axis) if axis is not None else None, keepdim=True) \
        if a.ndim else input
    d = input - mean_
    ss = (d * d).sum(tuple(axis) if axis is not None else None, keepdim=keep)
    denom = builtins.max(n - correction, 0)
    return ss / denom if denom else ss / 0.0, axis, keep


def _correction(unbiased, correction) -> float:
    if correction is not None:
        return float(correction)
    return 1.0 if unbiased is None or unbiased else 0.0


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Variance (unbiased by default; ``correction=0`` for the population variance)."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    v, _, _ = _var_parts(input, dim, _correction(unbiased, correction), keepdim)
    return v


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Standard deviation (unbiased by default)."""
    from .pointwise import sqrt

    return sqrt(var(input, dim, unbiased, keepdim, correction=correction))


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None):
    return _rt.var_mean(var(input, dim, unbiased, keepdim, correction=correction),
                        input.mean(dim, keepdim=keepdim) if dim is not None else input.mean())


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None):
    return _rt.std_mean(std(input, dim, unbiased, keepdim, correction=correction),
                        input.mean(dim, keepdim=keepdim) if dim is not None else input.mean())


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over ``dim``, stable (the max is subtracted first)."""
    from .pointwise import _float_input

    x = _float_input(input)
    axis, keep = _dim_and_keep(x, dim, keepdim)
    return LogSumExp.apply(x, axis, keep)


class LogSumExp(Op):
    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        m = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            y = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
        ctx.save_for_backward(x)
        if keepdim:
            return y.astype(x.dtype, copy=False)
        return (np.squeeze(y, axis) if axis is not None else y.reshape(())).astype(x.dtype,
                                                                                    copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors  # d lse / dx = softmax(x)
        y = LogSumExp.apply(x, ctx.axis, True)
        return _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim) * (x - y).exp(), None, None


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """Vector p-norm (p = 1, 2, inf, -inf, 0, other) or Frobenius norm; gradient 0 at 0."""
    from .pointwise import abs as _abs

    x = input if dtype is None else input.to(dtype)
    if p in ("fro", None):
        p = 2
    if p == "nuc":
        from ..linalg import matrix_norm

        return matrix_norm(x, "nuc", dim if dim is not None else (-2, -1), keepdim)
    a = _abs(x)
    if p == float("inf"):
        return amax(a, () if dim is None else dim, keepdim)
    if p == float("-inf"):
        return amin(a, () if dim is None else dim, keepdim)
    if p == 0:
        return (a != 0).to(x.dtype).sum(dim, keepdim=keepdim)
    if p == 2:
        return _Norm2.apply(x, *_dim_and_keep(x, dim, keepdim))
    return (a**p).sum(dim, keepdim=keepdim) ** (1.0 / p)


class _Norm2(Op):
    _name = "NormBackward1"

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.shape, ctx.axis, ctx.keepdim = x.shape, axis, keepdim
        y = np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors  # d ||x|| / dx = x / ||x||, taken as 0 at the origin
        from .pointwise import where

        yk = _unreduce(y, ctx.shape, ctx.axis, ctx.keepdim)
        g = _unreduce(grad, ctx.shape, ctx.axis, ctx.keepdim)
        return where(yk == 0, 0.0, g * x / where(yk == 0, 1.0, yk)), None, None


class CumSum(Op):
    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        return np.cumsum(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        d = ctx.dim  # the adjoint of a running sum is a reversed running sum
        return grad.flip(d).cumsum(d).flip(d), None, None


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running sum along ``dim`` (integers and bools give int64)."""
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    if input.ndim == 0:
        return input.clone() if dtype is None else input.to(dtype)
    return CumSum.apply(input, d, _sum_dtype(input, dtype))


class CumProd(Op):
    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        ctx.save_for_backward(x)
        return np.cumprod(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors  # exact with zeros: sum_j>=i g_j * prod_{k<=j, k!=i} x_k
        d = ctx.dim
        n = x.shape[d]
        from .shape import stack

        cols = []
        for i in range(n):
            mask = np.ones(n, x._data.dtype)
            mask[i] = 0
            shape = [1] * x.ndim
            shape[d] = n
            m = Tensor._make(mask.reshape(shape))
            onehot = Tensor._make((1 - mask).reshape(shape))
            partial = (x * m + onehot).cumprod(d)  # x_i replaced by 1
            sel = Tensor._make((np.arange(n) >= i).astype(x._data.dtype).reshape(shape))
            cols.append((grad * partial * sel).sum(d))
        return stack(cols, d), None, None


def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running product along ``dim``."""
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    if input.ndim == 0:
        return input.clone()
    return CumProd.apply(input, d, _sum_dtype(input, dtype))


def _logical_reduce(fn, input: Tensor, dim, keepdim: bool) -> Tensor:
    a = input._data
    axis, keep = _dim_and_keep(input, dim, keepdim)
    r = np.asarray(fn(a, axis=axis, keepdims=keep))
    return Tensor._make(r.astype(np.uint8) if a.dtype == np.uint8 else r)


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True when every element (along ``dim``) is non-zero."""
    return _logical_reduce(np.all, input, dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _logical_reduce(np.any, input, dim, keepdim)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    axis = _axes(dim, input.ndim) if dim is not None else None
    return Tensor._make(np.asarray(np.count_nonzero(input._data, axis=axis), np.int64))


def _sorted_along(input: Tensor, dim: int, descending: bool, stable: bool):
    """Stable argsort along ``dim``; NaN counts as the largest value, as in PyTorch."""
    a = input._data
    key = a.astype(np.float64) if a.dtype.kind in "iub" else np.where(np.isnan(a), np.inf, a)
    return np.argsort(-key if descending else key, axis=dim, kind="stable")


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along ``dim``."""
    if input.ndim == 0:
        return _rt.sort(input.clone(), Tensor._make(np.array(0, np.int64)))
    d = wrap_dim(dim, input.ndim)
    idx = _sorted_along(input, d, descending, stable)
    return _rt.sort(GatherDim.apply(input, idx, d), Tensor._make(idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    return sort(input, dim, descending, stable).indices


def msort(input: Tensor) -> Tensor:
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The k largest (or smallest) elements along ``dim``: (values, indices)."""
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    n = input.shape[d] if input.ndim else 1
    if k > n or k < 0:
        raise RuntimeError("selected index k out of range")
    if input.ndim == 0:
        return _rt.topk(input.clone(), Tensor._make(np.array(0, np.int64)))
    idx = _sorted_along(input, d, largest, True)
    idx = np.take(idx, np.arange(k), axis=d)
    return _rt.topk(GatherDim.apply(input, idx, d), Tensor._make(idx))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """The k-th smallest element along ``dim`` (1-based): (values, indices)."""
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    n = input.shape[d] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    idx = np.take(np.argsort(input._data, axis=d, kind="stable"), [k - 1], axis=d)
    vals = GatherDim.apply(input, idx, d)
    if not keepdim:
        vals, idx = vals.squeeze(d), np.squeeze(idx, d)
    return _rt.kthvalue(vals, Tensor._make(np.asarray(idx)))


def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median; with ``dim``, (values, indices)."""
    if dim is None:
        flat = input.reshape(-1)
        n = flat.shape[0]
        if n == 0:
            return Tensor._make(np.array(np.nan, input._data.dtype))
        return kthvalue(flat, (n + 1) // 2, 0).values
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    n = input.shape[d] if input.ndim else 1
    r = kthvalue(input, (n + 1) // 2, d, keepdim)
    return _rt.median(r.values, r.indices)


def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    if dim is None:
        a = input._data.reshape(-1)
        a = a[~np.isnan(a)]
        if a.size == 0:
            return Tensor._make(np.array(np.nan, input._data.dtype))
        return Tensor._make(np.sort(a)[(a.size - 1) // 2])
    raise NotImplementedError("nanmedian with dim is not implemented in Ember yet")


def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """Most frequent value along ``dim`` (the smallest among equally frequent): (values,
    indices of its last occurrence)."""
    d = wrap_dim(dim, input.ndim) if input.ndim else 0
    a = np.moveaxis(input._data, d, -1)
    flat = a.reshape(-1, a.shape[-1])
    vals, idxs = [], []
    for row in flat:
        u, counts = np.unique(row, return_counts=True)
        v = u[np.argmax(counts)]
        vals.append(v)
        idxs.append(np.nonzero(row == v)[0][-1])
    vals = np.array(vals, a.dtype).reshape(a.shape[:-1])
    idxs = np.array(idxs, np.int64).reshape(a.shape[:-1])
    if keepdim:
        vals, idxs = np.expand_dims(vals, d), np.expand_dims(idxs, d)
    return _rt.mode(Tensor._make(vals), Tensor._make(idxs))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None):
    """Distinct elements (sorted), optionally with inverse indices and counts."""
    a = input._data
    if dim is None:
        u, inv, counts = np.unique(a, return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        u, inv, counts = np.unique(a, return_inverse=True, return_counts=True,
                                   axis=wrap_dim(dim, a.ndim))
    out = [Tensor._make(u)]
    if return_inverse:
        out.append(Tensor._make(inv.astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    from .pointwise import isnan, where

    return sum(where(isnan(input), 0.0, input), dim, keepdim, dtype=dtype)


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    from .pointwise import isnan

    keep = (~isnan(input)).to(input.dtype)
    return nansum(input, dim, keepdim) / keep.sum(dim, keepdim=keepdim)


register_methods(
    sum, sum_to_size, mean, max, min, amax, amin, aminmax, argmax, argmin, prod, var, std,
    logsumexp, norm, cumsum, cumprod, all, any, count_nonzero, sort, argsort, msort, topk,
    kthvalue, median, nanmedian, mode, unique, nansum, nanmean,
)

__all__ = [
    "sum", "mean", "sum_to_size", "max", "min", "amax", "amin", "aminmax", "argmax", "argmin",
    "prod", "var", "std", "var_mean", "std_mean", "logsumexp", "norm", "cumsum", "cumprod",
    "all", "any", "count_nonzero", "sort", "argsort", "msort", "topk", "kthvalue", "median",
    "nanmedian", "mode", "unique", "nansum", "nanmean",
]
