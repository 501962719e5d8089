"""``ember.linalg``: norms, inverse, determinant, solve and decompositions."""

from __future__ import annotations

import numpy as np

from .ops.linalg import cross, det, inverse, matmul, matrix_power, solve
from .ops.reduction import norm as _vector_like_norm
from .tensor import Tensor


class LinAlgError(RuntimeError):
    """A linear-algebra failure (singular matrix...), as ``torch.linalg.LinAlgError``."""


inv = inverse


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The ``ord``-norm of the flattened tensor, or along ``dim``."""
    return _vector_like_norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None):
    """Frobenius, nuclear, or induced 1/2/inf norms over the last two dims."""
    if ord == "fro":
        return _vector_like_norm(A, 2, dim, keepdim, dtype)
    if ord == "nuc":
        from .ops.creation import tensor

        s = np.linalg.svd(np.moveaxis(A._data, dim, (-2, -1)), compute_uv=False).sum(-1)
        return tensor(s)
    if ord in (1, -1):
        r = A.abs().sum(dim[0], keepdim=True)
        r = r.amax(dim[1], keepdim=True) if ord == 1 else r.amin(dim[1], keepdim=True)
    elif ord in (float("inf"), float("-inf")):
        r = A.abs().sum(dim[1], keepdim=True)
        r = r.amax(dim[0], keepdim=True) if ord > 0 else r.amin(dim[0], keepdim=True)
    else:
        raise NotImplementedError(f"matrix_norm with ord={ord} is not implemented in Ember")
    return r if keepdim else r.squeeze(max(dim, key=lambda d: d % A.ndim)).squeeze(
        min(dim, key=lambda d: d % A.ndim))


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Vector norm (1-D, or ``dim`` an int) or matrix norm (``dim`` a pair)."""
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and not isinstance(dim, int) and len(dim) == 2):
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def slogdet(A: Tensor):
    sign, logabs = np.linalg.slogdet(A._data)
    return Tensor._make(np.asarray(sign)), Tensor._make(np.asarray(logabs))


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    L = np.linalg.cholesky(A._data)
    return Tensor._make(np.swapaxes(L, -1, -2).copy() if upper else L)


def qr(A: Tensor, mode: str = "reduced"):
    q, r = np.linalg.qr(A._data, mode=mode)
    return Tensor._make(q), Tensor._make(r)


def eigh(A: Tensor, UPLO: str = "L"):
    w, v = np.linalg.eigh(A._data, UPLO)
    return Tensor._make(w), Tensor._make(v)


def svd(A: Tensor, full_matrices: bool = True):
    u, s, vh = np.linalg.svd(A._data, full_matrices=full_matrices)
    return Tensor._make(u), Tensor._make(s), Tensor._make(vh)


def pinv(A: Tensor) -> Tensor:
    return Tensor._make(np.linalg.pinv(A._data))


__all__ = ["LinAlgError", "inv", "det", "solve", "matmul", "matrix_power", "cross", "norm",
           "vector_norm", "matrix_norm", "slogdet", "cholesky", "qr", "eigh", "svd", "pinv"]
