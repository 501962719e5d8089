"""Tensor creation: from data (``tensor``, ``from_numpy``...), by shape (``zeros``...), ranges
(``arange``, ``linspace``...), random sampling (``rand``, ``normal``, ``multinomial``...) and the
in-place fills and samplers (``fill_``, ``normal_``, ``copy_``...)."""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import devices
from .. import dtypes as _dt
from ..autograd.node import Op
from ..random import np_rng
from ..tensor import Tensor, register_methods
from ._util import np_dtype
from .pointwise import _broadcast_error, _inplace

# PyTorch's names for dtypes in its kernel errors: ScalarType names and C type names.
_SCALAR_NAME = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half",
                "bfloat16": "BFloat16"}
_C_NAME = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t",
           "uint8": "uint8_t", "bool": "bool", "float32": "float", "float64": "double",
           "float16": "c10::Half", "bfloat16": "c10::BFloat16"}
_RANDOM_C_NAME = {"int64": "long", "int32": "int", "int16": "short", "int8": "signed char",
                  "uint8": "unsigned char", "bool": "bool", "float32": "float",
                  "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def _name(npd: np.dtype, table: dict = _SCALAR_NAME) -> str:
    return table[_dt._FROM_NP[npd].name]


def _not_implemented(kernel: str, npd: np.dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{_name(npd)}\'')


def _check_layout(layout) -> None:
    if layout is not None and getattr(layout, "name", "strided") != "strided":
        raise NotImplementedError(
            f"layout={layout} is not supported by Ember: only ember.strided tensors exist"
        )


def _finish(arr: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    if device is not None:
        devices.parse(device)
    t = Tensor._make(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t._rg = True
    return t


def _is_int(x) -> bool:
    if isinstance(x, Tensor):
        return x._data.ndim == 0 and x._data.dtype.kind in "iu"
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _type_name(x) -> str:
    return type(x).__name__


def _size(name: str, size: tuple, size_kw=None) -> tuple:
    """A factory's ``*size`` (``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(Size)``, or
    ``size=``) as a tuple of ints, with PyTorch's TypeErrors."""
    if size_kw is not None:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (size_kw,)
    if len(size) == 1:
        s = size[0]
        if isinstance(s, (tuple, list)):
            for i, d in enumerate(s):
                if isinstance(d, float):
                    raise TypeError(
                        f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} "
                        'with error "type must be tuple of ints,but got float"'
                    )
                if not _is_int(d):
                    raise TypeError(
                        f"{name}(): argument 'size' (position 1) must be tuple of ints, but "
                        f"found element of type {_type_name(d)} at pos {i}"
                    )
            return tuple(map(int, s))
        if not _is_int(s):
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                f"{_type_name(s)}"
            )
        return (int(s),)
    if not size:
        if name.startswith("rand"):
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got (), but expected "
                "(tuple of ints size, ...)"
            )
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    for i, d in enumerate(size):
        if not _is_int(d):
            raise TypeError(
                f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} with "
                f'error "type must be tuple of ints,but got {_type_name(d)}"'
            )
    return tuple(map(int, size))


def _check_shape(shape: tuple, name: str = "") -> tuple:
    for s in shape:
        if s < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(shape)}"
            )
    return shape


def _float_dtype(dtype) -> np.dtype:
    return _dt.get_default_dtype().np if dtype is None else np_dtype(dtype)


# ---- from data --------------------------------------------------------------------------------

_PY_SCALARS = (bool, int, float)
_SEQUENCES = (list, tuple, range)  # the builtin range: ``range`` is redefined below


def _leaf_types(seq, types: set, dts: set) -> None:
    """Collect the types of the leaves of nested lists (and the dtypes of arrays/tensors)."""
    ts = set(map(type, seq))
    if ts.isdisjoint((list, tuple, Tensor, np.ndarray)):
        types |= ts
        return
    for x in seq:
        tx = type(x)
        if tx is list or tx is tuple:
            _leaf_types(x, types, dts)
        else:
            types.add(tx)
            if tx is Tensor or tx is np.ndarray:
                dts.add(_dt.from_numpy_dtype(x.dtype if tx is np.ndarray else x._data.dtype))


def _leaf_dtype(t: type) -> _dt.dtype | None:
    """PyTorch's inferred dtype of one leaf type (None: taken from the objects themselves)."""
    if t is float:
        return _dt.get_default_dtype()
    if t is bool:
        return _dt.bool
    if t is int:
        return _dt.int64
    if t is Tensor or t is np.ndarray:
        return None
    if issubclass(t, np.generic):
        return _dt.from_numpy_dtype(np.dtype(t))
    if issubclass(t, (str, bytes)):
        raise ValueError(f"too many dimensions '{t.__name__}'")
    if issubclass(t, complex):
        raise TypeError("complex tensors are not supported by Ember")
    for py in _PY_SCALARS:
        if issubclass(t, py):
            return _leaf_dtype(py)
    raise RuntimeError(f"Could not infer dtype of {t.__name__}")


def _infer_dtype(data) -> _dt.dtype:
    """The dtype PyTorch infers for nested Python data: the promotion of its leaves' dtypes."""
    types: set = set()
    dts: set = set()
    _leaf_types(data, types, dts)
    out = None
    for d in [_leaf_dtype(t) for t in types] + list(dts):
        if d is not None:
            out = d if out is None else _dt.promote_types(out, d)
    return out or _dt.get_default_dtype()


