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
        with np.errstate(divide="ignore", invalid="ignore"):
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
    if self._base is not None and state.enabled and (result._rg or self._base._rg):
        from .indexing import rebase_view  # a write into a view: the base's graph changes

        rebase_view(self, result)
    elif result._rg:
        self.grad_fn = result.grad_fn
        self._out_idx = result._out_idx
        self._rg = True
    return self


def _src(self: Tensor, *others) -> Tensor:
    """The operand an in-place op computes from: a clone when a graph is recorded, so that
    what the op saves for backward is not the memory the op then overwrites."""
    if state.enabled and (self._rg or any(isinstance(o, Tensor) and o._rg for o in others)):
        from .shape import clone

        return clone(self)
    return self


def add_(self, other, *, alpha=1) -> Tensor:
    return _inplace(self, add(self, other, alpha=alpha))


def sub_(self, other, *, alpha=1) -> Tensor:
    return _inplace(self, sub(self, other, alpha=alpha))


def mul_(self, other) -> Tensor:
    return _inplace(self, mul(_src(self, other), other))


def div_(self, other, *, rounding_mode=None) -> Tensor:
    return _inplace(self, div(_src(self, other), other, rounding_mode=rounding_mode))


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


# ---- unary math -------------------------------------------------------------------------------


def _float_input(x: Tensor) -> Tensor:
    """Integer and bool inputs of float-valued functions become the default float dtype."""
    if x._data.dtype.kind in "iub":
        return _cast(x, _dt.get_default_dtype().np)
    return x


def _unary(name: str, fwd, bwd, save: str = "x", keep_int: bool = False, torch_name=None):
    """Build an Op for y = fwd(x) whose derivative is bwd(x or y, grad) in Tensor ops."""

    def forward(ctx, x):
        with np.errstate(all="ignore"):  # NaN/inf results, as PyTorch, without warnings
            y = fwd(x)
        ctx.save_for_backward(x if save == "x" else y)
        return y

    def backward(ctx, grad):
        (v,) = ctx.saved_tensors
        return bwd(v, grad)

    op = type(name, (Op,), {"forward": staticmethod(forward), "backward": staticmethod(backward),
                            "_name": f"{torch_name or name}Backward0"})

    def fn(input, *, out=None):
        x = input if keep_int else _float_input(input)
        return _out(op.apply(x), out)

    fn.__name__ = name.lower()
    fn.__doc__ = f"Elementwise {name.lower()}."
    return op, fn


def _sig(a):
    return 1 / (1 + np.exp(-a))


def _erf(a):
    """erf to ~1e-15 in float64 (complementary-error expansion, W. J. Cody style)."""
    import math

    return np.vectorize(math.erf, otypes=[a.dtype])(a) if a.size < 64 else _erf_fast(a)


