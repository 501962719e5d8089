"""Pointwise ops: arithmetic with PyTorch's promotion, unary math, comparisons, logic.

Each primitive is an ``Op`` with its NumPy forward and its derivative (in Tensor ops) side by
side. Broadcasting and dtype differences in gradients are undone by the engine.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape

_FROM_NP = _dt._FROM_NP
_SCALARS = (int, float, bool)


# ---- promotion --------------------------------------------------------------------------------

_promo_cache: dict = {}


def _key(x):
    if isinstance(x, Tensor):
        return (x._data.dtype, x._data.ndim == 0)
    return (type(x), None)


def _promote(a, b) -> np.dtype:
    """The NumPy dtype PyTorch's promotion gives for a binary op on ``a`` and ``b``."""
    key = (_key(a), _key(b), _dt._default)
    r = _promo_cache.get(key)
    if r is None:
        r = _dt.to_numpy_dtype(_dt.result_type(a, b))
        _promo_cache[key] = r
    return r


def _scalar(x):
    """Python numbers pass; NumPy scalars become Python numbers; anything else is None."""
    if isinstance(x, _SCALARS):
        return x
    if isinstance(x, np.generic):
        return x.item()
    return None


class Cast(Op):
    """Change dtype; the gradient is cast back by the engine."""

    _name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def _cast(x: Tensor, dtype) -> Tensor:
    """``x`` as NumPy dtype ``dtype`` (differentiable when both are floating)."""
    if x._data.dtype == dtype:
        return x
    if dtype.kind != "f" and x._rg:
        return Tensor._make(x._data.astype(dtype))
    return Cast.apply(x, dtype)


def _operands(a, b, name: str):
    """Promote a binary op's operands to one dtype, as PyTorch does; scalars stay scalars."""
    if not isinstance(a, Tensor):
        s = _scalar(a)
        if s is None or not isinstance(b, Tensor):
            raise TypeError(
                f"{name}(): argument 'input' must be Tensor, not {type(a).__name__}"
            )
        a = s
    if isinstance(b, Tensor):
        if isinstance(a, Tensor) and a._data.dtype is b._data.dtype:
            return a, b
    else:
        s = _scalar(b)
        if s is None:
            raise TypeError(
                f"{name}(): argument 'other' must be Tensor or Number, not {type(b).__name__}"
            )
        b = s
    dt = _promote(a, b)
    if isinstance(a, Tensor):
        a = _cast(a, dt)
    if isinstance(b, Tensor):
        b = _cast(b, dt)
    return a, b


def _broadcast_error(a, b) -> RuntimeError:
    sa = a.shape if isinstance(a, Tensor) else ()
    sb = b.shape if isinstance(b, Tensor) else ()
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and 1 not in (pa[i], pb[i]):
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}"
            )
    return RuntimeError(f"shapes {fmt_shape(sa)} and {fmt_shape(sb)} cannot be broadcast")


def _apply2(cls, a, b, name: str, **kw):
    a, b = _operands(a, b, name)
    try:
        return cls.apply(a, b, **kw)
    except ValueError as e:
        if "broadcast" in str(e):
            raise _broadcast_error(a, b) from None
        raise


# ---- arithmetic -------------------------------------------------------------------------------


class Add(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


class RSub(Op):
    """``scalar - tensor`` (PyTorch's ``rsub``)."""

    _name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b):
        return b - a

    @staticmethod
    def backward(ctx, grad):
        return -grad, None


class Mul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d(ab)/da = b, d(ab)/db = a
        need = ctx.needs_input_grad
        return (grad * b if need[0] else None, grad * a if need[1] else None)


