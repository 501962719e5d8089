"""``ember.linalg``: torch.linalg's names — norms, inverse, determinants, solve, products and
decompositions (cholesky, qr, eigh, svd) with their gradients.

The products and square-matrix ops live in ``ember/ops/linalg.py``; this module adds the norms
and decompositions and gives everything PyTorch's ``linalg.*`` names.
"""

from __future__ import annotations

import math

import numpy as np

from . import dtypes as _dt
from .autograd.node import Op
from .ops._util import fmt_shape, wrap_dim
from .ops.linalg import (
    LinAlgError,
    _cross,
    _sname,
    _square,
    det,
    inverse,
    matmul,
    matrix_power,
    multi_dot,
    slogdet,
    solve,
)
from .ops.reduction import VectorNorm
from .return_types import _make
from .tensor import Tensor

_slogdet_t = _make("linalg_slogdet", ("sign", "logabsdet"))
_inv_ex_t = _make("linalg_inv_ex", ("inverse", "info"))
_cholesky_ex_t = _make("linalg_cholesky_ex", ("L", "info"))
_qr_t = _make("linalg_qr", ("Q", "R"))
_eigh_t = _make("linalg_eigh", ("eigenvalues", "eigenvectors"))
_svd_t = _make("linalg_svd", ("U", "S", "Vh"))

inv = inverse


def inv_ex(A: Tensor, *, check_errors: bool = False):
    """(inverse, info); Ember raises on a singular matrix instead of reporting it in ``info``."""
    from .ops.creation import zeros

    return _inv_ex_t(inverse(A), zeros(tuple(A.shape[:-2]), dtype=_dt.int32))


def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (default the last)."""
    return _cross(input, other, dim, "linalg.cross")


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Dot product along ``dim`` with broadcasting."""
    return (x * y).sum(dim)


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False, out=None) -> Tensor:
    """X with T X = B (``left=False``: X T = B), T the upper / lower triangle of A (with a unit
    diagonal if ``unitriangular``); only that triangle gets a gradient, as in PyTorch."""
    name = "linalg.solve_triangular"
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    _square(A, name)
    k = B.shape[-2] if left else B.shape[-1]
    if k != A.shape[-1]:
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
            f"{B.shape[-2]}x{B.shape[-1]})"
        )
    t = A.triu(1 if unitriangular else 0) if upper else A.tril(-1 if unitriangular else 0)
    if unitriangular:
        t = t + _eye_like(A.shape[-1], A)
    return solve(t, B, left=left)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False,
                out=None) -> Tensor:
    """Number of singular values above ``max(atol, rtol * s_max)`` (int64)."""
    s = svdvals(A).detach()
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else (
            float(np.finfo(A._data.dtype).eps) * max(A.shape[-2], A.shape[-1]))
    cut = s.amax(-1, keepdim=True) * rtol
    if atol is not None:
        cut = cut.clamp(min=atol)
    return (s > cut).sum(-1)


# ---- norms ------------------------------------------------------------------------------------


def _check_float(x: Tensor, name: str) -> None:
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {_sname(x)}"
        )


