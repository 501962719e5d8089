"""PyTorch's dtypes on top of NumPy's, with PyTorch's type-promotion rules.

`ember.float32` prints as ``ember.float32`` and maps one-to-one onto a NumPy dtype. Promotion
follows c10's ``ResultTypeState``: dimensioned tensors, 0-d tensors and Python scalars form three
tiers, and a lower tier only changes the result when it brings a higher *category*
(bool < integer < floating).
"""

from __future__ import annotations

import builtins
import math

import numpy as np


class dtype:
    """A tensor element type (``ember.float32`` ...), wrapping one NumPy dtype."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_legacy", "_kind")

    def __init__(self, name: str, np_dtype, legacy: str, kind: int) -> None:
        self.name = name
        self.np = np_dtype
        self.is_floating_point = kind == 2
        self.is_signed = name not in ("uint8", "bool")
        self.itemsize = np.dtype(np_dtype).itemsize if np_dtype is not None else 2
        self._legacy = legacy
        self._kind = kind  # 0 bool, 1 integer, 2 floating

    @property
    def is_complex(self) -> bool:
        return False

    def to_real(self) -> dtype:
        """The real dtype of this one: itself, as Ember has no complex dtypes."""
        return self

    def to_complex(self):
        raise NotImplementedError("complex dtypes are not supported by Ember")

    def __repr__(self) -> str:
        return f"ember.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


def _bfloat16_np():
    try:
        import ml_dtypes  # optional: NumPy has no bfloat16 of its own

        return np.dtype(ml_dtypes.bfloat16)
    except ImportError:
        return None


float16 = dtype("float16", np.dtype(np.float16), "HalfTensor", 2)
bfloat16 = dtype("bfloat16", _bfloat16_np(), "BFloat16Tensor", 2)
float32 = dtype("float32", np.dtype(np.float32), "FloatTensor", 2)
float64 = dtype("float64", np.dtype(np.float64), "DoubleTensor", 2)
uint8 = dtype("uint8", np.dtype(np.uint8), "ByteTensor", 1)
int8 = dtype("int8", np.dtype(np.int8), "CharTensor", 1)
int16 = dtype("int16", np.dtype(np.int16), "ShortTensor", 1)
int32 = dtype("int32", np.dtype(np.int32), "IntTensor", 1)
int64 = dtype("int64", np.dtype(np.int64), "LongTensor", 1)
bool = dtype("bool", np.dtype(np.bool_), "BoolTensor", 0)  # noqa: A001 - torch.bool

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (float16, bfloat16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(half=half, float=float, double=double, short=short, int=int, long=long)
_BY_LEGACY = {d._legacy: d for d in ALL}
_FROM_NP = {d.np: d for d in ALL if d.np is not None}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The Ember dtype of a NumPy dtype; TypeError for types PyTorch has no match for."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _FROM_NP:
        return _FROM_NP[np_dtype]
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types are: "
        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
    )


def to_numpy_dtype(d: dtype):
    """The NumPy dtype that holds ``d`` (a clear error for bfloat16 without ml_dtypes)."""
    if d.np is None:
        raise TypeError(
            "ember.bfloat16 needs the optional package ml_dtypes (NumPy has no bfloat16 type): "
            "pip install ml_dtypes"
        )
    return d.np


def parse(d) -> dtype:
    """Accept an Ember dtype, a 'torch.float32'/'ember.float32'/'float32' string, a NumPy dtype,
    or a Python type (float, int, bool), as PyTorch's factory functions do."""
    if d.__class__ is dtype:
        return d
    if isinstance(d, str):
        name = d.split(".", 1)[1] if d.startswith(("torch.", "ember.")) else d
        if name in _BY_NAME:
            return _BY_NAME[name]
        if name in _BY_LEGACY:
            return _BY_LEGACY[name]
        raise TypeError(f"invalid dtype name: {d!r}")
    if d is builtins.float:
        return get_default_dtype()
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(f"dtype must be an ember.dtype, got {type(d).__name__}: {d!r}") from None


_default = float32


