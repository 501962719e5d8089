"""Tensor creation: from data (``tensor``, ``from_numpy``...) and by shape (``zeros``...)."""

from __future__ import annotations

import numpy as np

from .. import devices
from .. import dtypes as _dt
from ..tensor import Tensor
from ._util import np_dtype, shape_arg


def _check_layout(layout) -> None:
    if layout is not None and getattr(layout, "name", "strided") != "strided":
        raise NotImplementedError(
            f"layout={layout} is not supported by Ember: only ember.strided tensors exist"
        )


def _finish(arr: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    devices.parse(device)
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_array(data) -> np.ndarray:
    """Nested Python data -> an array with PyTorch's inferred dtype (floats -> default)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, (list, tuple)):
        data = _unwrap(data)
    try:
        arr = np.asarray(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists: {e}") from None
    if arr.dtype.kind == "f" and not isinstance(data, np.generic):
        arr = arr.astype(_dt.get_default_dtype().np, copy=False)
    elif arr.dtype.kind == "O" or arr.dtype.kind in "USV":
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    elif arr.dtype.kind == "c":
        raise TypeError("complex tensors are not supported by Ember")
    elif arr.dtype.kind in "iu" and arr.dtype != np.uint8 and not isinstance(data, np.generic):
        arr = arr.astype(np.int64, copy=False)
    return arr


def _unwrap(data):
    """Replace Tensors inside nested lists with their Python values."""
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    if isinstance(data, Tensor):
        return data._data if data._data.ndim else data._data.item()
    return data


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor copied from ``data`` (nested lists, NumPy arrays, numbers, tensors)."""
    if isinstance(data, Tensor):
        import warnings

        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone()."
            "detach() or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    arr = _infer_array(data)
    dt = np_dtype(dtype)
    arr = np.array(arr, dtype=dt, copy=True) if dt is not None else np.array(arr, copy=True)
    _dt.from_numpy_dtype(arr.dtype)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or NumPy array when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        _dt.from_numpy_dtype(data.dtype)
        dt = np_dtype(dtype)
        return _finish(data if dt is None else data.astype(dt, copy=False), False, device)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    """``as_tensor`` with PyTorch's ``copy=`` switch."""
    if copy:
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    t = as_tensor(obj, dtype=dtype, device=device)
    return t.requires_grad_(True) if requires_grad else t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (writes go both ways)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _factory(fill, size, dtype, device, requires_grad, layout=None, default=None):
    _check_layout(layout)
    shape = shape_arg(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}"
        )
    dt = np_dtype(dtype) if dtype is not None else (default or _dt.get_default_dtype().np)
    return _finish(fill(shape, dt), requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of zeros of the given shape."""
    return _factory(np.zeros, size, dtype, device, requires_grad, layout)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of ones of the given shape."""
    return _factory(np.ones, size, dtype, device, requires_grad, layout)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None) -> Tensor:
    """An uninitialised tensor (zero-filled in Ember, so runs stay reproducible)."""
    return _factory(np.zeros, size, dtype, device, requires_grad, layout)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64, float)."""
    default = None
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        default = _dt.scalar_dtype(fill_value).np
    return _factory(lambda s, d: np.full(s, fill_value, d), (size,), dtype, device,
                    requires_grad, layout, default)


def _like(fill, input: Tensor, dtype, requires_grad, layout=None, device=None):
    _check_layout(layout)
    dt = np_dtype(dtype) if dtype is not None else input._data.dtype
    return _finish(fill(input._data.shape, dt), requires_grad, device)


def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return _like(np.zeros, input, dtype, requires_grad, layout, device)


def ones_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return _like(np.ones, input, dtype, requires_grad, layout, device)


def empty_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return _like(np.zeros, input, dtype, requires_grad, layout, device)


def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None) -> Tensor:
    return _like(lambda s, d: np.full(s, fill_value, d), input, dtype, requires_grad, layout,
                 device)


def _legacy_new(cls, dtype: _dt.dtype, args, kwargs) -> Tensor:
    """PyTorch's legacy constructor: ``Tensor(2, 3)`` (a shape) or ``Tensor([1, 2])`` (data)."""
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    devices.parse(device)
    npd = _dt.to_numpy_dtype(dtype)
    if not args:
        arr = np.zeros((0,), npd)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        if args[0]._data.dtype != npd:
            raise TypeError(
                f"expected {dtype} (got {args[0].dtype})"
            )
        return args[0]
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or (
        len(args) == 1 and type(args[0]).__name__ == "Size"
    ):
        arr = np.zeros(shape_arg(args), npd)
    elif len(args) == 1:
        arr = np.array(_infer_array(args[0]), dtype=npd)
    else:
        raise TypeError(f"new() received an invalid combination of arguments: {args!r}")
    t = object.__new__(cls)
    t._data = arr
    return t

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "empty", "full",
    "zeros_like", "ones_like", "empty_like", "full_like",
]
