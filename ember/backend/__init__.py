"""Array backends per device. The CPU backend is NumPy; a CuPy backend can plug in here later.

Ops compute on ``Tensor._data`` arrays through NumPy today; kernels NumPy lacks (im2col,
pooling windows) will live in this package, on raw arrays.
"""

from __future__ import annotations

import numpy as np


def array_module(device_type: str = "cpu"):
    """The array module (``numpy``) that holds tensors of ``device_type``."""
    if device_type != "cpu":
        raise RuntimeError(f"Ember has no '{device_type}' backend yet; keep tensors on 'cpu'")
    return np
