"""Linear algebra: matmul and its family (``@``, mm, bmm, mv, dot, addmm...), einsum, tensordot,
kron, trace, and the square-matrix ops (inverse, det, slogdet, solve) behind ``ember.linalg``.

Every product is one NumPy ``matmul`` (BLAS) in the operands' own dtype; every backward is made of
Tensor ops (mostly matmuls of the saved inputs), so second derivatives come for free.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape, wrap_dim

_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


class LinAlgError(RuntimeError):
    """A linear-algebra failure (singular matrix...), as ``torch.linalg.LinAlgError``."""


def _cname(t: Tensor) -> str:
    """The C++ type name PyTorch prints in mm's dtype error (``float``, ``long int``)."""
    return _C_NAMES[t.dtype.name]


def _sname(t: Tensor) -> str:
    """The ScalarType name PyTorch prints (``Float``, ``Long``)."""
    return t.dtype._legacy[:-6]


# ---- products: one op, several names ----------------------------------------------------------


class MatMul(Op):
    """``np.matmul`` of two arrays (1-D operands act as a row / a column vector)."""

    _name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d(AB)/dA = G B^T, d(AB)/dB = A^T G
        return _matmul_grads(grad, a, b, ctx.needs_input_grad)


def _matmul_grads(grad: Tensor, a: Tensor, b: Tensor, need=(True, True)):
    """Gradients of ``a @ b`` (NumPy matmul semantics); the engine sums broadcast batch dims."""
    if a.ndim == 1 and b.ndim == 1:
        return (grad * b if need[0] else None, grad * a if need[1] else None)
    g = grad.unsqueeze(-2) if a.ndim == 1 else grad
    g = g.unsqueeze(-1) if b.ndim == 1 else g
    ga = gb = None
    if need[0]:
        ga = matmul(g, (b.unsqueeze(-1) if b.ndim == 1 else b).mT)
        ga = ga.squeeze(-2) if a.ndim == 1 else ga
    if need[1]:
        gb = matmul((a.unsqueeze(0) if a.ndim == 1 else a).mT, g)
        gb = gb.squeeze(-1) if b.ndim == 1 else gb
    return ga, gb


class Mm(MatMul):
    _name = "MmBackward0"


class Bmm(MatMul):
    _name = "BmmBackward0"


class Mv(MatMul):
    _name = "MvBackward0"


class Dot(MatMul):
    _name = "DotBackward0"


class Vdot(MatMul):
    _name = "VdotBackward0"


class _RowMatMul(MatMul):
    _name = "SqueezeBackward4"  # torch: unsqueeze(0).mm(b).squeeze_(0)


class _FoldedT(MatMul):
    _name = "CloneBackward0"  # torch: mm on the transposed, folded operand, then .mT.contiguous()


# ---- argument checks with PyTorch's messages --------------------------------------------------


def _check_mm(a: Tensor, b: Tensor, sa: tuple, sb: tuple) -> None:
    """mm's checks, on the (folded) shapes torch would pass to mm."""
    if sa[1] != sb[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})"
        )
    dt = a._data.dtype
    if dt != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_cname(a)} != {_cname(b)}"
        )
    if dt.kind == "b":
        _check_not_bool(a)


def _check_not_bool(a: Tensor) -> None:
    if a._data.dtype.kind == "b":
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def _check_mv(m: Tensor, v: Tensor, sm: tuple) -> None:
    """mv's checks on the (folded) matrix shape ``sm``."""
    if m.dtype is not v.dtype:
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {_sname(v)}, {_sname(m)}, "
            f"and {_sname(v)}"
        )
    if sm[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({sm[0]}), mat ({sm[0]}x{sm[1]}), vec ({v.shape[0]})"
        )
    _check_not_bool(m)


def _check_bmm(a: Tensor, b: Tensor, sa: tuple, sb: tuple) -> None:
    if sb[0] != sa[0] or sb[1] != sa[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{sa[0]}, {sa[2]}] but got: [{sb[0]}, {sb[1]}]."
        )
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {_sname(a)} but found {_sname(b)}")
    _check_not_bool(a)