def get_default_dtype() -> dtype:
    """The dtype of new floating tensors (float32 unless changed)."""
    return _default


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of new floating tensors (a floating ``ember.dtype``, as in PyTorch)."""
    global _default
    if d.__class__ is not dtype:
        raise TypeError(
            "invalid dtype object: only floating-point types are supported as the default type"
        )
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    to_numpy_dtype(d)
    _default = d


# ---- promotion ------------------------------------------------------------------------------

_FLOAT_RANK = {float16: 1, bfloat16: 1, float32: 2, float64: 3}


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's ``promote_types``: the smallest dtype both fit in (int + floatX is floatX)."""
    if a is b:
        return a
    if a._kind == 2 or b._kind == 2:
        if a._kind != 2:
            return b
        if b._kind != 2:
            return a
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if _FLOAT_RANK[a] >= _FLOAT_RANK[b] else b
    return _FROM_NP[np.promote_types(a.np, b.np)]


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """c10's combine_categories: a lower tier only wins by bringing a higher category."""
    if higher is None:
        return lower
    if lower is None or higher._kind == 2:
        return higher
    if higher is bool or lower._kind == 2:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x) -> dtype:
    """The dtype a Python number takes as a wrapped scalar."""
    if isinstance(x, builtins.bool):
        return bool
    if isinstance(x, builtins.int):
        return int64
    if isinstance(x, builtins.float):
        return _default
    if isinstance(x, np.generic):
        return from_numpy_dtype(x.dtype)
    raise TypeError(f"unsupported scalar type {type(x).__name__}")


def result_type(*operands) -> dtype:
    """PyTorch's ``result_type`` over Tensors and Python scalars (three tiers)."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if d is None or d.__class__ is not dtype:
            s = scalar_dtype(x)
            if s._kind == 2:
                s = _default
            wrapped = s if wrapped is None else promote_types(wrapped, s)
        elif x.ndim == 0:
            zero = d if zero is None else promote_types(zero, d)
        else:
            dim = d if dim is None else promote_types(dim, d)
    return _combine(dim, _combine(zero, wrapped))


# (total bits, mantissa bits, max exponent) of each floating dtype; finfo is derived from these
# so that bfloat16 has one even when NumPy cannot hold it.
_FLOAT_LAYOUT = {"float16": (16, 10, 15), "bfloat16": (16, 7, 127), "float32": (32, 23, 127),
                 "float64": (64, 52, 1023)}


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` -> ``to`` in ops with ``out=``/in-place:
    never floating -> integral, nor non-bool -> bool."""
    if from_._kind == 2 and to._kind != 2:
        return False
    return not (from_._kind != 0 and to._kind == 0)


class finfo:
    """Machine limits of a floating dtype (``ember.finfo(ember.float32).eps``)."""

    def __init__(self, type: dtype | None = None) -> None:  # noqa: A002 - torch's name
        d = _info_dtype(type, "finfo") if type is not None else _default
        if not d.is_floating_point:
            raise TypeError(
                "ember.finfo() requires a floating point input type. Use ember.iinfo to handle "
                "'ember.finfo'"
            )
        bits, mant, emax = _FLOAT_LAYOUT[d.name]
        self.dtype = d.name
        self.bits = bits
        self.eps = 2.0 ** -mant
        self.max = (2.0 - 2.0 ** -mant) * 2.0 ** emax
        self.min = -self.max
        self.tiny = self.smallest_normal = 2.0 ** (1 - emax)
        self.resolution = 10.0 ** -math.floor(-math.log10(self.eps))

    def __eq__(self, other) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:
    """Limits of an integer dtype (``ember.iinfo(ember.int32).max``)."""

    def __init__(self, type: dtype) -> None:  # noqa: A002 - torch's name
        d = _info_dtype(type, "iinfo")
        if d is bool:
            raise TypeError("ember.bool is not supported by ember.iinfo")
        if d._kind == 2:
            raise TypeError(
                "ember.iinfo() requires an integer input type. Use ember.finfo to handle "
                "'ember.iinfo'"
            )
        info = np.iinfo(d.np)
        self.dtype = d.name
        self.bits = info.bits
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)

    def __eq__(self, other) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def _info_dtype(x, fn: str) -> dtype:
    """finfo/iinfo's argument: a dtype or a Python type (float is float64, as in PyTorch)."""
    if x.__class__ is dtype:
        return x
    py = {builtins.float: float64, builtins.int: int64, builtins.bool: bool}
    if x in py:
        return py[x]
    raise TypeError(
        f"{fn}(): argument 'type' (position 1) must be ember.dtype, not {type(x).__name__}"
    )
