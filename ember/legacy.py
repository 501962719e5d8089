"""PyTorch's legacy tensor types: ``ember.FloatTensor(2, 3)``, ``isinstance(t, ember.LongTensor)``.

Each type is a class whose instances are never made: calling it builds a plain ``Tensor`` of its
dtype (as PyTorch's do), and ``isinstance`` asks about a tensor's dtype and device. The
``ember.cuda`` types exist for code that names them, but nothing is ever an instance of one and
constructing one raises PyTorch's CPU-only-build error.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import devices
from . import dtypes as _dt

__all__ = [
    "BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor",
    "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "set_default_tensor_type",
]


class NoCudaTypeError(TypeError, RuntimeError):
    """A ``ember.cuda`` tensor type was used. PyTorch raises TypeError; it is a RuntimeError
    too, like every other no-CUDA error in Ember."""


class tensortype(type):
    """The metaclass of the legacy types (PyTorch's ``torch.tensortype``)."""

    dtype: _dt.dtype
    is_cuda: bool
    is_sparse = False

    def __instancecheck__(cls, obj) -> bool:
        from .tensor import Tensor

        return (not cls.is_cuda and isinstance(obj, Tensor)
                and obj._data.dtype == cls.dtype.np and cls.dtype.np is not None)

    def __subclasscheck__(cls, sub) -> bool:
        return sub is cls

    def __call__(cls, *args, **kwargs):
        if cls.is_cuda:
            raise NoCudaTypeError(
                f"type {cls.__module__}.{cls.__name__} not available. Torch not compiled with "
                "CUDA enabled."
            )
        return legacy_new(cls.dtype, args, kwargs)

    def __getattr__(cls, name: str):
        # ``ember.FloatTensor.add`` is ``Tensor.add``, as in PyTorch.
        from .tensor import Tensor

        return getattr(Tensor, name)

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__name__}'>"


def _make_type(d: _dt.dtype, module: str, cuda: bool) -> tensortype:
    name = d._legacy
    doc = f"Legacy {'CUDA ' if cuda else ''}tensor type of dtype {d}."
    return tensortype(name, (), {"dtype": d, "is_cuda": cuda, "__module__": module,
                                 "__qualname__": name, "__doc__": doc})


_CPU_TYPES = {d: _make_type(d, "ember", False) for d in _dt.ALL}
_CUDA_TYPES = {d: _make_type(d, "ember.cuda", True) for d in _dt.ALL}

FloatTensor = _CPU_TYPES[_dt.float32]
DoubleTensor = _CPU_TYPES[_dt.float64]
HalfTensor = _CPU_TYPES[_dt.float16]
BFloat16Tensor = _CPU_TYPES[_dt.bfloat16]
ByteTensor = _CPU_TYPES[_dt.uint8]
CharTensor = _CPU_TYPES[_dt.int8]
ShortTensor = _CPU_TYPES[_dt.int16]
IntTensor = _CPU_TYPES[_dt.int32]
LongTensor = _CPU_TYPES[_dt.int64]
BoolTensor = _CPU_TYPES[_dt.bool]


def _is_size(args) -> bool:
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return True
    return len(args) == 1 and type(args[0]).__name__ == "Size"


def legacy_new(dtype: _dt.dtype | None, args, kwargs):
    """PyTorch's legacy constructor: ``T(2, 3)`` (a shape, zeros here where PyTorch leaves
    memory uninitialised), ``T([1, 2])`` (data), ``T(tensor)`` (that tensor), ``T()`` (empty).

    ``dtype`` None is ``ember.Tensor``'s: the default dtype, and any tensor passes through.
    """
    from .ops.creation import _infer_array
    from .tensor import Size, Tensor

    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(
            f"new() received an invalid combination of arguments - got "
            f"({', '.join(f'{k}={type(v).__name__}' for k, v in kwargs.items())}, )"
        )
    if device is not None and devices.device(device).type != "cpu":
        raise RuntimeError(
            f"legacy constructor expects device type: cpu but device type: "
            f"{devices.device(device).type} was passed"
        )
    target = dtype or _dt.get_default_dtype()
    npd = _dt.to_numpy_dtype(target)
    if not args:
        return Tensor._make(np.zeros((0,), npd))
    if _is_size(args):
        shape = tuple(int(a) for a in (args[0] if isinstance(args[0], Size) else args))
        neg = [s for s in shape if s < 0]
        if neg:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {neg[0]}: {list(shape)}"
            )
        return Tensor._make(np.zeros(shape, npd))
    if len(args) > 1:
        bad = next(a for a in args if not isinstance(a, (int, np.integer)))
        raise TypeError(
            f"new(): argument 'size' failed to unpack the object at pos {args.index(bad) + 1} "
            f"with error \"type must be tuple of ints,but got {type(bad).__name__}\""
        )
    data = args[0]
    if isinstance(data, Tensor):
        if dtype is not None and data._data.dtype != npd:
            raise TypeError(f"expected {_options(target)} (got {_options(data.dtype)})")
        return data
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if not isinstance(data, (list, tuple, np.ndarray)):
        name = type(data).__name__
        if isinstance(data, np.generic):
            name = "numpy." + name
        raise TypeError(f"new(): data must be a sequence (got {name})")
    return Tensor._make(np.array(_infer_array(data), dtype=npd))


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "uint8": "unsigned char", "int8": "signed char",
            "int16": "short int", "int32": "int", "int64": "long int", "bool": "bool"}


def _options(d: _dt.dtype) -> str:
    """c10's TensorOptions text, which PyTorch's legacy-constructor errors print."""
    return (f"TensorOptions(dtype={_C_NAMES[d.name]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


_warned = False


def set_default_tensor_type(t, /) -> None:
    """Make ``t`` (a floating legacy type or its name) the default: sets the default dtype.

    Deprecated in PyTorch 2.1 in favour of ``set_default_dtype``; warns once, as PyTorch does.
    """
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(
            "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
            "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
            UserWarning,
            stacklevel=2,
        )
    if isinstance(t, str):
        t = _type_from_name(t)
    if not isinstance(t, tensortype):
        raise TypeError(
            "invalid type object: only floating-point types are supported as the default type"
        )
    if t.is_cuda:
        t()  # raises the no-CUDA error
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dt.set_default_dtype(t.dtype)


def _type_from_name(name: str):
    """'torch.FloatTensor' / 'ember.cuda.LongTensor' -> the legacy type (AttributeError if none,
    as PyTorch's dotted-name import)."""
    head, _, rest = name.partition(".")
    if head not in ("torch", "ember") or not rest:
        raise ValueError(f"invalid type: '{name}'")
    cuda, _, tname = rest.rpartition(".")
    table = {"": _CPU_TYPES, "cuda": _CUDA_TYPES}.get(cuda)
    d = _dt._BY_LEGACY.get(tname)
    if table is None or d is None:
        if tname == "Tensor" and not cuda:
            from .tensor import Tensor

            return Tensor
        raise AttributeError(f"module '{head}{'.' + cuda if cuda else ''}' has no attribute "
                             f"'{tname}'")
    return table[d]


def cuda_types() -> dict[str, tensortype]:
    """The ``ember.cuda`` legacy types by name."""
    return {t.__name__: t for t in _CUDA_TYPES.values()}


def type_of(d: _dt.dtype) -> tensortype:
    """The CPU legacy type of a dtype."""
    return _CPU_TYPES[d]
