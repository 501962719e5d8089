"""Small helpers shared by the op families: dims, dtypes of operands, PyTorch-style errors."""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor, _wrap_dim

wrap_dim = _wrap_dim


def wrap_dims(dim, ndim: int) -> tuple:
    """Normalise an int / tuple / list of dims to a sorted tuple of non-negative dims."""
    if isinstance(dim, (list, tuple)):
        out = tuple(sorted(_wrap_dim(d, ndim) for d in dim))
        if len(set(out)) != len(out):
            dup = next(d for i, d in enumerate(out) if d in out[:i])
            raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
        return out
    return (_wrap_dim(dim, ndim),)


def as_tensor_arg(x, name: str = "input") -> Tensor:
    """Accept a Tensor where PyTorch requires one; TypeError naming the argument otherwise."""
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{name} must be a Tensor, not {type(x).__name__}")


def np_dtype(dtype) -> np.dtype | None:
    """The NumPy dtype for a ``dtype=`` argument (None stays None)."""
    return None if dtype is None else _dt.to_numpy_dtype(_dt.parse(dtype))


def default_float_np() -> np.dtype:
    return _dt.get_default_dtype().np


def shape_arg(size) -> tuple:
    """Sizes given as ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(Size)`` -> a tuple."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.__index__()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"expected a sequence of integers as size, but got an element of type "
                f"{type(s).__name__}"
            )
        out.append(int(s))
    return tuple(out)


def fmt_shape(shape) -> str:
    return f"[{', '.join(str(s) for s in shape)}]"
