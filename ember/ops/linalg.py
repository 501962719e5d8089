"""Linear algebra: matmul and its family (``@``)."""

from __future__ import annotations

import numpy as np

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




def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Batched product of (b, n, m) and (b, m, p)."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return matmul(input, mat2)


def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    """Matrix-vector product."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input.ndim}, {vec.ndim}"
        )
    return matmul(input, vec)


def dot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Inner product of two 1-D tensors."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{other.shape[0]}] to have the same number of elements, but got "
            f"{input.shape[0]} and {other.shape[0]} elements respectively"
        )
    if input.dtype != other.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found "
            f"{input.dtype._legacy[:-6]} and {other.dtype._legacy[:-6]}"
        )
    return matmul(input, other)


vdot = inner = dot


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors."""
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2)."""
    prod = mm(mat1, mat2)
    if alpha != 1:
        prod = prod * alpha
    return prod + (input * beta if beta != 1 else input) if beta != 0 else prod


def addmv(input, mat, vec, *, beta=1, alpha=1):
    return input * beta + mv(mat, vec) * alpha


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return input * beta + bmm(batch1, batch2) * alpha


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return input * beta + bmm(batch1, batch2).sum(0) * alpha


class Einsum(Op):
    """einsum on arrays; each operand's gradient is another einsum of grad and the others."""

    @staticmethod
    def forward(ctx, equation, *arrays):
        ctx.equation = equation
        ctx.save_for_backward(*arrays)
        return np.einsum(equation, *arrays, optimize=len(arrays) > 2)

    @staticmethod
    def backward(ctx, grad):
        ops = ctx.saved_tensors
        ins, out = ctx.equation.split("->")
        terms = ins.split(",")
        grads = [None]
        for i, term in enumerate(terms):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(terms) if j != i]
            eq = ",".join([out] + others) + "->" + term
            g = einsum(eq, grad, *[o for j, o in enumerate(ops) if j != i])
            grads.append(_restore_repeats(g, term, ops[i].shape))
        return tuple(grads)


def _restore_repeats(g, term, shape):
    """Letters repeated within a term (a diagonal) are handled by einsum itself."""
    return g.expand(shape) if tuple(g.shape) != tuple(shape) else g


def _normalize_equation(equation: str, operands) -> str:
    """Expand '...' and add an explicit output, so backward can rewrite the equation."""
    eq = equation.replace(" ", "")
    ins, arrow, out = eq.partition("->")
    terms = ins.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation"
            if len(operands) > len(terms) else
            "einsum(): fewer operands were provided than specified in the equation"
        )
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used]
    ell_dims = 0
    for t, op in zip(terms, operands):
        if "..." in t:
            ell_dims = max(ell_dims, op.ndim - (len(t) - 3))
    ell = "".join(spare[:ell_dims])
    new_terms = []
    for t, op in zip(terms, operands):
        if "..." in t:
            k = op.ndim - (len(t) - 3)
            t = t.replace("...", ell[ell_dims - k :])
        new_terms.append(t)
    if not arrow:
        counts = {}
        for t in new_terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return ",".join(new_terms) + "->" + out


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation, e.g. ``einsum('bij,bjk->bik', a, b)``; differentiable to any order."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    eq = _normalize_equation(equation, operands)
    try:
        return Einsum.apply(eq, *operands)
    except ValueError as e:
        raise RuntimeError(f"einsum(): {e}") from None


def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Sum over the last ``dims`` of ``a`` and first of ``b`` (or the listed dim pairs)."""
    if isinstance(dims, int):
        dims_a = list(range(a.ndim - dims, a.ndim))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    ta = [next(letters) for _ in range(a.ndim)]
    tb = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        tb[db] = ta[da]
    out_t = [c for i, c in enumerate(ta) if i not in [d % a.ndim for d in dims_a]] + [
        c for i, c in enumerate(tb) if i not in [d % b.ndim for d in dims_b]]
    return einsum("".join(ta) + "," + "".join(tb) + "->" + "".join(out_t), a, b)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product."""
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    inter = []
    for i in range(n):
        inter += [a.shape[i], b.shape[i]]
    ea = a.reshape(tuple(x for s in a.shape for x in (s, 1)))
    eb = b.reshape(tuple(x for s in b.shape for x in (1, s)))
    return (ea * eb).reshape(tuple(a.shape[i] * b.shape[i] for i in range(n)))


def trace(input: Tensor) -> Tensor:
    if input.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " f"{input.ndim}")
    return input.diagonal().sum()


class Inverse(Op):
    _name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        try:
            y = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            from ..linalg import LinAlgError

            raise LinAlgError(
                "linalg.inv: The diagonal element 2 is zero, the inversion could not be "
                "completed because the input matrix is singular."
            ) from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors  # d A^-1 = -A^-1 dA A^-1  =>  gA = -A^-T G A^-T
        yt = y.mT
        return -(yt @ grad @ yt)


def inverse(input: Tensor) -> Tensor:
    """Matrix inverse (batched over leading dims)."""
    _square(input, "linalg.inv")
    return Inverse.apply(input)


def _square(a: Tensor, name: str) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{a.shape[-2] if a.ndim > 1 else 1} by {a.shape[-1] if a.ndim else 1} matrices"
        )


class Det(Op):
    _name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.asarray(np.linalg.det(a))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors  # d det A / dA = det(A) A^-T
        d = det(a)
        return (grad * d).unsqueeze(-1).unsqueeze(-1) * inverse(a).mT


def det(input: Tensor) -> Tensor:
    """Determinant (batched)."""
    _square(input, "linalg.det")
    return Det.apply(input)


def logdet(input: Tensor) -> Tensor:
    from .pointwise import log

    return log(det(input))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B, via the (differentiable) inverse."""
    _square(A, "linalg.solve")
    if not left:
        return B @ inverse(A)
    if B.ndim == A.ndim - 1:
        return (inverse(A) @ B.unsqueeze(-1)).squeeze(-1)
    return inverse(A) @ B


def matrix_power(input: Tensor, n: int) -> Tensor:
    _square(input, "linalg.matrix_power")
    if n == 0:
        from .creation import eye

        return eye(input.shape[-1], dtype=input.dtype).expand(input.shape)
    base = input if n > 0 else inverse(input)
    out = base
    for _ in range(abs(n) - 1):
        out = out @ base
    return out


def cross(input: Tensor, other: Tensor, dim=None) -> Tensor:
    if dim is None:
        dim = next(i for i, s in enumerate(input.shape) if s == 3)
    a0, a1, a2 = input.unbind(dim)
    b0, b1, b2 = other.unbind(dim)
    from .shape import stack

    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim)


def chain_matmul(*matrices) -> Tensor:
    out = matrices[0]
    for m in matrices[1:]:
        out = out @ m
    return out


register_methods(
    matmul, mm, bmm, mv, dot, vdot, inner, outer, ger, addmm, addmv, baddbmm, addbmm,
    kron, trace, inverse, det, logdet, matrix_power, cross,
    __matmul__=matmul, __rmatmul__=_rmatmul,
)

__all__ = [
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv",
    "baddbmm", "addbmm", "einsum", "tensordot", "kron", "trace", "inverse", "det", "logdet",
    "matrix_power", "chain_matmul",
]