def _to_dtype(x: Tensor, dtype, name: str) -> Tensor:
    if dtype is None:
        return x
    dt = _dt.parse(dtype) if not isinstance(dtype, _dt.dtype) else dtype
    if _dt.promote_types(x.dtype, dt) is not dt:
        raise RuntimeError(
            f"{name}: the dtype of the input ({_sname(x)}) should be convertible without "
            f"narrowing to the specified dtype ({dt._legacy[:-6]})"
        )
    return x if x.dtype is dt else x.to(dt)


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None,
                out=None) -> Tensor:
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all dims if None); ord may be 0, +-inf.

    Gradients follow PyTorch: 0 where the norm is 0; the inf-norm splits among ties.
    """
    if isinstance(ord, str) or not isinstance(ord, (int, float)):
        raise TypeError(
            f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}"
        )
    _check_float(x, "linalg.vector_norm")
    x = _to_dtype(x, dtype, "linalg.vector_norm")
    if isinstance(dim, int):
        dim = (dim,)
    axis = None if dim is None or len(dim) == 0 else tuple(wrap_dim(d, x.ndim) for d in dim)
    if x.ndim == 0:
        axis = None
    return VectorNorm.apply(x, float(ord), axis, keepdim)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None,
                out=None) -> Tensor:
    """Frobenius, nuclear ('nuc'), spectral (+-2) or induced +-1 / +-inf norms over ``dim``."""
    name = "linalg.matrix_norm"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if isinstance(dim, int) or len(dim) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got "
                           f"{dim if isinstance(dim, int) else ' '.join(map(str, dim))}")
    d0, d1 = (wrap_dim(d, A.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    _check_float(A, name)
    A = _to_dtype(A, dtype, name)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        if ord == "nuc":
            r = s.sum(-1)
        else:
            r = s.amax(-1) if ord > 0 else s.amin(-1)
        if keepdim:
            r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return r
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    if math.isinf(ord):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    r = vector_norm(A, 1, d0, keepdim)
    return r.amax(d1, keepdim) if ord > 0 else r.amin(d1, keepdim)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None,
         out=None) -> Tensor:
    """Vector norm (``dim`` an int or one dim, or 1-D input) or matrix norm (``dim`` a pair, or
    2-D input with an ``ord``); ``ord=None`` is the 2-norm of the flattened input."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                           f"Got {fmt_shape(dim)}")
    if isinstance(ord, str):
        if dim is None and A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {A.ndim}D.")
        return matrix_norm(A, ord, dim if dim is not None else (0, 1), keepdim, dtype=dtype)
    if dim is None and ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                           f"be 1D or 2D. Got {A.ndim}D.")
    if ord is not None and ((dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2)):
        return matrix_norm(A, ord, dim if dim is not None else (0, 1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


# ---- decompositions ---------------------------------------------------------------------------


def _eye_like(n: int, x: Tensor) -> Tensor:
    return Tensor._make(np.eye(n, dtype=x._data.dtype))


class LinalgSvd(Op):
    n_outputs = 3

    @staticmethod
    def forward(ctx, a, full_matrices):
        ctx.full = full_matrices
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors  # PyTorch's svd_backward (real case), on the reduced SVD
        k = s.shape[-1]
        if ctx.full:
            u, vh = u.narrow(-1, 0, k), vh.narrow(-2, 0, k)
            gu = gu.narrow(-1, 0, k) if gu is not None else None
            gvh = gvh.narrow(-2, 0, k) if gvh is not None else None
        return _svd_backward(gu, gs, gvh, u, s, vh), None


def _svd_backward(gu, gs, gvh, u, s, vh):
    m, n = u.shape[-2], vh.shape[-1]
    if gu is None and gvh is None:
        if gs is None:
            return None
        return matmul(u, gs.unsqueeze(-1) * vh) if m >= n else matmul(u * gs.unsqueeze(-2), vh)
    s2 = s * s
    e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye_like(s.shape[-1], s)
    uhgu = vhgv = None
    if gu is not None:
        x = matmul(u.mT, gu)
        uhgu = x - x.mT
    if gvh is not None:
        x = matmul(vh, gvh.mT)
        vhgv = x - x.mT
    if uhgu is not None and vhgv is not None:
        ga = (uhgu * s.unsqueeze(-2) + s.unsqueeze(-1) * vhgv) / e
    elif uhgu is not None:
        ga = uhgu * s.unsqueeze(-2) / e
    else:
        ga = s.unsqueeze(-1) * vhgv / e
    if gs is not None:
        ga = ga + gs.diag_embed()
    if m > n and gu is not None:
        ga = matmul(u, ga)
        gus = gu / s.unsqueeze(-2)
        ga = ga + gus - matmul(u, matmul(u.mT, gus))
        return matmul(ga, vh)
    if m < n and gvh is not None:
        ga = matmul(ga, vh)
        sgv = gvh / s.unsqueeze(-1)
        ga = ga + sgv - matmul(matmul(sgv, vh.mT), vh)
        return matmul(u, ga)
    return matmul(u, matmul(ga, vh)) if m >= n else matmul(matmul(u, ga), vh)


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh; singular vectors are unique only up to sign, so compare
    sign-free quantities (S, U diag(S) Vh) with other libraries."""
    _check_float(A, "linalg.svd")
    if A.ndim < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    return _svd_t(*LinalgSvd.apply(A, full_matrices))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """Singular values, descending."""
    return svd(A, full_matrices=False).S


class LinalgEigh(Op):
    n_outputs = 2

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors  # gA = V (diag(gL) + skew(V^T gV) / 2 / (L_j - L_i)) V^T
        inner = None
        if gv is not None:
            x = matmul(v.mT, gv)
            e = w.unsqueeze(-2) - w.unsqueeze(-1) + _eye_like(w.shape[-1], w)
            inner = (x - x.mT) * 0.5 / e
        if gw is not None:
            inner = gw.diag_embed() if inner is None else inner + gw.diag_embed()
        return matmul(v, matmul(inner, v.mT)), None


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, from its ``UPLO``
    triangle; eigenvectors are unique only up to sign."""
    _square(A, "linalg.eigh")
    return _eigh_t(*LinalgEigh.apply(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """Eigenvalues (ascending) of a symmetric matrix."""
    return eigh(A, UPLO).eigenvalues


class LinalgCholeskyEx(Op):
    @staticmethod
    def forward(ctx, a):
        try:
            y = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _not_pd(a) from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors  # Murray 2016: gA = L^-T Phi(L^T gL) L^-1, symmetrised
        ga = matmul(y.mT, grad).tril()
        ga = 0.5 * (ga + ga.tril(-1).mT)
        ga = solve(y.mT, ga)
        return solve(y, ga, left=False)


def _not_pd(a: np.ndarray) -> LinAlgError:
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                where = f"(Batch element {i}): " if a.ndim > 2 else ""
                return LinAlgError(
                    f"linalg.cholesky: {where}The factorization could not be completed because "
                    f"the input is not positive-definite (the leading minor of order {k} is not "
                    "positive-definite)."
                )
    return LinAlgError("linalg.cholesky: the input is not positive-definite.")


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Lower factor L of a symmetric positive-definite A = L L^T (``upper``: L^T)."""
    _square(A, "linalg.cholesky")
    y = LinalgCholeskyEx.apply(A)
    return y.mT if upper else y


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    """(L, info); Ember raises on failure instead of reporting it in ``info``."""
    from .ops.creation import zeros

    return _cholesky_ex_t(cholesky(A, upper=upper),
                          zeros(tuple(A.shape[:-2]), dtype=_dt.int32))


class LinalgQr(Op):
    n_outputs = 2

    @staticmethod
    def forward(ctx, a, mode):
        q, r = np.linalg.qr(a, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        q, r = ctx.saved_tensors  # PyTorch's qr_backward (m >= n): gA = (gQ + Q S) R^-T
        if q.shape[-2] < r.shape[-1] or q.shape[-1] != r.shape[-2]:
            raise NotImplementedError(
                "The derivative of linalg.qr is implemented only for m >= n and "
                "mode='reduced' in Ember"
            )
        if gr is not None:
            m = matmul(gr, r.mT)
            m = m - matmul(q.mT, gq) if gq is not None else m
        else:
            m = -matmul(q.mT, gq)
        t = m.triu()
        ga = matmul(q, t + t.triu(1).mT)  # S = triu(M) + triu(M, 1)^T
        ga = ga + gq if gq is not None else ga
        return solve(r.mT, ga, left=False), None


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """(Q, R) with A = QR; signs follow LAPACK, as in PyTorch."""
    _check_float(A, "linalg.qr")
    if A.ndim < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    if mode == "r":
        from .ops.creation import empty

        _, r = LinalgQr.apply(A, "reduced")
        return _qr_t(empty(0, dtype=A.dtype), r)
    return _qr_t(*LinalgQr.apply(A, mode))


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None) -> Tensor:
    """Moore-Penrose pseudo-inverse via the SVD; singular values below
    ``max(atol, rtol * s_max)`` (rtol default: eps * max(m, n)) are dropped."""
    from .ops.pointwise import where

    _check_float(A, "linalg.pinv")
    u, s, vh = svd(A, full_matrices=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else (
            float(np.finfo(A._data.dtype).eps) * max(A.shape[-2], A.shape[-1]))
    cut = s.amax(-1, keepdim=True).detach() * rtol
    if atol is not None:
        cut = cut.clamp(min=atol)
    sinv = where(s > cut, 1.0 / where(s > cut, s, 1.0), 0.0)
    return matmul(vh.mT * sinv.unsqueeze(-2), u.mT)


__all__ = [
    "LinAlgError", "inv", "inv_ex", "det", "slogdet", "solve", "matmul", "matrix_power",
    "multi_dot", "cross", "vecdot", "norm", "vector_norm", "matrix_norm", "svd", "svdvals",
    "eigh", "eigvalsh", "cholesky", "cholesky_ex", "qr", "pinv", "solve_triangular",
    "matrix_rank",
]