def _check_vectors(a: Tensor, b: Tensor) -> None:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    n, m = a.shape[0], b.shape[0]
    if n != m:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_sname(a)} and "
            f"{_sname(b)}"
        )


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _broadcast_batch(sa: tuple, sb: tuple) -> tuple:
    """Broadcast two batch shapes, with PyTorch's error for sizes that don't match."""
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    out = []
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}"
            )
        out.append(y if x == 1 else x)
    return tuple(out)


def _folds(t1: Tensor, t2: Tensor) -> bool:
    """PyTorch's ``should_fold``: fold the bigger operand's batch into rows and call mm/mv."""
    larger = t1.ndim >= t2.ndim
    big = t1 if larger else t2
    small_dim = t2.ndim if larger else t1.ndim
    if not (big.ndim >= 3 and small_dim <= 2):
        return False
    if (t2 if larger else t1)._rg:
        return True
    if t1.ndim == 2:
        return False
    arr = big._data if larger else np.swapaxes(big._data, -1, -2)
    if arr.size == 0:
        return True
    st, sh = arr.strides, arr.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(arr.ndim - 1))


# ---- public products --------------------------------------------------------------------------


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with batch broadcasting; a 1-D operand acts as a vector (torch.matmul).

    Dispatches like PyTorch (dot, mv, mm, folded mm, bmm), so errors and grad_fn names match.
    """
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if da <= 2 and db <= 2:
        if da == 2 and db == 2:
            _check_mm(input, other, input._data.shape, other._data.shape)
            return Mm.apply(input, other)
        if da == 1 and db == 1:
            _check_vectors(input, other)
            return Dot.apply(input, other)
        if db == 1:
            _check_mv(input, other, input._data.shape)
            return Mv.apply(input, other)
        _check_mm(input, other, (1,) + input._data.shape, other._data.shape)
        return _RowMatMul.apply(input, other)
    sa, sb = input._data.shape, other._data.shape
    if _folds(input, other):
        if da >= db:
            rows = (_prod(sa[:-1]), sa[-1])
            if db == 1:
                _check_mv(input, other, rows)
            else:
                _check_mm(input, other, rows, sb)
            return MatMul.apply(input, other)
        rows = (_prod(sb[:-2]) * sb[-1], sb[-2])
        if da == 1:
            _check_mv(other, input, rows)
            return MatMul.apply(input, other)
        _check_mm(other, input, rows, (sa[1], sa[0]))
        return _FoldedT.apply(input, other)
    m1 = sa if da > 1 else (1,) + sa
    m2 = sb if db > 1 else sb + (1,)
    batch = _broadcast_batch(m1[:-2], m2[:-2])
    n = _prod(batch)
    _check_bmm(input, other, (n,) + m1[-2:], (n,) + m2[-2:])
    return MatMul.apply(input, other)


def _matmul_op(self: Tensor, other):
    # NotImplemented for non-tensors: NumPy then computes ``t @ ndarray`` as PyTorch's does
    return matmul(self, other) if isinstance(other, Tensor) else NotImplemented


def _rmatmul(self: Tensor, other):
    return matmul(other, self) if isinstance(other, Tensor) else NotImplemented


def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Product of two 2-D matrices (no broadcasting)."""
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm(input, mat2, input._data.shape, mat2._data.shape)
    return Mm.apply(input, mat2)


def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Batched product of (b, n, m) and (b, m, p); no broadcasting (torch.bmm)."""
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_bmm(input, mat2, input._data.shape, mat2._data.shape)
    return Bmm.apply(input, mat2)


def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    """Matrix-vector product of a (n, m) matrix and a (m,) vector."""
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}"
        )
    _check_mv(input, vec, input._data.shape)
    return Mv.apply(input, vec)


def dot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Inner product of two 1-D tensors of the same size and dtype (no broadcasting)."""
    _check_vectors(input, other)
    return Dot.apply(input, other)


def vdot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """``dot`` that would conjugate its first argument; Ember is real-only, so the same as dot."""
    _check_vectors(input, other)
    return Vdot.apply(input, other)