def _erf_fast(a):
    x = a.astype(np.float64)
    t = 1.0 / (1.0 + 0.5 * np.abs(x))
    y = 1 - t * np.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (
        0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (
            1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
    out = np.where(x >= 0, y, -y)
    small = np.abs(x) < 0.5
    if small.any():
        import math

        out[small] = np.vectorize(math.erf)(x[small])
    return out.astype(a.dtype)


Exp, exp = _unary("Exp", np.exp, lambda y, g: g * y, save="y")
Exp2, exp2 = _unary("Exp2", np.exp2, lambda y, g: g * y * 0.6931471805599453, save="y")
Expm1, expm1 = _unary("Expm1", np.expm1, lambda y, g: g * (y + 1), save="y")
Log, log = _unary("Log", np.log, lambda x, g: g / x)
Log2, log2 = _unary("Log2", np.log2, lambda x, g: g / (x * 0.6931471805599453))
Log10, log10 = _unary("Log10", np.log10, lambda x, g: g / (x * 2.302585092994046))
Log1p, log1p = _unary("Log1p", np.log1p, lambda x, g: g / (x + 1))
Sqrt, sqrt = _unary("Sqrt", np.sqrt, lambda y, g: g / (2 * y), save="y")
Rsqrt, rsqrt = _unary("Rsqrt", lambda a: 1 / np.sqrt(a), lambda y, g: g * y * y * y * -0.5,
                      save="y")
Reciprocal, reciprocal = _unary("Reciprocal", lambda a: 1 / a, lambda y, g: -g * y * y,
                                save="y")
Sin, sin = _unary("Sin", np.sin, lambda x, g: g * x.cos())
Cos, cos = _unary("Cos", np.cos, lambda x, g: -g * x.sin())
Tan, tan = _unary("Tan", np.tan, lambda y, g: g * (1 + y * y), save="y")
Asin, asin = _unary("Asin", np.arcsin, lambda x, g: g * (1 - x * x).rsqrt())
Acos, acos = _unary("Acos", np.arccos, lambda x, g: -g * (1 - x * x).rsqrt())
Atan, atan = _unary("Atan", np.arctan, lambda x, g: g / (1 + x * x))
Sinh, sinh = _unary("Sinh", np.sinh, lambda x, g: g * x.cosh())
Cosh, cosh = _unary("Cosh", np.cosh, lambda x, g: g * x.sinh())
Tanh, tanh = _unary("Tanh", np.tanh, lambda y, g: g * (1 - y * y), save="y")
Asinh, asinh = _unary("Asinh", np.arcsinh, lambda x, g: g * (x * x + 1).rsqrt())
Acosh, acosh = _unary("Acosh", np.arccosh, lambda x, g: g * (x * x - 1).rsqrt())
Atanh, atanh = _unary("Atanh", np.arctanh, lambda x, g: g / (1 - x * x))
Sigmoid, sigmoid = _unary("Sigmoid", _sig, lambda y, g: g * y * (1 - y), save="y")
Erf, erf = _unary("Erf", _erf, lambda x, g: g * (-x * x).exp() * 1.1283791670955126)
Erfc, erfc = _unary("Erfc", lambda a: 1 - _erf(a), lambda x, g: g * (-x * x).exp()
                    * -1.1283791670955126)
Square, _square_op = _unary("Square", np.square, lambda x, g: g * 2 * x, keep_int=True,
                            torch_name="Pow")


def _zero_grad(x, g):
    return g * 0


Floor, floor = _unary("Floor", np.floor, _zero_grad, keep_int=True)
Ceil, ceil = _unary("Ceil", np.ceil, _zero_grad, keep_int=True)
Trunc, trunc = _unary("Trunc", np.trunc, _zero_grad, keep_int=True)
Frac, frac = _unary("Frac", lambda a: a - np.trunc(a), lambda x, g: g)
Sign, sign = _unary("Sign", np.sign, _zero_grad, keep_int=True)
Abs, abs = _unary("Abs", np.abs, lambda x, g: g * Tensor._make(np.sign(x._data)),  # noqa: A001
                  keep_int=True)
Relu, relu = _unary("Relu", lambda a: np.maximum(a, 0),
                    lambda y, g: g * Tensor._make((y._data > 0).astype(y._data.dtype)),
                    save="y", keep_int=True)


def square(input: Tensor, *, out=None) -> Tensor:
    """x * x (integers stay integers)."""
    if input._data.dtype == np.bool_:
        input = _cast(input, np.dtype(np.int64))
    return _square_op(input, out=out)


def sgn(input: Tensor) -> Tensor:
    return sign(input)


def positive(input: Tensor) -> Tensor:
    if input._data.dtype == np.bool_:
        raise TypeError("The `+` operator, on a bool tensor is not supported.")
    return input


def round(input: Tensor, *, decimals: int = 0, out=None) -> Tensor:  # noqa: A001
    """Round half to even (with ``decimals``, as PyTorch)."""
    if decimals == 0:
        return _out(_Round.apply(input), out)
    scale = 10.0**decimals
    return _out(_Round.apply(input * scale) / scale, out)


class _Round(Op):
    _name = "RoundBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.round(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


def logit(input: Tensor, eps: float | None = None, *, out=None) -> Tensor:
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    x = _float_input(input)
    if eps is not None:
        x = clamp(x, eps, 1 - eps)
    return _out(log(x / (1 - x)), out)


# ---- comparison and logic ----------------------------------------------------------------------


class _Compare(Op):
    differentiable = False

    @staticmethod
    def forward(ctx, a, b, fn):
        return fn(a, b)


def _compare(fn, name: str):
    def op(input, other, *, out=None):
        a, b = _operands(input, other, name)
        try:
            return _out(_Compare.apply(a, b, fn), out)
        except ValueError:
            raise _broadcast_error(a, b) from None

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` (a bool tensor)."
    return op


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(fn, name: str):
    def op(input, other, *, out=None):
        a = input._data if isinstance(input, Tensor) else input
        b = other._data if isinstance(other, Tensor) else other
        return _out(Tensor._make(np.asarray(fn(a, b))), out)

    op.__name__ = name
    return op


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(input: Tensor, *, out=None) -> Tensor:
    return _out(Tensor._make(np.logical_not(input._data)), out)


def _bitwise(fn, name: str):
    def op(input, other, *, out=None):
        a, b = _operands(input, other, name)
        ad = a._data if isinstance(a, Tensor) else a
        if (ad.dtype if isinstance(a, Tensor) else np.asarray(ad).dtype).kind == "f":
            raise RuntimeError(f'"{name}_cpu" not implemented for \'Float\'')
        bd = b._data if isinstance(b, Tensor) else b
        return _out(Tensor._make(np.asarray(fn(ad, bd))), out)

    op.__name__ = name
    return op


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(np.left_shift, "bitwise_left_shift")
bitwise_right_shift = _bitwise(np.right_shift, "bitwise_right_shift")


def bitwise_not(input: Tensor, *, out=None) -> Tensor:
    if input._data.dtype.kind == "f":
        raise RuntimeError("\"bitwise_not_cpu\" not implemented for 'Float'")
    return _out(Tensor._make(np.invert(input._data)), out)


def isnan(input: Tensor) -> Tensor:
    return Tensor._make(np.isnan(input._data))


def isinf(input: Tensor) -> Tensor:
    return Tensor._make(np.isinf(input._data))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._make(np.isfinite(input._data))


def isposinf(input: Tensor) -> Tensor:
    return Tensor._make(np.isposinf(input._data))


def isneginf(input: Tensor) -> Tensor:
    return Tensor._make(np.isneginf(input._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data,
                                                                           other._data))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(
            f"{input.dtype._legacy[:-6]} did not match {other.dtype._legacy[:-6]}"
        )
    return Tensor._make(np.isclose(input._data, other._data, rtol, atol, equal_nan))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ---- binary math -------------------------------------------------------------------------------


class Pow(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(all="ignore"):
            return np.power(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d a^b / da = b a^(b-1); d a^b / db = a^b log a
        need = ctx.needs_input_grad
        ga = gb = None
        if need[0]:
            ga = where(b == 0, 0.0, grad * b * a ** (b - 1))
        if need[1]:
            zero = a == 0  # 0^b with b >= 0 has zero gradient in b, as PyTorch
            gb = where(zero & (b >= 0), 0.0, grad * a**b * log(where(zero, 1.0, a)))
        return ga, gb


class PowScalar(Op):
    _name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, e):
        ctx.e = e
        ctx.save_for_backward(a)
        with np.errstate(all="ignore"):
            return np.power(a, e)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors  # d a^e / da = e a^(e-1), zero when e == 0
        if ctx.e == 0:
            return grad * 0, None
        return grad * (ctx.e * a ** (ctx.e - 1)), None


class RPowScalar(Op):
    _name = "PowBackward1"

    @staticmethod
    def forward(ctx, b, base):
        ctx.base = base
        y = np.power(base, b)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors  # d base^b / db = base^b log(base)
        import math

        return grad * y * (math.log(ctx.base) if ctx.base > 0 else float("nan")), None


def pow(input, exponent, *, out=None) -> Tensor:  # noqa: A001
    """input ** exponent (tensor or scalar on either side)."""
    if not isinstance(input, Tensor):
        a, b = _operands(input, exponent, "pow")
        if b._data.dtype.kind in "iub" and not isinstance(a, float):
            return _out(Tensor._make(np.power(a, b._data)), out)
        return _out(RPowScalar.apply(b, a), out)
    a, b = _operands(input, exponent, "pow")
    if isinstance(b, Tensor):
        if a._data.dtype.kind in "iu" and (b._data < 0).any():
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        try:
            return _out(Pow.apply(a, b), out)
        except ValueError:
            raise _broadcast_error(a, b) from None
    if a._data.dtype.kind in "iu" and isinstance(b, int) and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _out(PowScalar.apply(a, b), out)


class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # ties split the gradient in half, as PyTorch
        ad, bd = np.broadcast_arrays(a._data, b._data)
        wa = np.where(ad == bd, 0.5, (ad > bd) * 1.0).astype(grad._data.dtype)
        return grad * Tensor._make(wa), grad * Tensor._make((1 - wa).astype(wa.dtype))


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ad, bd = np.broadcast_arrays(a._data, b._data)
        wa = np.where(ad == bd, 0.5, (ad < bd) * 1.0).astype(grad._data.dtype)
        return grad * Tensor._make(wa), grad * Tensor._make((1 - wa).astype(wa.dtype))


def maximum(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise max (NaN propagates)."""
    return _out(_apply2(Maximum, input, other, "maximum"), out)


def minimum(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    return _out(_apply2(Minimum, input, other, "minimum"), out)


class Atan2(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)
        r = a * a + b * b
        return grad * b / r, -grad * a / r


def atan2(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    a, b = _float_input(input), _float_input(other)
    return _out(_apply2(Atan2, a, b, "atan2"), out)


class Remainder(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d/da = 1, d/db = -floor(a / b)
        q = Tensor._make(np.floor_divide(a._data, b._data))
        return grad, -grad * q


class Fmod(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors  # d/da = 1, d/db = -trunc(a / b)
        q = Tensor._make(np.trunc(a._data / b._data).astype(a._data.dtype))
        return grad, -grad * q


def remainder(input, other, *, out=None) -> Tensor:
    """Python-style modulus (sign of the divisor)."""
    if not isinstance(input, Tensor):
        input = Tensor._make(np.asarray(input))
    a, b = _operands(input, other, "remainder")
    if a._data.dtype.kind in "iub":
        _int_div_check(b)
    return _out(Remainder.apply(a, b), out)


def fmod(input, other, *, out=None) -> Tensor:
    """C-style modulus (sign of the dividend)."""
    a, b = _operands(input, other, "fmod")
    if a._data.dtype.kind in "iub":
        _int_div_check(b)
    return _out(Fmod.apply(a, b), out)


class Clamp(Op):
    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        y = x
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
        return np.asarray(y, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors  # 1 inside [lo, hi] (bounds included), 0 outside
        xd = x._data
        inside = np.ones(np.broadcast_shapes(xd.shape, grad._data.shape), bool)
        if lo is not None:
            inside &= xd >= lo._data
        if hi is not None:
            inside &= xd <= hi._data
        m = Tensor._make(inside.astype(grad._data.dtype))
        need = ctx.needs_input_grad
        glo = ghi = None
        if lo is not None and need[1]:
            glo = grad * Tensor._make((xd < lo._data).astype(grad._data.dtype))
        if hi is not None and need[2]:
            ghi = grad * Tensor._make((xd > hi._data).astype(grad._data.dtype))
        return grad * m, glo, ghi


def clamp(input: Tensor, min=None, max=None, *, out=None) -> Tensor:  # noqa: A002
    """Limit to [min, max] (either may be a tensor); gradient passes at the bounds."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    x = input
    dt = _promote_many(x, min, max)
    x = _cast(x, dt)
    lo = _bound(min, dt)
    hi = _bound(max, dt)
    return _out(Clamp.apply(x, lo, hi), out)


def _promote_many(x, *others):
    d = x.dtype
    for o in others:
        if o is not None:
            d = _dt.result_type(Tensor._make(np.zeros((1,) * max(x.ndim, 1), d.np)), o) \
                if not isinstance(o, Tensor) else _dt.promote_types(d, o.dtype)
    return d.np


def _bound(v, dt):
    if v is None:
        return None
    if isinstance(v, Tensor):
        return _cast(v, dt)
    return Tensor._make(np.asarray(v, dt))


clip = clamp


def clamp_min(input: Tensor, min) -> Tensor:  # noqa: A002
    return clamp(input, min=min)


def clamp_max(input: Tensor, max) -> Tensor:  # noqa: A002
    return clamp(input, max=max)


class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        m = Tensor._make(ctx.cond.astype(grad._data.dtype))
        return None, grad * m, grad * (1 - m)


def where(condition: Tensor, input=None, other=None, *, out=None):
    """``input`` where ``condition`` else ``other``; with one argument, ``nonzero(as_tuple)``."""
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(condition._data))
    if condition._data.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype._legacy[:-6]}"
        )
    a, b = input, other
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        dt = _dt.result_type(a, b).np
        return _out(Tensor._make(np.where(condition._data, a, b).astype(dt)), out)
    if not isinstance(a, Tensor):
        b2, a2 = _operands(b, a, "where")
        a, b = a2, b2
    else:
        a, b = _operands(a, b, "where")
    a = a if isinstance(a, Tensor) else Tensor._make(np.asarray(a, b._data.dtype))
    b = b if isinstance(b, Tensor) else Tensor._make(np.asarray(b, a._data.dtype))
    return _out(Where.apply(Tensor._make(condition._data), a, b), out)


class Lerp(Op):
    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + w * (b - a)

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors  # d/da = 1 - w, d/db = w, d/dw = b - a
        need = ctx.needs_input_grad
        return (grad * (1 - w) if need[0] else None, grad * w if need[1] else None,
                grad * (b - a) if len(need) > 2 and need[2] else None)


def lerp(input: Tensor, end: Tensor, weight, *, out=None) -> Tensor:
    """input + weight * (end - input)."""
    if not isinstance(weight, Tensor):
        weight = Tensor._make(np.asarray(weight, input._data.dtype))
    return _out(Lerp.apply(input, end, weight), out)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN and infinities with finite values (gradient passes where finite)."""
    a = input._data
    big = np.finfo(a.dtype).max if a.dtype.kind == "f" else None
    res = np.nan_to_num(a, nan=nan, posinf=big if posinf is None else posinf,
                        neginf=-big if neginf is None and big is not None else neginf)
    finite = Tensor._make(np.isfinite(a).astype(a.dtype)) if a.dtype.kind == "f" else None
    if finite is None or not input._rg:
        return _out(Tensor._make(res), out)
    return _out(input * finite + Tensor._make(np.where(np.isfinite(a), 0, res).astype(a.dtype)),
                out)


def float_power(input, exponent) -> Tensor:
    return pow(_cast(input, np.dtype(np.float64)) if isinstance(input, Tensor) else input,
               _cast(exponent, np.dtype(np.float64)) if isinstance(exponent, Tensor)
               else exponent)


def hypot(input: Tensor, other: Tensor) -> Tensor:
    return sqrt(input * input + other * other)


def copysign(input, other) -> Tensor:
    a = _float_input(input)
    s = Tensor._make(np.where(np.signbit(other._data if isinstance(other, Tensor) else
                                         np.asarray(other)), -1.0, 1.0).astype(a._data.dtype))
    return abs(a) * s


def fmax(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise max ignoring NaN."""
    a, b = _operands(input, other, "fmax")
    bn = Tensor._make(np.where(np.isnan(b._data), a._data, b._data))
    an = Tensor._make(np.where(np.isnan(a._data), b._data, a._data))
    return maximum(an, bn)


def fmin(input: Tensor, other: Tensor) -> Tensor:
    a, b = _operands(input, other, "fmin")
    bn = Tensor._make(np.where(np.isnan(b._data), a._data, b._data))
    an = Tensor._make(np.where(np.isnan(a._data), b._data, a._data))
    return minimum(an, bn)


# ---- in-place variants and operators of the above ----------------------------------------------


def _inplace_of(fn):
    def op(self, *args, **kwargs):
        return _inplace(self, fn(_src(self, *args), *args, **kwargs))

    op.__name__ = fn.__name__ + "_"
    return op


_WITH_INPLACE = [exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, reciprocal, sin, cos,
                 tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, sigmoid, erf, erfc,
                 floor, ceil, trunc, frac, sign, abs, relu, square, round, logit, clamp, pow,
                 remainder, fmod, atan2, lerp, nan_to_num, clamp_min, clamp_max, maximum,
                 minimum, eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_xor,
                 logical_not, bitwise_and, bitwise_or, bitwise_xor, bitwise_not, hypot,
                 copysign, float_power]
for _f in _WITH_INPLACE:
    setattr(Tensor, _f.__name__ + "_", _inplace_of(_f))
clip_ = _inplace_of(clamp)


def _rop(fn):
    def op(self, other):
        if _scalar(other) is None and not isinstance(other, Tensor):
            return NotImplemented
        return fn(other, self)

    return op


def _invert(self):
    if self._data.dtype == np.bool_:
        return logical_not(self)
    return bitwise_not(self)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = (asin, acos, atan, asinh, acosh,
                                                              atanh, atan2)

register_methods(
    exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, reciprocal, sin, cos, tan, asin, acos,
    atan, sinh, cosh, tanh, asinh, acosh, atanh, sigmoid, erf, erfc, floor, ceil, trunc, frac,
    sign, sgn, abs, relu, square, round, logit, positive, eq, ne, lt, le, gt, ge, greater,
    greater_equal, less, less_equal, not_equal, logical_and, logical_or, logical_xor,
    logical_not, bitwise_and, bitwise_or, bitwise_xor, bitwise_not, bitwise_left_shift,
    bitwise_right_shift, isnan, isinf, isfinite, isposinf, isneginf, equal, isclose, allclose,
    pow, maximum, minimum, atan2, remainder, fmod, clamp, clip, clamp_min, clamp_max, where,
    lerp, nan_to_num, float_power, hypot, copysign, fmax, fmin, arcsin, arccos, arctan,
    arcsinh, arccosh, arctanh, arctan2, clip_=clip_, absolute=abs,
    __pow__=_binop(pow), __rpow__=_rop(pow), __ipow__=_iop(lambda s, o: _inplace(s, pow(s, o))),
    __mod__=_binop(remainder), __rmod__=_rop(remainder),
    __imod__=_iop(lambda s, o: _inplace(s, remainder(_src(s, o), o))),
    __eq__=_binop(eq), __ne__=_binop(ne), __lt__=_binop(lt), __le__=_binop(le),
    __gt__=_binop(gt), __ge__=_binop(ge),
    __and__=_binop(bitwise_and), __rand__=_rop(bitwise_and),
    __or__=_binop(bitwise_or), __ror__=_rop(bitwise_or),
    __xor__=_binop(bitwise_xor), __rxor__=_rop(bitwise_xor),
    __iand__=_iop(lambda s, o: _inplace(s, bitwise_and(s, o))),
    __ior__=_iop(lambda s, o: _inplace(s, bitwise_or(s, o))),
    __ixor__=_iop(lambda s, o: _inplace(s, bitwise_xor(s, o))),
    __lshift__=_binop(bitwise_left_shift), __rshift__=_binop(bitwise_right_shift),
    __invert__=_invert, __abs__=abs, __pos__=positive,
    __ifloordiv__=_iop(lambda s, o: _inplace(s, floor_divide(s, o))),
)
absolute = abs

__all__ = [
    "add", "sub", "mul", "div", "true_divide", "floor_divide", "neg", "negative",
    "subtract", "multiply", "divide", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
    "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "erfc", "floor", "ceil", "trunc",
    "frac", "sign", "sgn", "abs", "absolute", "relu", "square", "round", "logit", "positive",
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "equal", "isclose", "allclose", "pow",
    "maximum", "minimum", "atan2", "remainder", "fmod", "clamp", "clip", "clamp_min",
    "clamp_max", "where", "lerp", "nan_to_num", "float_power", "hypot", "copysign", "fmax",
    "fmin", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "arctan2",
]