class Div(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        need = ctx.needs_input_grad
        return (grad / b if need[0] else None, -grad * a / (b * b) if need[1] else None)


class Neg(Op):
    @staticmethod
    def forward(ctx, x):
        return np.negative(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad


def _check_bool_sub(a, b) -> None:
    if _is_bool(a) and _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _is_bool(x) -> bool:
    return x._data.dtype == np.bool_ if isinstance(x, Tensor) else isinstance(x, bool)


def add(input, other, *, alpha=1, out=None) -> Tensor:
    """``input + alpha * other`` with broadcasting and type promotion."""
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    return _out(_apply2(Add, input, other, "add"), out)


def sub(input, other, *, alpha=1, out=None) -> Tensor:
    """``input - alpha * other``."""
    _check_bool_sub(input, other)
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    if not isinstance(input, Tensor):
        return _out(_apply2(RSub, other, input, "sub"), out)
    return _out(_apply2(Sub, input, other, "sub"), out)


def mul(input, other, *, out=None) -> Tensor:
    """Elementwise product."""
    return _out(_apply2(Mul, input, other, "mul"), out)


def _int_div_check(b) -> None:
    bd = b._data if isinstance(b, Tensor) else np.asarray(b)
    if bd.dtype.kind in "iub" and not np.all(bd):
        raise RuntimeError("ZeroDivisionError")


def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """True division; ``rounding_mode`` 'trunc' or 'floor' rounds (integers stay integers)."""
    if rounding_mode is None:
        a, b = _operands(input, other, "div")
        dt = a.dtype if isinstance(a, Tensor) else None
        if dt is not None and not dt.is_floating_point:
            a = _cast(a, _dt.get_default_dtype().np)
            if isinstance(b, Tensor):
                b = _cast(b, a._data.dtype)
        try:
            return _out(Div.apply(a, b), out)
        except ValueError:
            raise _broadcast_error(a, b) from None
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    cls = DivTrunc if rounding_mode == "trunc" else DivFloor
    a, b = _operands(input, other, "div")
    if (a._data if isinstance(a, Tensor) else np.asarray(a)).dtype.kind in "iub":
        _int_div_check(b)
    return _out(cls.apply(a, b), out)


class DivTrunc(Op):
    _name = "DivBackward3"

    @staticmethod
    def forward(ctx, a, b):
        if np.result_type(a, b).kind in "iub":
            q = np.floor_divide(a, b)
            fix = (q < 0) & (np.remainder(a, b) != 0)
            return np.where(fix, q + 1, q).astype(q.dtype)
        return np.trunc(a / b)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, grad * 0  # piecewise constant: zero gradient, as PyTorch


class DivFloor(Op):
    _name = "DivBackward3"

    @staticmethod
    def forward(ctx, a, b):
        if np.result_type(a, b).kind in "iub":
            return np.floor_divide(a, b)
        return np.floor(a / b)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, grad * 0


def true_divide(input, other, *, out=None) -> Tensor:
    return div(input, other, out=out)


def floor_divide(input, other, *, out=None) -> Tensor:
    """``input // other`` rounding toward minus infinity."""
    return div(input, other, rounding_mode="floor", out=out)


def neg(input, *, out=None) -> Tensor:
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return _out(Neg.apply(input), out)


negative = neg


def _out(result: Tensor, out: Tensor | None) -> Tensor:
    """Write into ``out=`` (resized like PyTorch, dtype kept) when given."""
    if out is None:
        return result
    if out._rg and state.enabled:
        raise RuntimeError(
            "functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    if out._data.shape != result._data.shape:
        out._data = np.empty(result._data.shape, out._data.dtype)
    np.copyto(out._data, result._data, casting="unsafe")
    return out


# ---- in-place forms --------------------------------------------------------------------------


def _inplace(self: Tensor, result: Tensor) -> Tensor:
    """Make ``self`` hold ``result`` in place: same dtype and shape, version bumped.

    Its new ``grad_fn`` is ``result``'s, so autograd sees the in-place op as the out-of-place one.
    """
    if self._rg and self.grad_fn is None and state.enabled:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    rd, sd = result._data, self._data
    if rd.shape != sd.shape:
        raise RuntimeError(
            f"output with shape {fmt_shape(sd.shape)} doesn't match the broadcast shape "
            f"{fmt_shape(rd.shape)}"
        )
    if rd.dtype != sd.dtype and not np.can_cast(rd.dtype, sd.dtype, "same_kind") and not (
        rd.dtype.kind == "b" or (rd.dtype.kind in "iu" and sd.dtype.kind in "iuf")
    ):
        raise RuntimeError(
            f"result type {_FROM_NP[rd.dtype].name.capitalize()} can't be cast to the "
            f"desired output type {_FROM_NP[sd.dtype].name.capitalize()}"
        )
    np.copyto(sd, rd, casting="unsafe")
    if self._ver is None:
        self._ver = [1]
    else:
        self._ver[0] += 1
    if result._rg:
        if self._base is not None and self._base._rg:
            raise NotImplementedError(
                "Ember does not yet record in-place ops on a view of a tensor that requires "
                "grad; use the out-of-place op (e.g. y = x + 1) instead"
            )
        self.grad_fn = result.grad_fn
        self._out_idx = result._out_idx
        self._rg = True
    return self


def add_(self, other, *, alpha=1) -> Tensor:
    return _inplace(self, add(self, other, alpha=alpha))


def sub_(self, other, *, alpha=1) -> Tensor:
    return _inplace(self, sub(self, other, alpha=alpha))


def mul_(self, other) -> Tensor:
    return _inplace(self, mul(self, other))


def div_(self, other, *, rounding_mode=None) -> Tensor:
    return _inplace(self, div(self, other, rounding_mode=rounding_mode))


def neg_(self) -> Tensor:
    return _inplace(self, neg(self))


# ---- Python operators ------------------------------------------------------------------------


def _binop(fn, reflected: bool = False):
    if reflected:

        def op(self, other):
            if _scalar(other) is None and not isinstance(other, Tensor):
                return NotImplemented
            return fn(other, self)

    else:

        def op(self, other):
            if _scalar(other) is None and not isinstance(other, Tensor):
                return NotImplemented
            return fn(self, other)

    return op


def _iop(fn):
    def op(self, other):
        if _scalar(other) is None and not isinstance(other, Tensor):
            return NotImplemented
        return fn(self, other)

    return op


subtract, multiply, divide = sub, mul, div

register_methods(
    add, sub, mul, div, true_divide, floor_divide, neg, negative, add_, sub_, mul_, div_, neg_,
    subtract, multiply, divide,
    __add__=_binop(add), __radd__=_binop(add, True),
    __sub__=_binop(sub), __rsub__=_binop(sub, True),
    __mul__=_binop(mul), __rmul__=_binop(mul, True),
    __truediv__=_binop(div), __rtruediv__=_binop(div, True),
    __floordiv__=_binop(floor_divide), __rfloordiv__=_binop(floor_divide, True),
    __iadd__=_iop(add_), __isub__=_iop(sub_), __imul__=_iop(mul_), __itruediv__=_iop(div_),
    __neg__=neg,
)

__all__ = [
    "add", "sub", "mul", "div", "true_divide", "floor_divide", "neg", "negative",
    "subtract", "multiply", "divide",
]