def _unwrap(data):
    """Replace the (one-element) Tensors inside nested lists by their values, as PyTorch does."""
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    if isinstance(data, Tensor):
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data._data.reshape(())
    return data


def _ragged_error(data, npd: np.dtype) -> Exception:
    """PyTorch's error for nested lists that are not a rectangular array."""
    sizes, x = [], data
    while isinstance(x, (list, tuple, np.ndarray)):
        sizes.append(len(x))
        if not len(x):
            break
        x = x[0]

    def check(seq, dim):
        if len(seq) != sizes[dim]:
            return ValueError(
                f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(seq)})"
            )
        for y in seq:
            if dim + 1 < len(sizes):
                if not isinstance(y, (list, tuple, np.ndarray)):
                    return TypeError("not a sequence")
                err = check(y, dim + 1)
                if err is not None:
                    return err
            elif isinstance(y, (list, tuple)):
                if npd.kind == "f":
                    return TypeError(f"must be real number, not {_type_name(y)}")
                return TypeError(f"'{_type_name(y)}' object cannot be interpreted as an integer")
        return None

    return check(data, 0) or ValueError("expected a sequence of equal-length sequences")


def _check_fits(arr: np.ndarray, npd: np.dtype, ctype: str, floats: bool = False) -> None:
    """PyTorch's overflow check when Python numbers are converted to ``npd``."""
    if npd.kind in "iu" and arr.dtype.kind in "iuf" and arr.size:
        info = np.iinfo(npd)
        with np.errstate(invalid="ignore"):
            if npd.kind == "u":
                bad = (arr > info.max) | (arr < -int(info.max))
            else:
                bad = (arr < info.min) | (arr > info.max)
            if arr.dtype.kind == "f":
                bad |= np.isnan(arr)
        bad = bad.any()
    elif floats and npd.kind == "f" and arr.dtype.kind in "iuf" and arr.size:
        big = np.abs(arr[np.isfinite(arr)]) if arr.dtype.kind == "f" else np.abs(arr)
        bad = big.size and big.max() > np.finfo(npd).max
    else:
        return
    if bad:
        raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")


def _from_python(data, npd: np.dtype | None) -> np.ndarray:
    """Nested lists / Python scalars -> a new array with PyTorch's dtype inference and checks."""
    if isinstance(data, _SEQUENCES):
        data = list(data) if isinstance(data, _SEQUENCES[2]) else data
        dt = _infer_dtype(data)
        if Tensor in _leaf_set(data):
            data = _unwrap(data)
    else:
        dt = _dt.scalar_dtype(data)
    try:
        arr = np.array(data, dtype=dt.np if npd is None else None)
    except ValueError:
        raise _ragged_error(data, dt.np) from None
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None
    if arr.dtype.kind == "O":
        if any(isinstance(x, int) for x in np.ravel(arr)):
            raise ValueError("Overflow when unpacking long long")
        raise _ragged_error(data, dt.np)
    if npd is None or arr.dtype == npd:
        return arr
    _check_fits(arr, npd, _dt._FROM_NP[npd].name)
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(npd)


def _leaf_set(data) -> set:
    types: set = set()
    _leaf_types(data, types, set())
    return types


def _check_data(data) -> None:
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_type_name(data)}'")
    if isinstance(data, complex):
        raise TypeError("complex tensors are not supported by Ember")
    if not isinstance(data, (*_SEQUENCES, *_PY_SCALARS)):
        raise RuntimeError(f"Could not infer dtype of {_type_name(data)}")


def _infer_array(data, npd: np.dtype | None = None) -> np.ndarray:
    """``data`` as an array of PyTorch's inferred dtype (or ``npd``); may share memory."""
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, (np.ndarray, np.generic)):
        _dt.from_numpy_dtype(data.dtype)
        arr = np.asarray(data)
    else:
        _check_data(data)
        return _from_python(data, npd)
    if npd is None or arr.dtype == npd:
        return arr
    with np.errstate(invalid="ignore", over="ignore"):
        return arr.astype(npd)


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor copied from ``data`` (nested lists, NumPy arrays, numbers, tensors).

    Inference as PyTorch: Python floats give the default dtype, ints int64, bools bool; NumPy
    data keeps its dtype; mixed leaves promote (``[1, 2.]`` is float32).
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone()."
            "detach() or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    npd = np_dtype(dtype)
    if isinstance(data, (Tensor, np.ndarray, np.generic)):
        with np.errstate(invalid="ignore", over="ignore"):
            arr = np.array(_infer_array(data), dtype=npd, copy=True)
    else:
        arr = _infer_array(data, npd)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or NumPy array when the dtype allows."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        return _finish(_infer_array(data, np_dtype(dtype)), False, device)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """``as_tensor`` with PyTorch's ``copy=`` switch (True: always copy, False: never)."""
    if copy:
        t = tensor(obj._data if isinstance(obj, Tensor) else obj, dtype=dtype, device=device)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
        if copy is False and isinstance(obj, (Tensor, np.ndarray)) and not np.shares_memory(
            t._data, obj._data if isinstance(obj, Tensor) else obj
        ):
            raise ValueError("can't alias tensor from a different dtype without a copy")
    return t.requires_grad_(True) if requires_grad else t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (writes go both ways)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_type_name(ndarray)})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


