"""``nn.Parameter``: a Tensor that a Module registers as a learnable weight."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default and registers itself on Module assignment.

    Shares memory with ``data``; ops on a Parameter return plain Tensors, as in PyTorch.
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            arr = np.zeros((0,), np.float32)
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            raise TypeError(
                f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}"
            )
        p = object.__new__(cls)
        p._data = arr
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data, self._rg))


def _rebuild_parameter(arr, requires_grad):
    return Parameter(Tensor._make(arr), requires_grad)


class Buffer(Tensor):
    """Marks a tensor to register as a buffer on Module assignment (``persistent`` flag)."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        arr = data._data if data is not None else np.zeros((0,), np.float32)
        b = object.__new__(cls)
        b._data = arr
        b.persistent = persistent
        return b