def inner(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Sum over the last dims of both: shape ``input.shape[:-1] + other.shape[:-1]``."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{fmt_shape(input.shape)} and {fmt_shape(other.shape)}"
        )
    return tensordot(input, other, ([-1], [-1]))


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors (dtypes promote, as for ``*``)."""
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return input.reshape(-1, 1) * vec2


ger = outer


# ---- beta * input + alpha * product -----------------------------------------------------------


def _scaled_sum(c, p, beta, alpha):
    """beta * c + alpha * p, in p's dtype; beta == 0 ignores c (even its NaNs), as PyTorch."""
    if alpha != 1:
        p = p * alpha
    if beta == 0:
        out = p
    else:
        out = p + (c * beta if beta != 1 else c)
    return out.astype(p.dtype, copy=False)


class Addmm(Op):
    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(a, b)
        return _scaled_sum(c, np.matmul(a, b), beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d/dC = beta G, d/dA = alpha G B^T, d/dB = alpha A^T G
        return _add_grads(ctx, grad, *_matmul_grads(grad, a, b, ctx.needs_input_grad[1:3]))


def _add_grads(ctx, grad, ga, gb):
    al, be = ctx.alpha, ctx.beta
    gc = (grad if be == 1 else grad * be) if ctx.needs_input_grad[0] else None
    if al != 1:
        ga = ga * al if ga is not None else None
        gb = gb * al if gb is not None else None
    return gc, ga, gb, None, None


class Addmv(Addmm):
    pass


class Baddbmm(Addmm):
    pass


class Addbmm(Op):
    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(a, b)
        n, k, m = a.shape[1], a.shape[0] * a.shape[2], b.shape[2]
        p = np.swapaxes(a, 0, 1).reshape(n, k) @ b.reshape(k, m)
        return _scaled_sum(c, p, beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # the sum over the batch copies G to every batch entry
        g = grad.unsqueeze(0)
        return _add_grads(ctx, grad, *_matmul_grads(g, a, b, ctx.needs_input_grad[1:3]))


class Addr(Op):
    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(a, b)
        return _scaled_sum(c, np.multiply.outer(a, b), beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d(a b^T)/da = G b, d/db = G^T a
        need = ctx.needs_input_grad
        ga = matmul(grad, b) if need[1] else None
        gb = matmul(grad.mT, a) if need[2] else None
        return _add_grads(ctx, grad, ga, gb)


def _check_expand(c: Tensor, shape: tuple) -> None:
    """``input`` must broadcast to the product's shape (PyTorch expands it)."""
    cs = tuple(c.shape)
    if len(cs) > len(shape):
        raise RuntimeError(
            f"expand(ember.{c.dtype._legacy}{{{fmt_shape(cs)}}}, size={fmt_shape(shape)}): the "
            f"number of sizes provided ({len(shape)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({len(cs)})"
        )
    pad = (1,) * (len(shape) - len(cs)) + cs
    for i, (x, y) in enumerate(zip(pad, shape)):
        if x != y and x != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({y}) must match the existing size ({x}) at "
                f"non-singleton dimension {i}.  Target sizes: {fmt_shape(shape)}.  Tensor sizes: "
                f"{fmt_shape(cs)}"
            )


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to the product's shape."""
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_sname(input)} and {_sname(mat2)}"
        )
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_sname(mat1)} and {_sname(mat2)}"
        )
    _check_mm(mat1, mat2, mat1.shape, mat2.shape)
    _check_expand(input, (mat1.shape[0], mat2.shape[1]))
    return Addmm.apply(input, mat1, mat2, beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}"
        )
    if not (input.dtype is mat.dtype is vec.dtype):
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {_sname(input)}, "
            f"{_sname(mat)}, and {_sname(vec)}"
        )
    n = mat.shape[0]
    if mat.shape[1] != vec.shape[0] or (input.ndim == 1 and input.shape[0] not in (1, n)):
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), "
            f"mat ({n}x{mat.shape[1]}), vec ({vec.shape[0]})"
        )
    return Addmv.apply(input, mat, vec, beta, alpha)