# ---- by shape ---------------------------------------------------------------------------------


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None, **kw) -> Tensor:
    """A tensor of zeros of the given shape (``zeros(2, 3)``, ``zeros((2, 3))``, ``size=``)."""
    _check_layout(layout)
    shape = _check_shape(_size("zeros", size, kw.pop("size", None) if kw else None), "zeros")
    return _finish(np.zeros(shape, _float_dtype(dtype)), requires_grad, device)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False, memory_format=None, **kw) -> Tensor:
    """A tensor of ones of the given shape."""
    _check_layout(layout)
    shape = _check_shape(_size("ones", size, kw.pop("size", None) if kw else None))
    return _finish(np.ones(shape, _float_dtype(dtype)), requires_grad, device)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None, **kw) -> Tensor:
    """An uninitialised tensor; zero-filled in Ember, so runs stay reproducible."""
    _check_layout(layout)
    shape = _check_shape(_size("empty", size, kw.pop("size", None) if kw else None))
    return _finish(np.zeros(shape, _float_dtype(dtype)), requires_grad, device)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised (zero) tensor with the given strides, viewing a storage just big enough."""
    _check_layout(layout)
    shape = _check_shape(_size("empty_strided", (size,)))
    strides = _size("empty_strided", (stride,))
    if len(strides) != len(shape):
        raise RuntimeError(
            f"dimensionality of sizes ({len(shape)}) must match dimensionality of strides "
            f"({len(strides)})"
        )
    if any(s < 0 for s in strides):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(shape)} and "
            f"strides={list(strides)}"
        )
    npd = _float_dtype(dtype)
    n = 0 if 0 in shape else 1 + sum((d - 1) * s for d, s in zip(shape, strides))
    storage = np.zeros(n, npd)
    arr = np.lib.stride_tricks.as_strided(
        storage, shape, tuple(s * npd.itemsize for s in strides), writeable=True
    )
    return _finish(arr, requires_grad, device)


def _fill_scalar(name: str, value, arg: str = "fill_value", pos: int = 2):
    """A fill value as a Python/NumPy number (0-d tensors unwrapped), PyTorch's TypeError else."""
    if isinstance(value, Tensor) and value._data.ndim == 0:
        return value._data.item()
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return value
    raise TypeError(
        f"{name}(): argument '{arg}' (position {pos}) must be Number, not {_type_name(value)}"
    )


def _filled(shape: tuple, value, npd: np.dtype) -> np.ndarray:
    _check_fits(np.asarray(value), npd, _name(npd, _C_NAME), floats=True)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.full(shape, value, npd)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64, float)."""
    _check_layout(layout)
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"full(): argument 'size' (position 1) must be tuple of ints, not {_type_name(size)}"
        )
    shape = _check_shape(_size("full", (size,)))
    value = _fill_scalar("full", fill_value)
    npd = np_dtype(dtype) if dtype is not None else _dt.scalar_dtype(value).np
    return _finish(_filled(shape, value, npd), requires_grad, device)


def _like(name: str, input: Tensor, dtype) -> tuple:
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {_type_name(input)}"
        )
    return input._data.shape, (input._data.dtype if dtype is None else np_dtype(dtype))


def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None,
               requires_grad: bool = False, memory_format=None) -> Tensor:
    """Zeros with ``input``'s shape and dtype (unless ``dtype=``)."""
    _check_layout(layout)
    return _finish(np.zeros(*_like("zeros_like", input, dtype)), requires_grad, device)


