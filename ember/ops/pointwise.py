"""Pointwise ops: arithmetic with PyTorch's promotion, unary math, comparisons, logic.

Each primitive is an ``Op`` with its NumPy forward and its derivative (in Tensor ops) side by
side. Broadcasting and dtype differences in gradients are undone by the engine. The Python
operators at the end are written out by hand: ``a + b`` is the hottest path in the framework.
"""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import dtypes as _dt
from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..backend.jit import kernels
from ..tensor import Tensor, register_methods
from ._util import fmt_shape

_FROM_NP = _dt._FROM_NP
_SCALARS = (int, float, bool)
_I64 = np.dtype(np.int64)



class _ErrstateVar:
    """Fallback with the context variable's set/reset interface, for other NumPy layouts."""

    @staticmethod
    def set(_):
        e = np.errstate(all="ignore")
        e.__enter__()
        return e

    @staticmethod
    def reset(e) -> None:
        e.__exit__(None, None, None)


try:  # NumPy >= 2: set the error state through its context variable, ~10x cheaper than errstate
    from numpy._core._ufunc_config import _extobj_contextvar as _errvar
    from numpy._core._ufunc_config import _make_extobj

    _IGNORE = _make_extobj(all="ignore")
except ImportError:  # pragma: no cover - other NumPy layouts
    _errvar, _IGNORE = _ErrstateVar(), None
_quiet_on, _quiet_off = _errvar.set, _errvar.reset


def _quiet(f, *args):
    """``f(*args)`` without NumPy's floating-point warnings: PyTorch gives inf/NaN silently."""
    token = _quiet_on(_IGNORE)
    try:
        return f(*args)
    finally:
        _quiet_off(token)


def _tname(d: np.dtype) -> str:
    """PyTorch's scalar-type name of a NumPy dtype, as in its messages ('Float', 'Long')."""
    return _FROM_NP[d]._legacy[:-6]


def _not_impl(kernel: str, d: np.dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{_tname(d)}\'')


def _need_tensor(fn: str, x, pos: int = 2, arg: str = "other") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}"
        )


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
    if isinstance(x, np.generic):  # first: np.float64 is also a float
        return x.item()
    if isinstance(x, _SCALARS):
        return x
    return None


def _as_scalar(x, name: str, arg: str):
    s = _scalar(x)
    if s is None:
        kind = "Tensor" if arg == "input" else "Tensor or Number"
        raise TypeError(f"{name}(): argument '{arg}' must be {kind}, not {type(x).__name__}")
    return s


def _wrap_int(s, dt: np.dtype):
    """A Python int in a narrow integer dtype, wrapping around as PyTorch's cast does."""
    if dt.kind in "iu" and dt is not _I64 and s.__class__ is not bool:
        return np.array(s, _I64).astype(dt)[()]
    return s


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
    """Promote a binary op's operands to one dtype, as PyTorch does; scalars stay scalars
    (integers wrapped into narrow integer dtypes). Either side may be the scalar."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype is b._data.dtype:
                return a, b
            dt = _promote(a, b)
            return _cast(a, dt), _cast(b, dt)
        b = _as_scalar(b, name, "other")
        dt = _promote(a, b)
        return _cast(a, dt), _wrap_int(b, dt)
    a = _as_scalar(a, name, "input")
    if not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(a).__name__}")
    dt = _promote(a, b)
    return _wrap_int(a, dt), _cast(b, dt)


def _dtype_of(x) -> np.dtype:
    return x._data.dtype if isinstance(x, Tensor) else np.result_type(x)


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


def _run2(cls, a, b, *extra):
    """``cls.apply(a, b, ...)`` with NumPy's broadcast ValueError turned into PyTorch's."""
    try:
        return cls.apply(a, b, *extra)
    except ValueError as e:
        if "broadcast" in str(e):
            raise _broadcast_error(a, b) from None
        raise


def _out(result: Tensor, out: Tensor | None, name: str | None = None) -> Tensor:
    """Write into ``out=`` (resized like PyTorch, dtype kept) when given; ``name`` is the op's,
    for the error PyTorch gives when autograd is involved."""
    if out is None:
        return result
    if (out._rg or result._rg) and state.enabled:
        raise RuntimeError(
            f"{name + '(): ' if name else ''}functions with out=... arguments don't support "
            "automatic differentiation, but one of the arguments requires grad."
        )
    _check_cast(result._data.dtype, out._data.dtype)
    if out._data.shape != result._data.shape:
        if out._data.size:
            warnings.warn(
                "An output with one or more elements was resized since it had shape "
                f"{fmt_shape(out._data.shape)}, which does not match the required output shape "
                f"{fmt_shape(result._data.shape)}. This behavior is deprecated, and in a future "
                "PyTorch release outputs will not be resized unless they have zero elements. "
                "You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                "elements with t.resize_(0).",
                UserWarning, stacklevel=3,
            )
        out._data = np.empty(result._data.shape, out._data.dtype)
    np.copyto(out._data, result._data, casting="unsafe")
    return out


def _check_cast(src: np.dtype, dst: np.dtype) -> None:
    """PyTorch's canCast: no floating -> integral/bool, no integral -> bool."""
    if (src.kind == "f" and dst.kind in "iub") or (src.kind in "iu" and dst.kind == "b"):
        raise RuntimeError(
            f"result type {_tname(src)} can't be cast to the desired output type {_tname(dst)}"
        )


# ---- arithmetic -------------------------------------------------------------------------------


class Add(Op):
    @staticmethod
    def forward(ctx, a, b):
        token = _quiet_on(_IGNORE)  # inlined _quiet: this is the hottest path
        try:
            return a + b
        finally:
            _quiet_off(token)

    @staticmethod
    def backward(ctx, grad):
        # d(a + b)/da = d(a + b)/db = 1
        return grad, grad


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b):
        token = _quiet_on(_IGNORE)
        try:
            return a - b
        finally:
            _quiet_off(token)

    @staticmethod
    def backward(ctx, grad):
        # d(a - b)/da = 1, d(a - b)/db = -1
        return grad, -grad


class RSub(Op):
    """``other - input`` for a scalar ``other`` (PyTorch's ``rsub``)."""

    _name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b):
        return _quiet(np.subtract, b, a)

    @staticmethod
    def backward(ctx, grad):
        # d(b - a)/da = -1
        return -grad, None


class Mul(Op):
    number = None  # tensor * number: only the number is kept for backward, as PyTorch

    @staticmethod
    def forward(ctx, a, b):
        if isinstance(b, np.ndarray):
            ctx.save_for_backward(a, b)
        else:
            ctx.number = b
        token = _quiet_on(_IGNORE)
        try:
            return a * b
        finally:
            _quiet_off(token)

    @staticmethod
    def backward(ctx, grad):
        # d(ab)/da = b, d(ab)/db = a
        if ctx.number is not None:
            return grad * ctx.number, None
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * b if need[0] else None, grad * a if need[1] else None)


def _div(a, b):
    return a / b


class Div(Op):
    number = None  # tensor / number: only the number is kept for backward, as PyTorch

    @staticmethod
    def forward(ctx, a, b):
        if isinstance(b, np.ndarray):
            ctx.save_for_backward(a, b)
        else:
            ctx.number = b
        token = _quiet_on(_IGNORE)
        try:
            return a / b
        finally:
            _quiet_off(token)

    @staticmethod
    def backward(ctx, grad):
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        if ctx.number is not None:
            return grad / ctx.number, None
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad / b if need[0] else None, -grad * a / (b * b) if need[1] else None)