def _check_batches(batch1: Tensor, batch2: Tensor, name: str) -> None:
    for i, b in ((1, batch1), (2, batch2)):
        if b.ndim != 3:
            raise RuntimeError(f"batch{i} must be a 3D tensor")
    if name == "addbmm" and batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
            f"{batch2.shape[0]}"
        )
    _check_bmm(batch1, batch2, batch1.shape, batch2.shape)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    _check_batches(batch1, batch2, "baddbmm")
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"expected scalar type {_sname(batch1)} but found {_sname(input)}")
    _check_expand(input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    return Baddbmm.apply(input, batch1, batch2, beta, alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]`` (one GEMM over the batch)."""
    _check_batches(batch1, batch2, "addbmm")
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"expected scalar type {_sname(batch1)} but found {_sname(input)}")
    _check_expand(input, (batch1.shape[1], batch2.shape[2]))
    return Addbmm.apply(input, batch1, batch2, beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    dt = _dt.result_type(input, vec1, vec2)
    input, vec1, vec2 = (t if t.dtype is dt else t.to(dt) for t in (input, vec1, vec2))
    _check_expand(input, (vec1.shape[0], vec2.shape[0]))
    return Addr.apply(input, vec1, vec2, beta, alpha)


def chain_matmul(*matrices: Tensor) -> Tensor:
    """Product of 2-D matrices, left to right (deprecated in PyTorch for linalg.multi_dot)."""
    return multi_dot(matrices)


def multi_dot(tensors) -> Tensor:
    """Product of a chain of matrices; the first / last may be 1-D vectors."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(
            f"multi_dot(): expected at least 2 tensors but got {len(tensors)}"
        )
    out = tensors[0]
    for m in tensors[1:]:
        out = matmul(out, m)
    return out


# ---- einsum -----------------------------------------------------------------------------------


class Einsum(Op):
    """einsum on arrays; each operand's gradient is an einsum of grad with the other operands."""

    _name = "ViewBackward0"

    @staticmethod
    def forward(ctx, equation, *arrays):
        ctx.equation = equation
        ctx.save_for_backward(*arrays)
        out = np.einsum(equation, *arrays, optimize=len(arrays) > 1)
        if len(arrays) == 1 and np.shares_memory(out, arrays[0]):
            out = out.copy()
        return out

    @staticmethod
    def backward(ctx, grad):
        ops = ctx.saved_tensors  # d/dX_i einsum(...) = einsum(grad, the others -> X_i's labels)
        ins, out = ctx.equation.split("->")
        terms = ins.split(",")
        grads = [None]
        for i, term in enumerate(terms):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(terms) if j != i]
            avail = set(out).union(*others)
            keep = "".join(dict.fromkeys(c for c in term if c in avail))
            eq = ",".join([out, *others]) + "->" + keep
            g = einsum(eq, grad, *[o for j, o in enumerate(ops) if j != i])
            grads.append(_spread(g, keep, term, tuple(ops[i].shape)))
        return tuple(grads)


def _spread(g: Tensor, keep: str, term: str, shape: tuple) -> Tensor:
    """Place a gradient over labels ``keep`` onto an operand with labels ``term``: repeated
    labels (diagonals) get an identity mask, labels summed away get broadcast."""
    if keep == term:
        return g
    first = {}
    for p, c in enumerate(term):
        first.setdefault(c, p)
    view = [shape[p] if first[c] == p and c in keep else 1 for p, c in enumerate(term)]
    g = g.reshape(view)
    for p, c in enumerate(term):
        if first[c] != p:
            mask = [1] * len(term)
            mask[first[c]] = mask[p] = shape[p]
            eye = np.eye(shape[p], dtype=g._data.dtype).reshape(mask)
            g = g * Tensor._make(eye)
    return g.expand(shape) if tuple(g.shape) != shape else g


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _parse_term(t: str, i: int, pos: int) -> list:
    """Labels of one operand; '...' stays one item."""
    out, k = [], 0
    while k < len(t):
        if t.startswith("...", k):
            out.append("...")
            k += 3
            continue
        if t[k] not in _LETTERS:
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {pos + k} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
        out.append(t[k])
        k += 1
    return out