def ones_like(input: Tensor, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    """Ones with ``input``'s shape and dtype (unless ``dtype=``)."""
    _check_layout(layout)
    return _finish(np.ones(*_like("ones_like", input, dtype)), requires_grad, device)


def empty_like(input: Tensor, *, dtype=None, layout=None, device=None,
               requires_grad: bool = False, memory_format=None) -> Tensor:
    """An uninitialised (zero) tensor with ``input``'s shape and dtype."""
    _check_layout(layout)
    return _finish(np.zeros(*_like("empty_like", input, dtype)), requires_grad, device)


def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    """``fill_value`` with ``input``'s shape and dtype (unless ``dtype=``)."""
    _check_layout(layout)
    shape, npd = _like("full_like", input, dtype)
    value = _fill_scalar("full_like", fill_value)
    return _finish(_filled(shape, value, npd), requires_grad, device)


_NO_M = object()


def eye(n: int, m: int = _NO_M, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """The n x m identity matrix (``m`` defaults to ``n``; an explicit None is refused)."""
    _check_layout(layout)
    if m is None:
        raise TypeError(
            f"eye() received an invalid combination of arguments - got ({_type_name(n)}, "
            "NoneType), but expected one of: (int n, *, ...) or (int n, int m, *, ...)"
        )
    m = None if m is _NO_M else m
    for pos, arg, v in ((1, "n", n), (2, "m", m)):
        if (v is not None or arg == "n") and not _is_int(v):
            raise TypeError(
                f"eye(): argument '{arg}' (position {pos}) must be int, not {_type_name(v)}"
            )
    n = int(n)
    m = n if m is None else int(m)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


# ---- ranges -----------------------------------------------------------------------------------


def _scalar(x, name: str = "start"):
    """A range endpoint as a Python number (one-element tensors and NumPy scalars unwrapped)."""
    if isinstance(x, Tensor):
        if x._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {x._data.size} elements cannot be converted to Scalar"
            )
        return x._data.item()
    if isinstance(x, np.generic):
        return x.item()
    if not isinstance(x, (bool, int, float)):
        raise TypeError(f"{name} must be a Number, not {_type_name(x)}")
    return x


def _fmt(x) -> str:
    """A number as PyTorch prints it in messages (C++ ostream: 2.0 -> '2')."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def _range_dtype(dtype, values, kernel: str) -> np.dtype:
    if dtype is None:
        integral = all(isinstance(v, int) for v in values)  # bool is an int here, as in PyTorch
        return np.dtype(np.int64) if integral else _dt.get_default_dtype().np
    npd = np_dtype(dtype)
    if npd.kind == "b":
        raise _not_implemented(kernel, npd)
    return npd


def _range_bounds(start, end, step, npd: np.dtype) -> tuple:
    """PyTorch's arange/range checks; integral dtypes truncate start/end/step first.

    Returns the (possibly truncated) start, end, step and arange's length: ``ceil((end - start) /
    step)``, from the truncated values for int64 but from the given ones for other dtypes, as
    PyTorch computes it.
    """
    n = None
    if npd.kind in "iu":
        if step != 0 and int(step) == 0:
            raise ValueError("step must be nonzero")
        for v in (start, end):
            if isinstance(v, float) and not math.isfinite(v):
                raise RuntimeError(f"unsupported range: {_fmt(start)} -> {_fmt(end)}")
        if npd != np.int64 and step != 0:
            n = math.ceil((end - start) / step)
        start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {_fmt(start)} -> {_fmt(end)}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    return start, end, step, math.ceil((end - start) / step) if n is None else n


def _range_values(start, step, n: int, npd: np.dtype) -> np.ndarray:
    if npd.kind in "iu":
        return (start + np.arange(n, dtype=np.int64) * step).astype(npd, copy=False)
    # PyTorch accumulates float32/float64 ranges in double, then rounds once
    return (start + np.arange(n, dtype=np.float64) * step).astype(npd, copy=False)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """[start, end) in steps of ``step``; int64 when all arguments are integers, else the default
    float dtype. The length is ``ceil((end - start) / step)``, as PyTorch computes it."""
    _check_layout(layout)
    if end is None:
        start, end = 0, start
    start, end, step = _scalar(start), _scalar(end, "end"), _scalar(step, "step")
    npd = _range_dtype(dtype, (start, end, step), "arange_cpu")
    start, end, step, n = _range_bounds(start, end, step, npd)
    if n > 2**62:
        raise RuntimeError("invalid size, possible overflow?")
    return _finish(_range_values(start, step, n, npd), requires_grad, device)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None,  # noqa: A001
          device=None, requires_grad: bool = False) -> Tensor:
    """Deprecated [start, end] *inclusive* range, floating by default, as ``torch.range``."""
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior "
        "is inconsistent with Python's range builtin. Instead, use torch.arange, which produces "
        "values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    _check_layout(layout)
    if end is None:
        start, end = 0, start
    start, end, step = _scalar(start), _scalar(end, "end"), _scalar(step, "step")
    npd = _float_dtype(dtype)
    if npd.kind == "b":
        raise _not_implemented("range_cpu", npd)
    start, end, step, _ = _range_bounds(start, end, step, npd)
    n = int(math.floor((end - start) / step)) + 1
    return _finish(_range_values(start, step, n, npd), requires_grad, device)


def _space_args(name: str, start, end, steps) -> tuple:
    for v in (start, end):
        if isinstance(v, Tensor) and v._data.ndim:
            raise RuntimeError(
                f"{name} only supports 0-dimensional start and end tensors, but got start with "
                f"{np.ndim(start)} dimension(s) and end with {np.ndim(end)} dimension(s)."
            )
    if not _is_int(steps):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({_type_name(start)}, {_type_name(end)}, {_type_name(steps)}), but expected "
            f"(Number start, Number end, int steps, ...)"
        )
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _scalar(start), _scalar(end, "end"), steps


def _space(start, end, steps: int, npd: np.dtype) -> np.ndarray:
    """PyTorch's linspace kernel: the first half counts up from start, the second half down from
    end (so both ends are exact); integral dtypes use a double step."""
    if steps == 1:
        return np.array([start], np.float64 if npd.kind in "iu" else npd)
    if npd.kind in "iu":
        start, end = int(start), int(end)
        work = np.dtype(np.float64)
    else:
        work = npd if npd.itemsize >= 4 else np.dtype(np.float32)
    s, e = work.type(start), work.type(end)
    step = (e - s) / work.type(steps - 1)
    idx = np.arange(steps, dtype=work)
    half = steps // 2
    out = np.empty(steps, work)
    out[:half] = s + step * idx[:half]
    out[half:] = e - step * (work.type(steps - 1) - idx[half:])
    return out


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (default float dtype)."""
    _check_layout(layout)
    start, end, steps = _space_args("linspace", start, end, steps)
    npd = _float_dtype(dtype)
    if npd.kind == "b":
        raise _not_implemented("linspace_cpu", npd)
    with np.errstate(invalid="ignore", over="ignore"):
        arr = _space(start, end, steps, npd).astype(npd, copy=False)
    return _finish(arr, requires_grad, device)


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, layout=None,
             device=None, requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)`` (default float dtype)."""
    _check_layout(layout)
    start, end, steps = _space_args("logspace", start, end, steps)
    npd = _float_dtype(dtype)
    if npd.kind == "b":
        raise _not_implemented("logspace_cpu", npd)
    exps = _space(start, end, steps, npd)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        arr = np.power(exps.dtype.type(base), exps).astype(npd, copy=False)
    return _finish(arr, requires_grad, device)


# ---- random sampling --------------------------------------------------------------------------


def _sample_dtype(npd: np.dtype) -> np.dtype:
    """NumPy samples float32 and float64 natively; float16 is sampled as float32."""
    return npd if npd.itemsize >= 4 else np.dtype(np.float32)


class _Sampled(Op):
    """Random values whose distribution depends on the tensor inputs (``normal(mean, std)``,
    ``bernoulli(p)``...): PyTorch does not reparameterise them, their gradient is zero."""

    @staticmethod
    def forward(ctx, *inputs, values):
        return values

    @staticmethod
    def backward(ctx, grad):
        # d(sample)/d(parameters) = 0 by definition (no reparameterisation)
        return tuple(zeros_like(grad) if n else None for n in ctx.needs_input_grad)


_SAMPLED: dict = {}


def _sampled(name: str) -> type:
    """The ``_Sampled`` op whose grad_fn prints as PyTorch's ``name``."""
    cls = _SAMPLED.get(name)
    if cls is None:
        cls = _SAMPLED[name] = type(name, (_Sampled,), {"_name": name})
    return cls