class Neg(Op):
    @staticmethod
    def forward(ctx, x):
        return np.negative(x)

    @staticmethod
    def backward(ctx, grad):
        # d(-x)/dx = -1
        return -grad


def _trunc_div(a, b):
    if np.result_type(a, b).kind in "iu":
        q = np.floor_divide(a, b)
        return q + ((q < 0) & (np.remainder(a, b) != 0)).astype(q.dtype)
    return np.trunc(a / b)


class DivTrunc(Op):
    _name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b):
        return _quiet(_trunc_div, a, b)

    @staticmethod
    def backward(ctx, grad):
        # piecewise constant: zero gradient, as PyTorch
        return grad * 0, grad * 0


class DivFloor(Op):
    _name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b):
        return _quiet(np.floor_divide, a, b)

    @staticmethod
    def backward(ctx, grad):
        # piecewise constant: zero gradient, as PyTorch
        return grad * 0, grad * 0


class FloorDivide(DivFloor):
    """``floor_divide`` / ``//``: PyTorch records a node whose backward refuses to run."""

    _name = "torch::autograd::NotImplemented"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


def _check_bool_sub(a, b) -> None:
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
            if _is_bool(a) and _is_bool(b)
            else "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
            "are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _is_bool(x) -> bool:
    return x._data.dtype == np.bool_ if isinstance(x, Tensor) else isinstance(x, bool)


def _scaled(b, alpha, dt: np.dtype):
    """``alpha * b`` in the promoted dtype, with PyTorch's checks on ``alpha``."""
    if dt.kind in "iub" and isinstance(alpha, float):
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    if isinstance(alpha, bool) and dt.kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if dt.kind == "b":
        alpha = bool(alpha)
    if isinstance(b, Tensor):
        return mul(b, alpha)
    b = _scalar(b)
    return bool(b and alpha) if dt.kind == "b" else _wrap_int(b * alpha, dt)


def add(input: Tensor, other, *, alpha=1, out: Tensor | None = None) -> Tensor:
    """``input + alpha * other`` with broadcasting and type promotion."""
    a, b = _operands(input, other, "add")
    if alpha.__class__ is not int or alpha != 1:
        b = _scaled(b, alpha, _dtype_of(a))
    return _out(_run2(Add, a, b), out, "add")


def _sub(input, other, alpha=1) -> Tensor:
    _check_bool_sub(input, other)
    a, b = _operands(input, other, "sub")
    if not isinstance(a, Tensor):  # scalar - tensor
        if alpha.__class__ is not int or alpha != 1:
            b = _scaled(b, alpha, _dtype_of(b))
        return RSub.apply(b, a)
    if alpha.__class__ is not int or alpha != 1:
        b = _scaled(b, alpha, _dtype_of(a))
    return _run2(Sub, a, b)


def sub(input: Tensor, other, *, alpha=1, out: Tensor | None = None) -> Tensor:
    """``input - alpha * other``; bool tensors refuse subtraction, as in PyTorch."""
    return _out(_sub(input, other, alpha), out, "sub")


def rsub(input: Tensor, other, *, alpha=1) -> Tensor:
    """``other - alpha * input``."""
    _need_tensor("rsub", input, 1, "input")
    return sub(other, input, alpha=alpha) if isinstance(other, Tensor) else _sub(
        other, input, alpha)