def _einsum_plan(equation: str, operands) -> tuple:
    """The explicit equation (ellipses named, output written out) and the operands, with size-1
    label dims expanded where other operands have them larger (PyTorch broadcasts those)."""
    eq = equation.replace(" ", "")
    ins, arrow, out = eq.partition("->")
    raw = ins.split(",")
    if len(raw) != len(operands):
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation"
            if len(operands) > len(raw)
            else "einsum(): fewer operands were provided than specified in the equation"
        )
    terms, pos = [], 0
    for i, t in enumerate(raw):
        terms.append(_parse_term(t, i, pos))
        pos += len(t) + 1
    spare = [c for c in _LETTERS if c not in eq]
    ell = 0
    for i, (t, op) in enumerate(zip(terms, operands)):
        n = len(t) - ("..." in t)
        if "..." not in t and n != op.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n}) does not match the "
                f"number of dimensions ({op.ndim}) for operand {i} and no ellipsis was given"
            )
        if n > op.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n}) is more than the "
                f"number of dimensions ({op.ndim}) for operand {i}"
            )
        if "..." in t:
            ell = max(ell, op.ndim - n)
    ell_labels = spare[:ell]
    named = []
    for t, op in zip(terms, operands):
        k = op.ndim - (len(t) - 1) if "..." in t else 0
        named.append("".join(c for x in t for c in (ell_labels[ell - k:] if x == "..." else [x])))
    sizes = _label_sizes(named, operands)
    if arrow:
        out_t = _parse_term(out, 0, len(ins) + 2)
        out_s = "".join(c for x in out_t for c in (ell_labels if x == "..." else [x]))
        for c in out_s:
            if c not in sizes:
                raise RuntimeError(
                    f"einsum(): output subscript {c} does not appear in the equation for any "
                    "input operand"
                )
            if out_s.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
    else:
        counts = "".join(named)
        out_s = "".join(ell_labels) + "".join(
            sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ell_labels))
    ops = []
    for t, op in zip(named, operands):
        want = tuple(sizes[c] for c in t)
        ops.append(op.expand(want) if tuple(op.shape) != want else op)
    return ",".join(named) + "->" + out_s, ops


def _label_sizes(named, operands) -> dict:
    sizes = {}
    for i, (t, op) in enumerate(zip(named, operands)):
        seen = {}
        for c, s in zip(t, op.shape):
            if c in seen and seen[c] != s:
                raise RuntimeError(
                    f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't "
                    f"match, {s} != {seen[c]}"
                )
            seen[c] = s
            old = sizes.get(c)
            if old is None or old == 1:
                sizes[c] = s
            elif s != 1 and s != old:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {s} for operand {i} which does not "
                    f"broadcast with previously seen size {old}"
                )
    return sizes


def _sublists_to_equation(args) -> tuple:
    """``einsum(op0, [0, 1], op1, [1, 2], [0, 2])`` -> ('ab,bc->ac', ops)."""
    def labels(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sub)

    ops, terms = list(args[0::2]), [labels(s) for s in args[1::2]]
    out = None
    if len(ops) > len(terms):
        out = labels(ops.pop())
    eq = ",".join(terms[: len(ops)])
    return (eq + "->" + out if out is not None else eq), ops


def einsum(*args) -> Tensor:
    """Einstein summation, ``einsum('bij,bjk->bik', a, b)``; ellipsis, repeated labels (diagonals)
    and the sublist form work; differentiable to any order."""
    if args and isinstance(args[0], Tensor):
        equation, operands = _sublists_to_equation(args)
    else:
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    dt = operands[0].dtype
    for o in operands[1:]:
        if o.dtype is not dt:
            raise RuntimeError(f"expected scalar type {_sname(operands[0])} but found {_sname(o)}")
    eq, ops = _einsum_plan(equation, operands)
    return Einsum.apply(eq, *ops)


# ---- tensordot, kron, trace, cross ------------------------------------------------------------


def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Contract the last ``dims`` dims of ``a`` with the first of ``b``, or the listed pairs;
    one permute + reshape + mm each (BLAS)."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    ca = [wrap_dim(d, a.ndim) for d in dims_a]
    cb = [wrap_dim(d, b.ndim) for d in dims_b]
    for da, db, x, y in zip(ca, cb, dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                f"{x} and second has size {b.shape[db]} in dim {y}"
            )
    fa = [d for d in range(a.ndim) if d not in ca]
    fb = [d for d in range(b.ndim) if d not in cb]
    k = _prod(a.shape[d] for d in ca)
    pa = a.permute(fa + ca).reshape(-1, k) if a.ndim else a.reshape(1, 1)
    pb = b.permute(cb + fb).reshape(k, -1) if b.ndim else b.reshape(1, 1)
    return mm(pa, pb).reshape([a.shape[d] for d in fa] + [b.shape[d] for d in fb])