def _floating(npd: np.dtype, kernel: str) -> np.dtype:
    if npd.kind != "f":
        raise _not_implemented(kernel, npd)
    return npd


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False, **kw) -> Tensor:
    """Uniform samples in [0, 1), drawn directly in float32 (or the requested float dtype)."""
    _check_layout(layout)
    shape = _check_shape(_size("rand", size, kw.pop("size", None) if kw else None))
    npd = _floating(_float_dtype(dtype), "check_uniform_bounds")
    arr = np_rng(generator).random(shape, dtype=_sample_dtype(npd))
    return _finish(arr.astype(npd, copy=False), requires_grad, device)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, pin_memory: bool = False, **kw) -> Tensor:
    """Standard normal samples, drawn directly in float32 (or the requested float dtype)."""
    _check_layout(layout)
    shape = _check_shape(_size("randn", size, kw.pop("size", None) if kw else None))
    npd = _floating(_float_dtype(dtype), "normal_kernel_cpu")
    arr = np_rng(generator).standard_normal(shape, dtype=_sample_dtype(npd))
    return _finish(arr.astype(npd, copy=False), requires_grad, device)


def rand_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    """``rand`` with ``input``'s shape and dtype."""
    shape, npd = _like("rand_like", input, dtype)
    return rand(shape, generator=generator, dtype=_dt._FROM_NP[npd], layout=layout,
                device=device, requires_grad=requires_grad)


def randn_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad: bool = False, memory_format=None) -> Tensor:
    """``randn`` with ``input``'s shape and dtype."""
    shape, npd = _like("randn_like", input, dtype)
    return randn(shape, generator=generator, dtype=_dt._FROM_NP[npd], layout=layout,
                 device=device, requires_grad=requires_grad)


def _int_range(npd: np.dtype) -> tuple:
    """The range of values of ``npd`` that ``random_``/``randint`` may produce."""
    if npd.kind == "b":
        return 0, 1
    if npd.kind == "f":
        info = np.finfo(npd)
        return float(info.min), float(info.max)
    info = np.iinfo(npd)
    return int(info.min), int(info.max)


def _check_random_range(low: int, high: int, npd: np.dtype) -> None:
    """PyTorch's ``random_(from, to)`` checks (shared by randint)."""
    if not (-(1 << 63) <= low < (1 << 63) and -(1 << 63) <= high < (1 << 63)):
        raise ValueError("Overflow when unpacking long long")
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    lo, hi = _int_range(npd)
    if low < lo:
        raise RuntimeError(f"from is out of bounds for {_name(npd, _RANDOM_C_NAME)}")
    if high - 1 > hi:
        raise RuntimeError(f"to - 1 is out of bounds for {_name(npd, _RANDOM_C_NAME)}")