def mul(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
    """Elementwise product."""
    _need_tensor("mul", input, 1, "input")
    return _out(_run2(Mul, *_operands(input, other, "mul")), out, "mul")


def _to_float(a, b, input, other):
    """Integer operands (already promoted) of a float-valued op as the default float dtype;
    numbers go back to their unwrapped Python value."""
    dt = _dt.get_default_dtype().np
    a = _cast(a, dt) if isinstance(a, Tensor) else float(_scalar(input))
    b = _cast(b, dt) if isinstance(b, Tensor) else float(_scalar(other))
    return a, b


def _true_div(input, other) -> Tensor:
    a, b = _operands(input, other, "div")
    if _dtype_of(a if isinstance(a, Tensor) else b).kind != "f":  # int / int: default float
        a, b = _to_float(a, b, input, other)
    return _run2(Div, a, b)


def _int_div_check(b) -> None:
    bd = b._data if isinstance(b, Tensor) else b
    if not np.all(bd):
        raise RuntimeError("ZeroDivisionError")


def _rounded_div(input, other, mode: str, op=None) -> Tensor:
    a, b = _operands(input, other, "div")
    dt = _dtype_of(a if isinstance(a, Tensor) else b)
    if dt.kind == "b":
        raise _not_impl(f"div_{mode}_cpu", dt)
    if dt.kind in "iu":
        _int_div_check(b)
    return _run2(op or (DivTrunc if mode == "trunc" else DivFloor), a, b)


def div(input: Tensor, other, *, rounding_mode: str | None = None,
        out: Tensor | None = None) -> Tensor:
    """True division (integers give the default float); ``rounding_mode`` 'trunc' or 'floor'
    rounds the quotient and keeps integer dtypes. Integer division by zero raises."""
    if rounding_mode is None:
        return _out(_true_div(input, other), out, "div")
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    return _out(_rounded_div(input, other, rounding_mode), out)


def true_divide(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
    """Alias of ``div`` without rounding."""
    return div(input, other, out=out)


def floor_divide(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
    """``input // other`` rounding toward minus infinity (Python's ``//``); no gradient."""
    return _out(_rounded_div(input, other, "floor", FloorDivide), out)


def neg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``-input``; a bool tensor raises, as in PyTorch."""
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return _out(Neg.apply(input), out)


negative, subtract, multiply, divide = neg, sub, mul, div


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
    if rd.dtype is not sd.dtype:
        _check_cast(rd.dtype, sd.dtype)
    if not sd.flags.writeable:
        from .indexing import _read_only

        _read_only(sd)
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


def _inplace_of(fn, name: str | None = None):
    """The in-place method ``x.fn_(...)`` of out-of-place ``fn``."""

    def op(self, *args, **kwargs):
        return _inplace(self, fn(_src(self, *args), *args, **kwargs))

    op.__name__ = name or fn.__name__ + "_"
    op.__doc__ = f"In-place ``{fn.__name__}``."
    return op


# ---- unary math -------------------------------------------------------------------------------


def _float_input(x: Tensor) -> Tensor:
    """Integer and bool inputs of float-valued functions become the default float dtype."""
    if x._data.dtype.kind in "iub":
        return _cast(x, _dt.get_default_dtype().np)
    return x


def _unary(name: str, fwd, bwd, save: str = "x", ints: str = "float", quiet: bool = True,
           torch_name: str | None = None):
    """An Op for y = fwd(x) whose derivative is ``bwd(x or y, grad)`` in Tensor ops, and its
    public function. ``ints``: 'float' (integer/bool inputs give the default float), 'keep'
    (integers keep their dtype), or a kernel name that refuses non-floating inputs."""

    def forward(ctx, x):
        y = _quiet(fwd, x) if quiet else fwd(x)
        ctx.save_for_backward(x if save == "x" else y)
        return y

    def backward(ctx, grad):
        (v,) = ctx.saved_tensors
        return bwd(v, grad)

    op = type(name, (Op,), {"forward": staticmethod(forward), "backward": staticmethod(backward),
                            "_name": f"{torch_name or name}Backward0", "__doc__": f"{name}."})

    def fn(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        if input._data.dtype.kind != "f":
            if ints == "float":
                input = _float_input(input)
            elif ints != "keep":
                raise _not_impl(ints, input._data.dtype)
            elif input._data.dtype.kind == "b":
                raise _not_impl(f"{name.lower()}_cpu", input._data.dtype)
        y = op.apply(input)
        return y if out is None else _out(y, out, name.lower())

    fn.__name__ = fn.__qualname__ = name.lower()
    fn.__doc__ = f"Elementwise {name.lower()}" + (
        "." if ints != "float" else " (integer and bool inputs give the default float dtype).")
    return op, fn


def _sig(a):
    x = _work(a)
    return (1 / (1 + np.exp(-x))).astype(a.dtype, copy=False)


def _zero_grad(x, g):
    return g * 0


def _mask(cond: np.ndarray, like: Tensor) -> Tensor:
    """A constant 0/1 tensor of ``like``'s dtype."""
    return Tensor._make(cond.astype(like._data.dtype))


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_2_SQRTPI = 2.0 / math.sqrt(math.pi)

Exp, exp = _unary("Exp", np.exp, lambda y, g: g * y, save="y")
Exp2, exp2 = _unary("Exp2", np.exp2, lambda y, g: g * y * _LN2, save="y")
Expm1, expm1 = _unary("Expm1", np.expm1, lambda y, g: g * (y + 1), save="y")
Log, log = _unary("Log", np.log, lambda x, g: g / x)
Log2, log2 = _unary("Log2", np.log2, lambda x, g: g / (x * _LN2))
Log10, log10 = _unary("Log10", np.log10, lambda x, g: g / (x * _LN10))
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
Tanh, tanh = _unary("Tanh", np.tanh, lambda y, g: g * (1 - y * y), save="y", quiet=False)
Asinh, asinh = _unary("Asinh", np.arcsinh, lambda x, g: g * (x * x + 1).rsqrt())
Acosh, acosh = _unary("Acosh", np.arccosh, lambda x, g: g * (x * x - 1).rsqrt())
Atanh, atanh = _unary("Atanh", np.arctanh, lambda x, g: g / (1 - x * x))
Sigmoid, sigmoid = _unary("Sigmoid", _sig, lambda y, g: g * y * (1 - y), save="y")
Square, _square = _unary("Square", np.square, lambda x, g: g * 2 * x, ints="keep",
                         torch_name="Pow")
Floor, floor = _unary("Floor", np.floor, _zero_grad, ints="keep", quiet=False)
Ceil, ceil = _unary("Ceil", np.ceil, _zero_grad, ints="keep", quiet=False)
Trunc, trunc = _unary("Trunc", np.trunc, _zero_grad, ints="keep", quiet=False)
Frac, frac = _unary("Frac", lambda a: a - np.trunc(a), lambda x, g: g, ints="frac_cpu")
Abs, abs = _unary("Abs", np.abs, lambda x, g: g * Tensor._make(np.sign(x._data)),  # noqa: A001
                  ints="keep", quiet=False)
Sgn, _sgn = _unary("Sgn", np.sign, _zero_grad, ints="keep", quiet=False)
Sign, _sign = _unary("Sign", np.sign, _zero_grad, ints="keep", quiet=False)


def _relu_forward(a: np.ndarray) -> np.ndarray:
    k = kernels()
    return k.relu(a) if k is not None and k.fits(a) else np.maximum(a, 0)


def _relu_backward(y: Tensor, g: Tensor) -> Tensor:
    k = kernels()
    if k is not None and not state.enabled and k.fits(y._data, g._data):
        return Tensor._make(k.relu_backward(y._data, g._data))
    return g * _mask(y._data > 0, g)


Relu, _relu = _unary("Relu", _relu_forward, _relu_backward,
                     save="y", ints="keep", quiet=False)
fix = trunc


def sign(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """-1, 0 or 1 by the sign of each element (bool stays bool); gradient zero."""
    if input._data.dtype == np.bool_:
        return _out(Tensor._make(input._data.copy()), out)
    return _sign(input, out=out)


def sgn(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``sign`` for real tensors (PyTorch's complex-aware name)."""
    if input._data.dtype == np.bool_:
        return _out(Tensor._make(input._data.copy()), out)
    return _sgn(input, out=out)


def relu(input: Tensor) -> Tensor:
    """max(x, 0); integers keep their dtype; gradient 0 at 0, as PyTorch."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _relu(input)


def square(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """x * x (integers stay integers, bool gives int64)."""
    if input._data.dtype == np.bool_:
        input = _cast(input, _I64)
    return _square(input, out=out)


def positive(input: Tensor) -> Tensor:
    """``+input``: the tensor itself; bool tensors raise, as in PyTorch."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# erf and erfc by W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969),
# about 1e-16 relative in float64. Coefficients lowest power first.
_ERF_P = (3.209377589138469472562e3, 3.774852376853020208137e2, 1.138641541510501556495e2,
          3.161123743870565596947e0, 1.85777706184603152673e-1)
_ERF_Q = (2.844236833439170622273e3, 1.282616526077372275645e3, 2.440246379344441733056e2,
          2.360129095234412093499e1, 1.0)
_ERFC_P = (1.23033935479799725272e3, 2.05107837782607146532e3, 1.71204761263407058314e3,
           8.81952221241769090411e2, 2.98635138197400131132e2, 6.61191906371416294775e1,
           8.88314979438837594118e0, 5.64188496988670089180e-1, 2.15311535474403846343e-8)
_ERFC_Q = (1.23033935480374942043e3, 3.43936767414372163696e3, 4.36261909014324715820e3,
           3.29079923573345962678e3, 1.62138957456669018874e3, 5.37181101862009857509e2,
           1.17693950891312499305e2, 1.57449261107098347253e1, 1.0)
_ERFC_R = (6.58749161529837803157e-4, 1.60837851487422766278e-2, 1.25781726111229246204e-1,
           3.60344899949804439429e-1, 3.05326634961232344035e-1, 1.63153871373020978498e-2)
_ERFC_S = (2.33520497626869185443e-3, 6.05183413124413191178e-2, 5.27905102951428412248e-1,
           1.87295284992346047209e0, 2.56852019228982242072e0, 1.0)
_1_SQRTPI = 1.0 / math.sqrt(math.pi)


def _poly(c: tuple, x):
    r = c[-1]
    for k in c[-2::-1]:
        r = r * x + k
    return r


def _work(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32) if a.dtype.itemsize < 4 else a  # float16 math in float32


def _erf_small(x):
    z = x * x
    return x * _poly(_ERF_P, z) / _poly(_ERF_Q, z)


def _erfc_large(ax):
    """erfc(ax) for ax >= 0.5: exp(-ax^2) times a rational function (1/ax for ax >= 4)."""
    ax = np.minimum(ax, 30.0)  # erfc(30) underflows to 0 even in float64
    xs = np.trunc(ax * 16.0) / 16.0  # exp(-x^2) = exp(-xs^2) exp(-(x-xs)(x+xs)), exactly split
    e = np.exp(-xs * xs) * np.exp(-(ax - xs) * (ax + xs))
    z = 1.0 / (ax * ax)
    tail = (_1_SQRTPI - z * _poly(_ERFC_R, z) / _poly(_ERFC_S, z)) / ax
    return e * np.where(ax < 4.0, _poly(_ERFC_P, ax) / _poly(_ERFC_Q, ax), tail)


def _erf(a):
    x = _work(a)
    ax = np.abs(x)
    big = np.copysign(1.0 - _erfc_large(np.maximum(ax, 0.5)), x)
    return np.where(ax < 0.5, _erf_small(x), big).astype(a.dtype, copy=False)


def _erfc(a):
    x = _work(a)
    ax = np.abs(x)
    c = _erfc_large(np.maximum(ax, 0.5))
    big = np.where(x < 0, 2.0 - c, c)
    return np.where(ax < 0.5, 1.0 - _erf_small(x), big).astype(a.dtype, copy=False)


def _erfinv(a):
    """M. Giles' single-precision approximation, then Newton steps on erf to full precision."""
    x = _work(a)
    w = -np.log((1.0 - x) * (1.0 + x))
    ws = w - 2.5
    p1 = _poly((1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087,
                -4.39150654e-06, -3.5233877e-06, 3.43273939e-07, 2.81022636e-08), ws)
    wl = np.sqrt(w) - 3.0
    p2 = _poly((2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773,
                -0.00367342844, 0.00134934322, 0.000100950558, -0.000200214257), wl)
    ax = np.abs(x)
    y = np.where(w < 5.0, p1, p2) * ax
    q = 1.0 - ax  # exact for ax >= 0.5: there Newton solves log erfc(y) = log q instead
    lq = np.log(q)
    for _ in range(4 if x.dtype == np.float64 else 1):
        d = _2_SQRTPI * np.exp(-y * y)
        c = _erfc(y)
        y = np.where(ax < 0.5, y - (_erf(y) - ax) / d, y + (np.log(c) - lq) * c / d)
    y = np.where(ax == 1.0, np.inf, y)
    return np.copysign(y, x).astype(a.dtype, copy=False)


Erf, erf = _unary("Erf", _erf, lambda x, g: g * (-x * x).exp() * _2_SQRTPI)
Erfc, erfc = _unary("Erfc", _erfc, lambda x, g: g * (-x * x).exp() * -_2_SQRTPI)
Erfinv, erfinv = _unary("Erfinv", _erfinv, lambda y, g: g * (y * y).exp() * (0.5 * math.sqrt(
    math.pi)), save="y")


class Round(Op):
    @staticmethod
    def forward(ctx, x, decimals):
        return np.round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        # piecewise constant: zero gradient
        return grad * 0, None


class RoundDecimals(Round):
    _name = "RoundBackward1"


def round(input: Tensor, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:  # noqa: A001
    """Round half to even; ``decimals`` rounds to that many decimal places (as PyTorch)."""
    d = input._data.dtype
    if d.kind != "f":
        if decimals != 0 or d.kind == "b":
            raise _not_impl("round_cpu", d)
        return _out(Tensor._make(input._data.copy()), out)
    return _out((RoundDecimals if decimals else Round).apply(input, decimals), out)


class Logit(Op):
    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        if eps is not None:
            x = np.clip(x, eps, 1.0 - eps)
        return _quiet(lambda v: np.log(v / (1 - v)), x)

    @staticmethod
    def backward(ctx, grad):
        # d/dx log(x / (1 - x)) = 1 / (x (1 - x)); zero outside [eps, 1 - eps]
        (x,) = ctx.saved_tensors
        g = grad / (x * (1 - x))
        if ctx.eps is None:
            return g, None
        xd = x._data
        return g * _mask((xd >= ctx.eps) & (xd <= 1 - ctx.eps), g), None


def logit(input: Tensor, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    return _out(Logit.apply(_float_input(input), eps), out)


class NanToNum(Op):
    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = np.isfinite(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        # identity where finite, zero where replaced
        return grad * _mask(ctx.finite, grad), None, None, None


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """Replace NaN, +inf and -inf (by default with 0 and the dtype's largest finite values)."""
    if input._data.dtype.kind != "f":
        return _out(Tensor._make(input._data.copy()), out)
    return _out(NanToNum.apply(input, nan, posinf, neginf), out)


# ---- comparison and logic ----------------------------------------------------------------------


class Compare(Op):
    """``fn(a, b)`` for a NumPy comparison ufunc ``fn``: a bool tensor, no gradient."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, fn):
        return fn(a, b)


def _compare(fn, name: str):
    def op(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got "
                f"({type(input).__name__}, {type(other).__name__})"
            )
        a, b = _operands(input, other, name)
        r = _run2(Compare, a, b, fn)
        return r if out is None else _out(r, out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` after type promotion (a bool tensor)."
    return op


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(fn, name: str):
    def op(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
        _need_tensor(name, input, 1, "input")
        _need_tensor(name, other)
        r = _run2(Compare, input, other, fn)
        return r if out is None else _out(r, out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` of the truth values (a bool tensor)."
    return op


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise ``not`` of the truth values (a bool tensor)."""
    return _out(Tensor._make(np.logical_not(input._data)), out)


def _shift(fn, left: bool):
    def shifted(a, b):
        bits = a.dtype.itemsize * 8
        bad = (b < 0) | (b >= bits)  # PyTorch: out-of-range shifts fill with 0 (or the sign)
        r = fn(a, np.where(bad, 0, b).astype(a.dtype))
        fill = 0 if left or a.dtype.kind == "u" else np.where(a < 0, -1, 0)
        return np.where(bad, fill, r).astype(a.dtype, copy=False)

    return shifted


def _bitwise(fn, name: str, kernel: str, allow_bool: bool = True):
    def op(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
        a, b = _operands(input, other, name)
        dt = _dtype_of(a if isinstance(a, Tensor) else b)
        if dt.kind == "f" or (dt.kind == "b" and not allow_bool):
            raise _not_impl(kernel, dt)
        ad = np.asarray(a._data if isinstance(a, Tensor) else a, dt)
        bd = np.asarray(b._data if isinstance(b, Tensor) else b, dt)
        try:
            r = Tensor._make(np.asarray(fn(ad, bd)))
        except ValueError:
            raise _broadcast_error(a, b) from None
        return r if out is None else _out(r, out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` of integer or bool tensors."
    return op


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and", "bitwise_and_cpu")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or", "bitwise_or_cpu")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor", "bitwise_xor_cpu")
bitwise_left_shift = _bitwise(_shift(np.left_shift, True), "bitwise_left_shift", "lshift_cpu",
                              allow_bool=False)
bitwise_right_shift = _bitwise(_shift(np.right_shift, False), "bitwise_right_shift",
                               "rshift_cpu", allow_bool=False)


def bitwise_not(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise bit inversion (``not`` for bool)."""
    d = input._data.dtype
    if d.kind == "f":
        raise _not_impl("bitwise_not_cpu", d)
    return _out(Tensor._make(np.invert(input._data)), out)


def isnan(input: Tensor) -> Tensor:
    """True where NaN."""
    return Tensor._make(np.isnan(input._data))


def isinf(input: Tensor) -> Tensor:
    """True where +inf or -inf."""
    return Tensor._make(np.isinf(input._data))


def isfinite(input: Tensor) -> Tensor:
    """True where neither NaN nor infinite."""
    return Tensor._make(np.isfinite(input._data))


def isposinf(input: Tensor) -> Tensor:
    """True where +inf."""
    d = input._data
    return Tensor._make(d == np.inf if d.dtype.kind == "f" else np.zeros(d.shape, bool))


def isneginf(input: Tensor) -> Tensor:
    """True where -inf."""
    d = input._data
    return Tensor._make(d == -np.inf if d.dtype.kind == "f" else np.zeros(d.shape, bool))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both have the same shape and elements (a Python bool)."""
    _need_tensor("equal", input, 1, "input")
    _need_tensor("equal", other)
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data,
                                                                           other._data))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise; dtypes must match."""
    _need_tensor("isclose", input, 1, "input")
    _need_tensor("isclose", other)
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{_tname(a.dtype)} did not match {_tname(b.dtype)}")
    if a.dtype.kind == "b":
        return eq(input, other)
    try:
        return Tensor._make(np.asarray(_quiet(np.isclose, a, b, rtol, atol, equal_nan)))
    except ValueError:
        raise _broadcast_error(input, other) from None


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """``isclose(...).all()`` as a Python bool."""
    _need_tensor("allclose", input, 1, "input")
    _need_tensor("allclose", other)
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ---- binary math -------------------------------------------------------------------------------


class Pow(Op):
    """tensor ** tensor."""

    _name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _quiet(np.power, a, b)

    @staticmethod
    def backward(ctx, grad):
        # d a^b/da = b a^(b-1) (0 where b == 0); d a^b/db = a^b log a (0 where a == 0, b >= 0)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gb = None
        if need[0]:
            ga = where(b == 0, 0.0, grad * b * a ** (b - 1))
        if need[1]:
            zero = a == 0
            gb = where(zero & (b >= 0), 0.0, grad * a**b * log(where(zero, 1.0, a)))
        return ga, gb


class PowScalar(Op):
    """tensor ** number."""

    _name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, e):
        ctx.e = e
        ctx.save_for_backward(a)
        return _quiet(np.power, a, e)

    @staticmethod
    def backward(ctx, grad):
        # d a^e/da = e a^(e-1), zero when e == 0
        (a,) = ctx.saved_tensors
        if ctx.e == 0:
            return grad * 0, None
        return grad * (ctx.e * a ** (ctx.e - 1)), None


class RPowScalar(Op):
    """number ** tensor."""

    _name = "PowBackward2"

    @staticmethod
    def forward(ctx, b, base):
        ctx.base = base
        y = _quiet(np.power, base, b)
        ctx.save_for_backward(b, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d base^b/db = base^b log(base); 0 where base == 0 and b >= 0
        b, y = ctx.saved_tensors
        base = ctx.base
        if base == 0:
            return grad * y * _mask(b._data < 0, grad) * -math.inf, None
        return grad * y * (math.log(base) if base > 0 else math.nan), None


def _int_pow(a, b, dt: np.dtype) -> Tensor:
    """Integer powers; negative exponents give 0 except for bases 1 and -1, as PyTorch."""
    a, b = np.asarray(a, dt), np.asarray(b, dt)
    neg = b < 0
    r = np.power(a, np.where(neg, 0, b))
    if neg.any():
        odd = np.where(b % 2 == 0, 1, -1)
        r = np.where(neg, np.where(a == 1, 1, np.where(a == -1, odd, 0)), r)
    return Tensor._make(np.asarray(r, dt))


def pow(input, exponent, *, out: Tensor | None = None) -> Tensor:  # noqa: A001
    """``input ** exponent``: tensor or number on either side (not both numbers).
    An integer tensor to a negative integer number raises, as PyTorch."""
    a, b = _operands(input, exponent, "pow")
    if not isinstance(b, Tensor):
        b = _scalar(exponent)
    if not isinstance(a, Tensor):  # number ** tensor
        dt = b._data.dtype
        if dt.kind in "iub":
            return _out(_int_pow(a, b._data, dt) if dt.kind != "b" else
                        Tensor._make(np.asarray(_int_pow(a, b._data, _I64)._data, bool)), out)
        return _out(RPowScalar.apply(b, a), out)
    dt = a._data.dtype
    if isinstance(b, Tensor):
        if dt.kind == "b":
            raise _not_impl("pow", dt)
        if dt.kind in "iu":
            try:
                return _out(_int_pow(a._data, b._data, dt), out)
            except ValueError:
                raise _broadcast_error(a, b) from None
        return _out(_run2(Pow, a, b), out)
    if dt.kind in "iub":
        if isinstance(b, int) and b < 0 and dt.kind != "b":
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if dt.kind == "b":
            return _out(Tensor._make(a._data | (not b)), out)
        return _out(_int_pow(a._data, b, dt), out)
    return _out(PowScalar.apply(a, int(b) if isinstance(b, bool) else b), out)


def float_power(input, exponent, *, out: Tensor | None = None) -> Tensor:
    """``pow`` computed in float64 (the result is float64)."""
    f64 = np.dtype(np.float64)
    a = _cast(input, f64) if isinstance(input, Tensor) else float(input)
    b = _cast(exponent, f64) if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b, out=out)


def float_power_(self: Tensor, exponent) -> Tensor:
    """In-place ``float_power``: ``self`` must already be float64."""
    if self._data.dtype != np.float64:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {_tname(self._data.dtype)} but the "
            "operation's result requires dtype Double"
        )
    return _inplace(self, float_power(_src(self, exponent), exponent))


def _tie_weights(a: Tensor, b: Tensor, bigger, grad: Tensor):
    """0/1/0.5 masks sending the gradient to the chosen side, ties split in half."""
    ad, bd = a._data, b._data
    wa = np.where(ad == bd, 0.5, bigger(ad, bd)).astype(grad._data.dtype)
    return Tensor._make(wa), Tensor._make(1 - wa)


class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        # the gradient goes to the larger input; ties split it in half, as PyTorch
        a, b = ctx.saved_tensors
        wa, wb = _tie_weights(a, b, np.greater, grad)
        return grad * wa, grad * wb


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        # the gradient goes to the smaller input; ties split it in half, as PyTorch
        a, b = ctx.saved_tensors
        wa, wb = _tie_weights(a, b, np.less, grad)
        return grad * wa, grad * wb


class Fmax(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmax(a, b)

    @staticmethod
    def backward(ctx, grad):
        # to input where input >= other or other is NaN, else to other (no tie split)
        a, b = ctx.saved_tensors
        m = (a._data >= b._data) | np.isnan(b._data)
        return grad * _mask(m, grad), grad * _mask(~m, grad)


class Fmin(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmin(a, b)

    @staticmethod
    def backward(ctx, grad):
        # to input where input <= other or other is NaN, else to other (no tie split)
        a, b = ctx.saved_tensors
        m = (a._data <= b._data) | np.isnan(b._data)
        return grad * _mask(m, grad), grad * _mask(~m, grad)


def _tensor_pair(name: str, input: Tensor, other: Tensor, to_float: bool = False):
    _need_tensor(name, input, 1, "input")
    _need_tensor(name, other)
    a, b = _operands(input, other, name)
    if to_float and a._data.dtype.kind != "f":
        a, b = _float_input(a), _float_input(b)
    return a, b


def maximum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise max (NaN propagates); ties split the gradient in half."""
    return _out(_run2(Maximum, *_tensor_pair("maximum", input, other)), out, "maximum")


def minimum(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise min (NaN propagates); ties split the gradient in half."""
    return _out(_run2(Minimum, *_tensor_pair("minimum", input, other)), out, "minimum")


def fmax(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise max ignoring NaN (NaN only where both are NaN)."""
    return _out(_run2(Fmax, *_tensor_pair("fmax", input, other)), out, "fmax")


def fmin(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Elementwise min ignoring NaN (NaN only where both are NaN)."""
    return _out(_run2(Fmin, *_tensor_pair("fmin", input, other)), out, "fmin")


class Atan2(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        # d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)
        a, b = ctx.saved_tensors
        r = a * a + b * b
        return grad * b / r, -grad * a / r


def atan2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Angle of (other, input) in (-pi, pi]; integer inputs give the default float."""
    return _out(_run2(Atan2, *_tensor_pair("atan2", input, other, True)), out)


class Hypot(Op):
    @staticmethod
    def forward(ctx, a, b):
        y = np.hypot(a, b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/da sqrt(a^2 + b^2) = a / y, d/db = b / y
        a, b, y = ctx.saved_tensors
        return grad * a / y, grad * b / y


def hypot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """sqrt(input^2 + other^2) without overflow; floating tensors only, as PyTorch."""
    a, b = _tensor_pair("hypot", input, other)
    if a._data.dtype.kind != "f":
        raise _not_impl("hypot_cpu", a._data.dtype)
    return _out(_run2(Hypot, a, b), out)


class Copysign(Op):
    @staticmethod
    def forward(ctx, a, b):
        y = np.copysign(a, b)
        ctx.ratio = np.where(a == 0, 0, _quiet(_div, y, a)).astype(y.dtype)
        return y

    @staticmethod
    def backward(ctx, grad):
        # d/da copysign(a, b) = sign(a) * sign(b) (0 at a == 0); zero for b
        return grad * Tensor._make(ctx.ratio), grad * 0


class CopysignScalar(Copysign):
    _name = "CopysignBackward1"

    @staticmethod
    def backward(ctx, grad):
        # d/da copysign(a, b) = sign(a) * sign(b) (0 at a == 0)
        return grad * Tensor._make(ctx.ratio), None


def copysign(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
    """|input| with the sign of ``other`` (integer inputs give the default float)."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"copysign() received an invalid combination of arguments - got "
            f"({type(input).__name__}, {type(other).__name__})"
        )
    a, b = _operands(input, other, "copysign")
    if a._data.dtype.kind != "f":
        a, b = _to_float(a, b, input, other)
    return _out(_run2(Copysign if isinstance(b, Tensor) else CopysignScalar, a, b), out)


def _xlogy(x, y):
    dt = (x if isinstance(x, np.ndarray) else y).dtype  # a scalar side must not widen it
    x, y = np.asarray(x, dt), np.asarray(y, dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = x * np.log(y)
    return np.where((x == 0) & ~np.isnan(y), 0, r).astype(r.dtype, copy=False)


class Xlogy(Op):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(*(a if isinstance(a, np.ndarray) else None for a in (x, y)))
        ctx.numbers = tuple(None if isinstance(a, np.ndarray) else a for a in (x, y))
        return _xlogy(x, y)

    @staticmethod
    def backward(ctx, grad):
        # d/dx = log(y) where x != 0 (0 where x == 0); d/dy = x / y
        x, y = (n if t is None else t for t, n in zip(ctx.saved_tensors, ctx.numbers))
        need = ctx.needs_input_grad
        gx = grad * xlogy((x != 0).to(grad.dtype), y) if need[0] else None
        gy = grad * x / y if need[1] else None
        return gx, gy


class XlogyScalarSelf(Xlogy):
    _name = "XlogyBackward1"


class XlogyScalarOther(Xlogy):
    _name = "XlogyBackward2"


def xlogy(input, other, *, out: Tensor | None = None) -> Tensor:
    """``input * log(other)``, 0 where input is 0 (unless other is NaN); ints give floats."""
    a, b = _operands(input, other, "xlogy")
    if _dtype_of(a if isinstance(a, Tensor) else b).kind != "f":
        a, b = _to_float(a, b, input, other)
    op = Xlogy if isinstance(a, Tensor) and isinstance(b, Tensor) else (
        XlogyScalarOther if isinstance(a, Tensor) else XlogyScalarSelf)
    return _out(_run2(op, a, b), out, "xlogy")


class Ldexp(Op):
    @staticmethod
    def forward(ctx, x, e):
        y = x * np.exp2(e)
        ctx.save_for_backward(x, e, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        # y = x * 2^e: d/dx = 2^e, d/de = y * ln 2
        x, e, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = grad * exp2(e) if need[0] else None
        gy = grad * y * math.log(2.0) if need[1] else None
        return gx, gy


def ldexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``input * 2**other`` (integer results as the default float), both tensors."""
    a, b = _tensor_pair("ldexp", input, other)
    if a._data.dtype.kind != "f":
        a, b = _float_input(a), _float_input(b)
    return _out(_run2(Ldexp, a, b), out, "ldexp")


class Remainder(Op):
    _name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _quiet(np.remainder, a, b)

    @staticmethod
    def backward(ctx, grad):
        # d/da = 1, d/db = -floor(a / b)
        a, b = ctx.saved_tensors
        if not ctx.needs_input_grad[1]:
            return grad, None
        return grad, -grad * Tensor._make(_quiet(np.floor_divide, a._data, b._data))


class Fmod(Op):
    _name = "FmodBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _quiet(np.fmod, a, b)

    @staticmethod
    def backward(ctx, grad):
        # d/da = 1, d/db = -trunc(a / b)
        a, b = ctx.saved_tensors
        if not ctx.needs_input_grad[1]:
            return grad, None
        return grad, -grad * Tensor._make(_quiet(_trunc_div, a._data, b._data))


class RemainderScalar(Remainder):
    _name = "RemainderBackward0"


class FmodScalar(Fmod):
    _name = "FmodBackward0"


def _modulo(cls, input, other, name: str) -> Tensor:
    a, b = _operands(input, other, name)
    dt = _dtype_of(a if isinstance(a, Tensor) else b)
    if dt.kind == "b":
        raise _not_impl(f"{name}_cpu", dt)
    if dt.kind in "iu":
        _int_div_check(b)
    if not isinstance(a, Tensor):
        a = Tensor._make(np.asarray(a, dt))
    if not isinstance(b, Tensor):
        cls = RemainderScalar if cls is Remainder else FmodScalar
    return _run2(cls, a, b)


def remainder(input, other, *, out: Tensor | None = None) -> Tensor:
    """Python-style modulus: the result has the sign of the divisor."""
    return _out(_modulo(Remainder, input, other, "remainder"), out)


def fmod(input: Tensor, other, *, out: Tensor | None = None) -> Tensor:
    """C-style modulus: the result has the sign of the dividend."""
    _need_tensor("fmod", input, 1, "input")
    return _out(_modulo(Fmod, input, other, "fmod"), out)


class ClampScalar(Op):
    _name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        # 1 inside [lo, hi] (bounds included), 0 outside
        (x,) = ctx.saved_tensors
        xd = x._data
        m = np.ones(xd.shape, bool) if ctx.lo is None else xd >= ctx.lo
        if ctx.hi is not None:
            m &= xd <= ctx.hi
        return grad * _mask(m, grad), None, None


class Clamp(Op):
    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        y = x if lo is None else np.maximum(x, lo)
        return y if hi is None else np.minimum(y, hi)

    @staticmethod
    def backward(ctx, grad):
        # x: 1 inside [lo, hi] (bounds included); lo: 1 where x < lo; hi: 1 where x > hi
        x, lo, hi = ctx.saved_tensors
        xd = x._data
        m = np.ones(xd.shape, bool)
        glo = ghi = None
        if lo is not None:
            m = m & (xd >= lo._data)
            glo = grad * _mask(xd < lo._data, grad)
        if hi is not None:
            m = m & (xd <= hi._data)
            ghi = grad * _mask(xd > hi._data, grad)
        return grad * _mask(m, grad), glo, ghi


def clamp(input: Tensor, min=None, max=None, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Limit to [min, max] (numbers or tensors); gradient passes at the bounds, as PyTorch.
    With min > max every element becomes max."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [v for v in (min, max) if v is not None]
    dt = _dt.to_numpy_dtype(_dt.result_type(input, *bounds))
    x = _cast(input, dt)
    if not any(isinstance(v, Tensor) for v in bounds):
        lo = None if min is None else _wrap_int(_as_scalar(min, "clamp", "min"), dt)
        hi = None if max is None else _wrap_int(_as_scalar(max, "clamp", "max"), dt)
        return _out(ClampScalar.apply(x, lo, hi), out)
    lo, hi = (None if v is None else _bound(v, dt) for v in (min, max))
    try:
        return _out(Clamp.apply(x, lo, hi), out)
    except ValueError:
        raise _broadcast_error(x, lo if lo is not None else hi) from None


def _bound(v, dt: np.dtype) -> Tensor:
    return _cast(v, dt) if isinstance(v, Tensor) else Tensor._make(np.asarray(v, dt))


clip = clamp


def clamp_min(input: Tensor, min) -> Tensor:  # noqa: A002
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


def clamp_max(input: Tensor, max) -> Tensor:  # noqa: A002
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        # the gradient goes to the chosen side
        m, need = ctx.cond, ctx.needs_input_grad
        return (None, grad * _mask(m, grad) if need[1] else None,
                grad * _mask(~m, grad) if need[2] else None)


def where(condition: Tensor, input=None, other=None, *, out: Tensor | None = None):
    """``input`` where ``condition`` else ``other`` (tensors or numbers, promoted together);
    with only ``condition``, ``nonzero(condition, as_tuple=True)``."""
    if input is None and other is None:
        return tuple(Tensor._make(i) for i in np.nonzero(condition._data))
    cd = condition._data
    if cd.dtype == np.uint8:
        warnings.warn(
            "where received a uint8 condition tensor. This behavior is deprecated and will be "
            "removed in a future version of PyTorch. Use a boolean condition instead.",
            UserWarning, stacklevel=2,
        )
        cd = cd.astype(bool)
    elif cd.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_tname(condition._data.dtype)}"
        )
    dt = _dt.to_numpy_dtype(_dt.result_type(input, other))
    a = _cast(input, dt) if isinstance(input, Tensor) else np.asarray(_wrap_int(input, dt), dt)
    b = _cast(other, dt) if isinstance(other, Tensor) else np.asarray(_wrap_int(other, dt), dt)
    try:
        return _out(Where.apply(cd, a, b), out)
    except ValueError:
        raise _broadcast_error(a if isinstance(a, Tensor) else condition, b if isinstance(
            b, Tensor) else condition) from None


class Lerp(Op):
    _name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))

    @staticmethod
    def backward(ctx, grad):
        # d/da = 1 - w, d/db = w, d/dw = b - a
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * (1 - w) if need[0] else None, grad * w if need[1] else None,
                grad * (b - a) if need[2] else None)


class LerpScalar(Op):
    _name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.w = w
        return a + w * (b - a) if builtins.abs(w) < 0.5 else b - (b - a) * (1 - w)

    @staticmethod
    def backward(ctx, grad):
        # d/da = 1 - w, d/db = w
        return grad * (1 - ctx.w), grad * ctx.w, None




def lerp(input: Tensor, end: Tensor, weight, *, out: Tensor | None = None) -> Tensor:
    """input + weight * (end - input); all tensors of one floating dtype, as PyTorch."""
    d = input._data.dtype
    for name, v in (("end", end), ("weight", weight)):
        if isinstance(v, Tensor) and v._data.dtype != d:
            raise RuntimeError(
                f"expected dtype {_tname(d).lower()} for `{name}` but got dtype "
                f"{_tname(v._data.dtype).lower()}"
            )
    tensor_w = isinstance(weight, Tensor)
    if d.kind != "f":
        raise _not_impl("lerp_kernel_tensor" if tensor_w else "lerp_kernel_scalar", d)
    if not tensor_w:
        return _out(_run2(LerpScalar, input, end, _as_scalar(weight, "lerp", "weight")), out)
    try:
        return _out(Lerp.apply(input, end, weight), out)
    except ValueError:
        raise _broadcast_error(input, end) from None


# ---- Python operators --------------------------------------------------------------------------
# Written out by hand: a Tensor of the same dtype (or a number with a floating tensor) goes
# straight to the Op; everything else takes the promoting path.


def _not_number(x) -> bool:
    return not isinstance(x, Tensor) and _scalar(x) is None


def _t_add(self, other):
    c = other.__class__
    if c is Tensor:
        if other._data.dtype is self._data.dtype:
            try:
                return Add.apply(self, other)
            except ValueError:
                raise _broadcast_error(self, other) from None
    elif (c is float or c is int) and self._data.dtype.kind == "f":
        return Add.apply(self, other)
    elif _not_number(other):
        return NotImplemented
    return add(self, other)


def _t_mul(self, other):
    c = other.__class__
    if c is Tensor:
        if other._data.dtype is self._data.dtype:
            try:
                return Mul.apply(self, other)
            except ValueError:
                raise _broadcast_error(self, other) from None
    elif (c is float or c is int) and self._data.dtype.kind == "f":
        return Mul.apply(self, other)
    elif _not_number(other):
        return NotImplemented
    return mul(self, other)


def _t_sub(self, other):
    c = other.__class__
    if c is Tensor:
        if other._data.dtype is self._data.dtype and self._data.dtype.kind != "b":
            try:
                return Sub.apply(self, other)
            except ValueError:
                raise _broadcast_error(self, other) from None
    elif (c is float or c is int) and self._data.dtype.kind == "f":
        return Sub.apply(self, other)
    elif _not_number(other):
        return NotImplemented
    return _sub(self, other)


def _t_rsub(self, other):
    return NotImplemented if _not_number(other) else _sub(other, self)


def _t_truediv(self, other):
    c = other.__class__
    if c is Tensor:
        if other._data.dtype is self._data.dtype and self._data.dtype.kind == "f":
            try:
                return Div.apply(self, other)
            except ValueError:
                raise _broadcast_error(self, other) from None
    elif (c is float or c is int) and self._data.dtype.kind == "f":
        return Div.apply(self, other)
    elif _not_number(other):
        return NotImplemented
    return _true_div(self, other)


def _t_rtruediv(self, other):
    # number / tensor is reciprocal(tensor) * number, as PyTorch computes it; with an ndarray
    # PyTorch's product goes through NumPy (NumPy's promotion, no graph), and so does this one
    if isinstance(other, np.ndarray):
        return np.multiply(reciprocal(self), other)
    return NotImplemented if _not_number(other) else mul(reciprocal(self), other)


def _reflected(fn, swap: bool = False):
    """A dunder for ``fn``: NotImplemented for non-numbers (so Python can try the other side)."""

    def op(self, other):
        if _not_number(other):
            return NotImplemented
        return fn(other, self) if swap else fn(self, other)

    return op


def _comparison(fn, name: str):
    def op(self, other):
        if other.__class__ is Tensor and other._data.dtype is self._data.dtype:
            return _run2(Compare, self, other, fn)
        if name == "eq" and isinstance(other, np.ndarray):  # PyTorch's == (only) takes arrays
            other = Tensor._make(other)
        if _not_number(other):
            return NotImplemented
        return _run2(Compare, *_operands(self, other, name), fn)

    return op


def _t_invert(self):
    if self._data.dtype == np.bool_:
        return logical_not(self)
    return bitwise_not(self)


def _floor_div_op(a, b):
    return _rounded_div(a, b, "floor", FloorDivide)


def add_(self, other, *, alpha=1) -> Tensor:
    """In-place ``add``."""
    return _inplace(self, add(self, other, alpha=alpha))


def sub_(self, other, *, alpha=1) -> Tensor:
    """In-place ``sub``."""
    return _inplace(self, sub(self, other, alpha=alpha))


def _iop(fn):
    inplace = _inplace_of(fn)

    def op(self, other):
        if _not_number(other):
            return NotImplemented
        return inplace(self, other)

    return op


def _where_method(self, condition, other):
    """``x.where(condition, y)`` is ``where(condition, x, y)``."""
    return where(condition, self, other)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = (asin, acos, atan, asinh, acosh,
                                                              atanh, atan2)
absolute = abs

# public name -> function; each also becomes a Tensor method
_METHODS = {
    "add": add, "sub": sub, "subtract": sub, "rsub": rsub, "mul": mul, "multiply": mul,
    "div": div, "divide": div, "true_divide": true_divide, "floor_divide": floor_divide,
    "neg": neg, "negative": neg, "exp": exp, "exp2": exp2, "expm1": expm1, "log": log,
    "log2": log2, "log10": log10, "log1p": log1p, "sqrt": sqrt, "rsqrt": rsqrt,
    "reciprocal": reciprocal, "sin": sin, "cos": cos, "tan": tan, "asin": asin, "acos": acos,
    "atan": atan, "sinh": sinh, "cosh": cosh, "tanh": tanh, "asinh": asinh, "acosh": acosh,
    "atanh": atanh, "arcsin": asin, "arccos": acos, "arctan": atan, "arcsinh": asinh,
    "arccosh": acosh, "arctanh": atanh, "sigmoid": sigmoid, "logit": logit, "erf": erf,
    "erfc": erfc, "erfinv": erfinv, "floor": floor, "ceil": ceil, "trunc": trunc, "fix": trunc,
    "frac": frac, "round": round, "sign": sign, "sgn": sgn, "abs": abs, "absolute": abs,
    "relu": relu, "square": square, "positive": positive, "nan_to_num": nan_to_num,
    "pow": pow, "float_power": float_power, "atan2": atan2, "arctan2": atan2,
    "maximum": maximum, "minimum": minimum, "fmax": fmax, "fmin": fmin, "hypot": hypot,
    "copysign": copysign, "xlogy": xlogy, "ldexp": ldexp, "remainder": remainder,
    "fmod": fmod, "clamp": clamp, "clip": clamp,
    "clamp_min": clamp_min, "clamp_max": clamp_max, "lerp": lerp,
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "greater": gt,
    "greater_equal": ge, "less": lt, "less_equal": le, "not_equal": ne,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "logical_not": logical_not, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
    "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not,
    "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift,
    "isnan": isnan, "isinf": isinf, "isfinite": isfinite, "isposinf": isposinf,
    "isneginf": isneginf, "equal": equal, "isclose": isclose, "allclose": allclose,
}
# methods without a trailing-underscore form in PyTorch
_NO_INPLACE = {
    "rsub", "positive", "maximum", "minimum", "fmax", "fmin", "float_power", "isnan", "isinf",
    "isfinite", "isposinf", "isneginf", "equal", "isclose", "allclose", "add", "sub",
}

register_methods(
    where=_where_method, add_=add_, sub_=sub_, float_power_=float_power_,
    __add__=_t_add, __radd__=_t_add, __iadd__=_iop(add),
    __sub__=_t_sub, __rsub__=_t_rsub, __isub__=_iop(_sub),
    __mul__=_t_mul, __rmul__=_t_mul, __imul__=_iop(mul),
    __truediv__=_t_truediv, __rtruediv__=_t_rtruediv, __itruediv__=_iop(div),
    __floordiv__=_reflected(_floor_div_op), __rfloordiv__=_reflected(_floor_div_op, True),
    __ifloordiv__=_iop(floor_divide),
    __mod__=_reflected(remainder), __rmod__=_reflected(remainder, True),
    __imod__=_iop(remainder),
    __pow__=_reflected(pow), __rpow__=_reflected(pow, True), __ipow__=_iop(pow),
    __eq__=_comparison(np.equal, "eq"), __ne__=_comparison(np.not_equal, "ne"),
    __lt__=_comparison(np.less, "lt"), __le__=_comparison(np.less_equal, "le"),
    __gt__=_comparison(np.greater, "gt"), __ge__=_comparison(np.greater_equal, "ge"),
    __and__=_reflected(bitwise_and), __rand__=_reflected(bitwise_and, True),
    __or__=_reflected(bitwise_or), __ror__=_reflected(bitwise_or, True),
    __xor__=_reflected(bitwise_xor), __rxor__=_reflected(bitwise_xor, True),
    __lshift__=_reflected(bitwise_left_shift), __rlshift__=_reflected(bitwise_left_shift, True),
    __rshift__=_reflected(bitwise_right_shift),
    __rrshift__=_reflected(bitwise_right_shift, True),
    __iand__=_iop(bitwise_and), __ior__=_iop(bitwise_or), __ixor__=_iop(bitwise_xor),
    __ilshift__=_iop(bitwise_left_shift), __irshift__=_iop(bitwise_right_shift),
    __neg__=neg, __pos__=positive, __abs__=abs, __invert__=_t_invert,
    **{n: f for n, f in _METHODS.items() if n != "rsub"},
    **{f"{n}_": _inplace_of(f, f"{n}_") for n, f in _METHODS.items() if n not in _NO_INPLACE},
)

__all__ = [n for n in _METHODS if n not in ("rsub",)] + ["rsub", "where", "fix"]
__all__ = list(dict.fromkeys(__all__))
