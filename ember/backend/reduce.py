"""Fast float sums on raw arrays: a sum over contiguous leading or trailing dims is a product
with a vector of ones, which BLAS computes vectorised (NumPy's own float32 sum is ~3x slower)."""

from __future__ import annotations

import numpy as np

_MIN_SIZE = 1 << 14  # below this, np.sum's lower overhead wins
_ones_cache: dict = {}


def _ones(n: int, dtype) -> np.ndarray:
    key = (n, dtype)
    v = _ones_cache.get(key)
    if v is None:
        if len(_ones_cache) > 16:
            _ones_cache.clear()
        v = _ones_cache[key] = np.ones(n, dtype)
    return v


def fast_sum(x: np.ndarray, axis, keepdims: bool):
    """np.sum(x, axis, keepdims=keepdims) via BLAS where possible, else None."""
    if x.dtype not in (np.float32, np.float64) or x.size < _MIN_SIZE or not x.flags.c_contiguous:
        return None
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else tuple(axis)
    if len(axes) == nd:
        return _total(x, keepdims)
    k = len(axes)
    if axes == tuple(range(nd - k, nd)):  # trailing dims: rows @ ones
        rows = int(np.prod(x.shape[: nd - k]))
        out = x.reshape(rows, -1) @ _ones(x.size // max(rows, 1), x.dtype)
        shape = x.shape[: nd - k]
    elif axes == tuple(range(k)):  # leading dims: ones @ matrix
        lead = int(np.prod(x.shape[:k]))
        out = _ones(lead, x.dtype) @ x.reshape(lead, -1)
        shape = x.shape[k:]
    else:
        return None
    if keepdims:
        shape = tuple(1 if i in axes else s for i, s in enumerate(x.shape))
    return np.asarray(out).reshape(shape)


def _total(x: np.ndarray, keepdims: bool):
    """Sum of everything: a (rows, 1024) matrix-vector product (threaded gemv), then the
    short remainder; more accurate than one long running sum."""
    flat = x.reshape(-1)
    whole = flat.size - flat.size % 1024
    partial = flat[:whole].reshape(-1, 1024) @ _ones(1024, x.dtype)
    total = partial.sum(dtype=x.dtype) + flat[whole:].sum(dtype=x.dtype)
    return np.full((1,) * x.ndim if keepdims else (), total, x.dtype)