def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product: block (i, j) of the result is ``input[i, j] * other``."""
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    ea = input.reshape(tuple(x for s in sa for x in (s, 1)))
    eb = other.reshape(tuple(x for s in sb for x in (1, s)))
    return (ea * eb).reshape(tuple(x * y for x, y in zip(sa, sb)))


class Trace(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        out = np.trace(x)
        return np.asarray(out if x.dtype.kind == "f" else out.astype(np.int64))

    @staticmethod
    def backward(ctx, grad):
        n, m = ctx.shape  # d tr(X)/dX = I (rectangular)
        return grad * Tensor._make(np.eye(n, m, dtype=grad._data.dtype))


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor (integers give int64)."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return Trace.apply(input)


class LinalgCross(Op):
    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return np.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d(a x b) = da x b + a x db  =>  ga = b x G, gb = G x a
        need, d = ctx.needs_input_grad, ctx.dim
        return (LinalgCross.apply(b, grad, d) if need[0] else None,
                LinalgCross.apply(grad, a, d) if need[1] else None, None)


def _cross(input: Tensor, other: Tensor, dim: int, name: str) -> Tensor:
    if input.ndim != other.ndim:
        raise RuntimeError(
            f"{name}: inputs must have the same number of dimensions."
        )
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"{name}: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
            f"{other.shape[d]}"
        )
    dt = _dt.result_type(input, other)
    input, other = (t if t.dtype is dt else t.to(dt) for t in (input, other))
    return LinalgCross.apply(input, other, d - input.ndim)


def cross(input: Tensor, other: Tensor, dim=None, *, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3)."""
    if dim is None:
        dim = next((i for i, s in enumerate(input.shape) if s == 3), -1)
    return _cross(input, other, dim, "linalg.cross")


# ---- square matrices: inverse, det, slogdet, solve --------------------------------------------


def _square(a: Tensor, name: str, floating: bool = True) -> None:
    """PyTorch's checks for ops on (batches of) square floating-point matrices."""
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
            f"{a.shape[-1]} matrices"
        )
    if floating and not a.dtype.is_floating_point:
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {_sname(a)}"
        )
    if floating and a._data.dtype.itemsize < 4:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_sname(a)}")


def _zero_pivot(m: np.ndarray) -> int:
    """1-based index of LAPACK getrf's first exactly-zero pivot (partial pivoting), else 0."""
    m = m.copy()
    n = m.shape[0]
    for j in range(n):
        p = j + int(np.argmax(np.abs(m[j:, j])))
        if m[p, j] == 0:
            return j + 1
        m[[j, p]] = m[[p, j]]
        m[j + 1:, j:] -= np.multiply.outer(m[j + 1:, j] / m[j, j], m[j, j:])
    return 0


def _singular_error(a: np.ndarray, name: str) -> LinAlgError:
    """PyTorch's singular-matrix error naming the zero pivot (and batch element)."""
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        info = _zero_pivot(m)
        if info:
            where = f"(Batch element {i}): " if a.ndim > 2 else ""
            return LinAlgError(
                f"{name}: {where}The diagonal element {info} is zero, the inversion could not "
                "be completed because the input matrix is singular."
            )
    return LinAlgError(f"{name}: The input matrix is singular.")


class Inverse(Op):
    _name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        try:
            y = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise _singular_error(a, "linalg.inv") from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors  # d A^-1 = -A^-1 dA A^-1  =>  gA = -A^-T G A^-T
        yt = y.mT
        return -matmul(matmul(yt, grad), yt)


def inverse(input: Tensor, *, out=None) -> Tensor:
    """Inverse of a (batch of) square matrices; singular ones raise ``LinAlgError``."""
    _square(input, "linalg.inv")
    return Inverse.apply(input)


class Det(Op):
    _name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a, y := np.asarray(np.linalg.det(a)))
        return y

    @staticmethod
    def backward(ctx, grad):
        a, y = ctx.saved_tensors  # d det A / dA = det(A) A^-T (A invertible)
        return (grad * y).unsqueeze(-1).unsqueeze(-1) * inverse(a).mT