def _integers(rng, low: int, high: int, shape, npd: np.dtype) -> np.ndarray:
    return rng.integers(low, high, shape, dtype=np.int64).astype(npd, copy=False)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``;
    int64 unless ``dtype=``."""
    _check_layout(layout)
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if size is None or high is None or not (_is_int(low) and _is_int(high)):
        got = ", ".join(_type_name(a) for a in (low, high, size) if a is not None)
        if high is not None and size is None and _is_int(high):
            raise TypeError(
                f"randint(): argument 'size' (position 2) must be tuple of ints, not "
                f"{_type_name(high)}"
            )
        raise TypeError(
            f"randint() received an invalid combination of arguments - got ({got}), but "
            "expected (int high, tuple of ints size, ...) or (int low, int high, tuple of ints "
            "size, ...)"
        )
    shape = _check_shape(_size("randint", (size,)))
    npd = np.dtype(np.int64) if dtype is None else np_dtype(dtype)
    low, high = int(low), int(high)
    _check_random_range(low, high, npd)
    return _finish(_integers(np_rng(generator), low, high, shape, npd), requires_grad, device)


def randint_like(input: Tensor, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad: bool = False, memory_format=None) -> Tensor:
    """``randint`` with ``input``'s shape and dtype: ``randint_like(x, high)`` or ``(x, low,
    high)``."""
    shape, npd = _like("randint_like", input, dtype)
    if high is None:
        low, high = 0, low
    return randint(low, high, shape, generator=generator, dtype=_dt._FROM_NP[npd],
                   layout=layout, device=device, requires_grad=requires_grad)


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64 unless ``dtype=``)."""
    _check_layout(layout)
    if not _is_int(n):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {_type_name(n)}")
    n = int(n)
    _check_shape((n,))
    npd = np.dtype(np.int64) if dtype is None else np_dtype(dtype)
    if npd.kind == "f" and n > (1 << (np.finfo(npd).nmant + 1)) + 1:
        raise RuntimeError(
            f"n cannot be greater than {(1 << (np.finfo(npd).nmant + 1)) + 1} for "
            f"{_name(npd)} type."
        )
    if npd.kind != "f" and n - 1 > _int_range(npd)[1]:
        raise RuntimeError(
            f"value cannot be converted to type {_name(npd, _C_NAME)} without overflow"
        )
    arr = np_rng(generator).permutation(n).astype(npd, copy=False)
    return _finish(arr, requires_grad, device)


