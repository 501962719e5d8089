"""Flatten parameters into one vector and back."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor


def parameters_to_vector(parameters) -> Tensor:
    """All parameters, flattened and concatenated (a new tensor in the graph)."""
    from ...ops.shape import cat

    return cat([p.reshape(-1) for p in parameters], 0)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (replacing their data)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p._data = np.array(vec._data[offset : offset + n].reshape(p._data.shape))
        offset += n