def det(input: Tensor) -> Tensor:
    """Determinant of a (batch of) square matrices; the gradient needs A invertible."""
    _square(input, "linalg.det")
    return Det.apply(input)


class Slogdet(Op):
    _name = "LinalgSlogdetBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        sign, logabs = np.linalg.slogdet(a)
        return np.asarray(sign), np.asarray(logabs)

    @staticmethod
    def backward(ctx, gsign, glog):
        (a,) = ctx.saved_tensors  # d log|det A| / dA = A^-T; the sign is piecewise constant
        if glog is None:
            return (None,)
        return glog.unsqueeze(-1).unsqueeze(-1) * inverse(a).mT


def slogdet(input: Tensor):
    """(sign, log|det|) of a (batch of) square matrices, a named tuple as in PyTorch."""
    from ..linalg import _slogdet_t

    _square(input, "linalg.slogdet")
    return _slogdet_t(*Slogdet.apply(input))


def logdet(input: Tensor) -> Tensor:
    """log(det A): NaN where det < 0, -inf where det == 0 (as PyTorch)."""
    from .pointwise import where

    _square(input, "logdet")
    sign, logabs = Slogdet.apply(input)
    return where(sign < 0, float("nan"), logabs)


class Solve(Op):
    _name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, left, vec):
        ctx.left, ctx.vec = left, vec
        b = b[..., None] if vec else b
        try:
            x = np.linalg.solve(a, b) if left else np.linalg.solve(
                np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2))
        except np.linalg.LinAlgError:
            raise LinAlgError(
                "torch.linalg.solve: The solver failed because the input matrix is singular."
            ) from None
        x = x if left else np.swapaxes(x, -1, -2)
        x = x[..., 0] if vec else x
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors  # AX = B: gB = A^-T G, gA = -gB X^T (XA = B: gA = -X^T gB)
        left, vec = ctx.left, ctx.vec
        gb = Solve.apply(a.mT, grad, left, vec)
        if not ctx.needs_input_grad[0]:
            return None, gb, None, None
        if vec:
            gb2, x2 = (gb.unsqueeze(-1), x.unsqueeze(-1)) if left else (
                gb.unsqueeze(-2), x.unsqueeze(-2))
        else:
            gb2, x2 = gb, x
        ga = matmul(gb2, x2.mT) if left else matmul(x2.mT, gb2)
        return -ga, gb, None, None


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """X with A X = B (``left=False``: X A = B); batch dims broadcast; B may be a vector."""
    _square(A, "linalg.solve")
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{_sname(A)} and B of type {_sname(B)} instead"
        )
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    rows, cols = (B.shape[-1], 1) if vec else tuple(B.shape[-2:])
    if (rows if left else cols) != A.shape[-1] or (not left and vec):
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and {rows}x{cols})"
        )
    return Solve.apply(A, B, left, vec)


class _Identity(Op):
    _name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a):
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()

    @staticmethod
    def backward(ctx, grad):
        return grad * 0.0  # A^0 = I does not depend on A


def matrix_power(input: Tensor, n: int) -> Tensor:
    """A^n by repeated squaring; n < 0 inverts first, n == 0 gives identities."""
    _square(input, "linalg.matrix_power", floating=False)
    if n == 0:
        return _Identity.apply(input)
    if n == 1:
        return input.clone()
    base = input if n > 0 else inverse(input)
    out, k = None, abs(n)
    while k:
        if k & 1:
            out = base if out is None else matmul(out, base)
        k >>= 1
        if k:
            base = matmul(base, base)
    return out


register_methods(
    matmul, mm, bmm, mv, dot, vdot, inner, outer, ger, addmm, addmv, baddbmm, addbmm, addr,
    kron, trace, inverse, det, logdet, slogdet, matrix_power, cross,
    __matmul__=_matmul_op, __rmatmul__=_rmatmul,
)

__all__ = [
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv",
    "baddbmm", "addbmm", "addr", "einsum", "tensordot", "kron", "trace", "inverse", "det",
    "logdet", "slogdet", "matrix_power", "chain_matmul", "cross",
]