def _normal_params(mean, std) -> tuple:
    """``normal``'s tensor parameters as arrays of their promoted dtype, with PyTorch's checks."""
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    dt = (mean if mt else std)._data.dtype  # PyTorch: mean's dtype when both are tensors
    _floating(dt, "normal_kernel_cpu")
    m = mean._data.astype(dt, copy=False) if mt else mean
    s = std._data.astype(dt, copy=False) if st else std
    if st:
        if (s < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif s < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(s)}")
    try:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    except ValueError:
        raise _broadcast_error(mean, std) from None
    return m, s, dt, shape


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Normal samples. ``normal(mean_tensor, std_tensor)`` (broadcast together),
    ``normal(mean_tensor, std=1.)``, ``normal(mean, std_tensor)`` or ``normal(mean, std, size)``.

    The tensor forms are differentiable with zero gradient, as PyTorch defines them.
    """
    rng = np_rng(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None or not isinstance(size, (tuple, list)):
            got = ", ".join(_type_name(a) for a in (mean, std, size) if a is not None)
            raise TypeError(
                f"normal() received an invalid combination of arguments - got ({got}), but "
                "expected (float mean, float std, tuple of ints size, ...)"
            )
        _check_layout(layout)
        mean, std = _scalar(mean, "mean"), _scalar(std, "std")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        npd = _floating(_float_dtype(dtype), "normal_kernel_cpu")
        shape = _check_shape(_size("normal", (size,)))
        z = rng.standard_normal(shape, dtype=_sample_dtype(npd))
        z *= std
        z += mean
        return _finish(z.astype(npd, copy=False), requires_grad, device)
    m, s, dt, shape = _normal_params(mean, std)
    z = rng.standard_normal(shape, dtype=_sample_dtype(dt))
    z *= s
    z += m
    values = z.astype(dt, copy=False)
    if mt and st:
        return _sampled("NormalBackward3").apply(mean, std, values=values)
    return _sampled("NormalBackward1" if mt else "NormalBackward2").apply(
        mean if mt else std, values=values)


def _uniform(rng, shape, npd: np.dtype) -> np.ndarray:
    return rng.random(shape, dtype=_sample_dtype(npd))


def _check_probs(p: np.ndarray) -> None:
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")


def _check_p(p, name: str = "bernoulli_") -> float:
    p = _scalar(p, "p")
    if not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={_fmt(p)}")
    return p


def bernoulli(input: Tensor, p=None, *, generator=None, out=None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0, in ``input``'s dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"bernoulli(): argument 'input' (position 1) must be Tensor, not {_type_name(input)}"
        )
    x = input._data
    rng = np_rng(generator)
    if p is not None:
        p = _check_p(p)
        return Tensor._make((_uniform(rng, x.shape, np.dtype(np.float64)) < p).astype(x.dtype))
    _floating(x.dtype, "bernoulli_tensor_cpu_p_")
    _check_probs(x)
    values = (_uniform(rng, x.shape, x.dtype) < x).astype(x.dtype)
    return _sampled("BernoulliBackward0").apply(input, values=values)


def _check_multinomial(input, num_samples, replacement: bool) -> np.ndarray:
    if not isinstance(input, Tensor):
        raise TypeError(
            f"multinomial(): argument 'input' (position 1) must be Tensor, not "
            f"{_type_name(input)}"
        )
    if not _is_int(num_samples):
        raise TypeError(
            f"multinomial(): argument 'num_samples' (position 2) must be int, not "
            f"{_type_name(num_samples)}"
        )
    p = input._data
    if p.dtype.kind != "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {_name(p.dtype)}"
        )
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    if not (np.isfinite(rows).all() and (rows >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return rows


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None,
                out=None) -> Tensor:
    """Indices sampled from each row of ``input`` (non-negative weights, not necessarily
    normalised); without replacement a row's zero-weight categories come only after all the
    others, as in PyTorch."""
    rows = _check_multinomial(input, num_samples, replacement)
    rng = np_rng(generator)
    num_samples = int(num_samples)
    n_rows, n_cat = rows.shape
    if replacement:
        # inverse CDF for all rows at once: row r's CDF is shifted to [r, r + 1]
        cdf = np.cumsum(rows, 1)
        cdf /= cdf[:, -1:]
        offset = np.arange(n_rows, dtype=np.float64)[:, None]
        u = rng.random((n_rows, num_samples)) + offset
        idx = np.searchsorted((cdf + offset).ravel(), u.ravel(), side="right")
        idx = idx.reshape(n_rows, num_samples) - np.arange(n_rows)[:, None] * n_cat
        last = n_cat - 1 - np.argmax(rows[:, ::-1] > 0, axis=1)
        idx = np.minimum(idx, last[:, None])
    else:
        # p / Exp(1) keys: the top-k keys are a weighted sample without replacement
        keys = rows / rng.standard_exponential(rows.shape)
        idx = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    idx = idx.astype(np.int64, copy=False)
    return Tensor._make(idx[0] if input._data.ndim == 1 else idx)


_POISSON_MAX = 1e15  # above this NumPy's sampler refuses; the normal approximation is exact enough


def poisson(input: Tensor, generator=None) -> Tensor:
    """Poisson samples with rates ``input``, in ``input``'s (floating) dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"poisson(): argument 'input' (position 1) must be Tensor, not {_type_name(input)}"
        )
    lam = input._data
    _floating(lam.dtype, "poisson_cpu")
    if not (lam >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    rng = np_rng(generator)
    big = lam > _POISSON_MAX
    counts = rng.poisson(np.where(big, 0, lam)).astype(lam.dtype)
    if big.any():
        with np.errstate(invalid="ignore"):
            approx = np.round(lam + np.sqrt(lam) * rng.standard_normal(lam.shape))
        counts = np.where(big, approx.astype(lam.dtype), counts)
    return _sampled("PoissonBackward0").apply(input, values=counts)


# ---- in-place fills and samplers (Tensor methods) ---------------------------------------------


def _write(self: Tensor, values: np.ndarray, name: str, *inputs) -> Tensor:
    """Overwrite ``self`` with ``values`` as an in-place op whose grad_fn is ``name`` (zero
    gradient): version bump, leaf check and view rebasing as every in-place op."""
    values = values.astype(self._data.dtype, copy=False)
    return _inplace(self, _sampled(name).apply(self, *inputs, values=values))


def _continuous(self: Tensor, what: str) -> np.dtype:
    npd = self._data.dtype
    if npd.kind != "f":
        raise RuntimeError(
            f"{what} distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {_name(npd)}"
        )
    return npd


def _one_value_write(self: Tensor) -> None:
    """fill_/zero_ of an expanded tensor are allowed by PyTorch, not built here."""
    if not self._data.flags.writeable:
        from .indexing import _read_only

        _read_only(self._data, one_value=True)


def fill_(self: Tensor, value) -> Tensor:
    """Fill with ``value`` in place (a 0-d tensor value receives the summed gradient)."""
    _one_value_write(self)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._data.ndim} dimensions."
            )
        if value._rg:
            return _inplace(self, Fill.apply(self, value))
        return _write(self, _filled(self._data.shape, value._data.item(), self._data.dtype),
                      "FillBackward3")
    if not isinstance(value, (bool, int, float, np.number, np.bool_)):
        raise TypeError(
            f"fill_() received an invalid combination of arguments - got "
            f"({_type_name(value)}), but expected one of:\n * (Tensor value)\n * (Number value)"
        )
    return _write(self, _filled(self._data.shape, value, self._data.dtype), "FillBackward2")


class Fill(Op):
    """``x.fill_(value)`` with a 0-d tensor ``value`` that requires grad."""

    _name = "FillBackward3"

    @staticmethod
    def forward(ctx, x, value):
        return np.full(x.shape, value, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        # every element is value: d/dvalue = sum(grad); the old x is overwritten
        return zeros_like(grad), grad.sum()


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place."""
    _one_value_write(self)
    return _write(self, np.zeros_like(self._data), "ZeroBackward0")


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill in place with normal samples."""
    npd = _floating(self._data.dtype, "normal_kernel_cpu")
    mean, std = _scalar(mean, "mean"), _scalar(std, "std")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    z = np_rng(generator).standard_normal(self._data.shape, dtype=_sample_dtype(npd))
    z *= std
    z += mean
    return _write(self, z, "NormalBackward0")


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator=None,
             **kw) -> Tensor:
    """Fill in place with samples uniform in [from, to)."""
    npd = _floating(self._data.dtype, "check_uniform_bounds")
    a, b = _scalar(kw.pop("from", from_), "from"), _scalar(to, "to")
    if a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={_fmt(a)} > "
            f"to={_fmt(b)}"
        )
    u = _uniform(np_rng(generator), self._data.shape, npd)
    u *= b - a
    u += a
    return _write(self, u, "UniformBackward0")


def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill in place with 1 (probability ``p``, a float or a broadcastable tensor) or 0."""
    rng = np_rng(generator)
    shape = self._data.shape
    if isinstance(p, Tensor):
        probs = p._data
        try:
            probs = np.broadcast_to(probs, shape)
        except ValueError:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[-1] if shape else 1}) must match the "
                f"existing size ({probs.shape[-1]}) at non-singleton dimension "
                f"{len(shape) - 1}.  Target sizes: {list(shape)}.  Tensor sizes: "
                f"{list(probs.shape)}"
            ) from None
        _check_probs(probs)
        u = _uniform(rng, shape, probs.dtype if probs.dtype.kind == "f" else np.dtype("f8"))
        return _write(self, u < probs, "BernoulliBackward1")
    p = _check_p(p)
    return _write(self, _uniform(rng, shape, np.dtype(np.float64)) < p, "BernoulliBackward2")


def random_(self: Tensor, from_=None, to=None, *, generator=None, **kw) -> Tensor:
    """Fill in place with integers uniform in [from, to): ``random_(to)``, ``random_(from, to)``,
    or ``random_()`` (every integer the dtype holds exactly, from 0)."""
    npd = self._data.dtype
    from_ = kw.pop("from", from_)
    if from_ is None and to is None:
        # every integer the dtype holds exactly: [0, max] or [0, 2**mantissa_digits]
        top = (1 << (np.finfo(npd).nmant + 1)) if npd.kind == "f" else _int_range(npd)[1]
        low, high, name = 0, top + 1, "RandomBackward2"
    elif to is None:
        low, high, name = 0, int(_scalar(from_, "to")), "RandomBackward1"
    else:
        low, high, name = int(_scalar(from_, "from")), int(_scalar(to, "to")), "RandomBackward0"
    if name != "RandomBackward2":
        _check_random_range(low, high, npd)
    values = np_rng(generator).integers(low, high, self._data.shape, dtype=np.int64)
    return _write(self, values, name)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill in place with exponential samples of rate ``lambd``."""
    npd = _continuous(self, "Exponential")
    lambd = _scalar(lambd, "lambd")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    e = np_rng(generator).standard_exponential(self._data.shape, dtype=_sample_dtype(npd))
    e /= lambd
    return _write(self, e, "ExponentialBackward0")


def geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    """Fill in place with the number of Bernoulli(p) trials up to the first success."""
    p = _scalar(p, "p")
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    return _write(self, np_rng(generator).geometric(p, self._data.shape), "GeometricBackward0")


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
    """Fill in place with exp(N(mean, std)) samples."""
    npd = _floating(self._data.dtype, "log_normal_cpu")
    mean, std = _scalar(mean, "mean"), _scalar(std, "std")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    z = np_rng(generator).standard_normal(self._data.shape, dtype=_sample_dtype(npd))
    z *= std
    z += mean
    with np.errstate(over="ignore"):
        return _write(self, np.exp(z, out=z), "LogNormalBackward0")


_CAUCHY_C_NAME = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                  "uint8": "unsigned char", "bool": "bool"}


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
    """Fill in place with Cauchy samples."""
    npd = self._data.dtype
    if npd.kind != "f":
        raise RuntimeError(
            "Cauchy distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {_name(npd, _CAUCHY_C_NAME)}"
        )
    median, sigma = _scalar(median, "median"), _scalar(sigma, "sigma")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    c = np_rng(generator).standard_cauchy(self._data.shape)
    return _write(self, median + sigma * c, "CauchyBackward0")


class CopyFrom(Op):
    """``self.copy_(src)``: ``src`` broadcast to self's shape and cast to self's dtype."""

    _name = "CopyBackwards"

    @staticmethod
    def forward(ctx, src, shape, dtype):
        with np.errstate(invalid="ignore", over="ignore"):
            return np.broadcast_to(src, shape).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        # d(copy)/dsrc = 1 (the engine sums the broadcast dims and casts back to src's dtype)
        return grad, None, None


def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self``; the gradient flows to ``src``."""
    if not isinstance(src, Tensor):
        raise TypeError(
            f"copy_(): argument 'other' (position 1) must be Tensor, not {_type_name(src)}"
        )
    shape = self._data.shape
    try:
        bshape = np.broadcast_shapes(shape, src._data.shape)
    except ValueError:
        raise _broadcast_error(self, src) from None
    if bshape != shape:
        raise RuntimeError(
            f"output with shape {list(shape)} doesn't match the broadcast shape {list(bshape)}"
        )
    return _inplace(self, CopyFrom.apply(src, shape, self._data.dtype))


register_methods(fill_, zero_, normal_, uniform_, bernoulli_, random_, exponential_, geometric_,
                 log_normal_, cauchy_, copy_, bernoulli=bernoulli, multinomial=multinomial)

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "empty", "empty_strided",
    "full", "zeros_like", "ones_like", "empty_like", "full_like", "eye", "arange", "range",
    "linspace", "logspace", "rand", "randn", "rand_like", "randn_like", "randint",
    "randint_like", "randperm", "normal", "bernoulli", "multinomial", "poisson",
]
