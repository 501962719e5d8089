"""Sliding-window kernels on raw NumPy arrays: im2col/col2im for convolution and pooling.

Shapes are (N, C, *spatial) with 1, 2 or 3 spatial dims. ``windows`` is a zero-copy strided
view (N, C, *kernel, *out); ``im2col`` copies it once into the (N, C*k, out) matrix that feeds one
GEMM; ``col2im`` scatters such a matrix back, summing where windows overlap.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided


def out_size(size: int, k: int, stride: int, pad: int, dilation: int, ceil: bool = False) -> int:
    """PyTorch's output length of a sliding window (with ``ceil_mode`` for pooling)."""
    span = dilation * (k - 1) + 1
    if ceil:
        n = -(-(size + 2 * pad - span) // stride) + 1
        if (n - 1) * stride >= size + pad:  # the last window must start inside the input
            n -= 1
        return n
    return (size + 2 * pad - span) // stride + 1


def windows(x: np.ndarray, kernel, stride, dilation, out) -> np.ndarray:
    """A view (N, C, *kernel, *out) of every window of an already padded ``x``."""
    d = len(kernel)
    st = x.strides
    shape = x.shape[:2] + tuple(kernel) + tuple(out)
    strides = st[:2] + tuple(st[2 + i] * dilation[i] for i in range(d)) + tuple(
        st[2 + i] * stride[i] for i in range(d)
    )
    return as_strided(x, shape, strides, writeable=False)


def pad_input(x: np.ndarray, padding, value: float = 0.0, mode: str = "constant") -> np.ndarray:
    """Pad the spatial dims symmetrically by ``padding`` (one int per dim)."""
    if not any(padding):
        return x
    widths = [(0, 0), (0, 0)] + [(p, p) for p in padding]
    if mode == "constant":
        return np.pad(x, widths, constant_values=value)
    return np.pad(x, widths, mode=mode)


def im2col(x: np.ndarray, kernel, stride, padding, dilation) -> tuple[np.ndarray, tuple]:
    """(N, C*prod(kernel), prod(out)) columns of ``x`` and the output spatial shape."""
    out = tuple(
        out_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i])
        for i in range(len(kernel))
    )
    xp = pad_input(x, padding)
    win = windows(xp, kernel, stride, dilation, out)
    n, c = x.shape[:2]
    return win.reshape(n, c * int(np.prod(kernel)), int(np.prod(out))), out


def col2im(cols: np.ndarray, x_shape, kernel, stride, padding, dilation, out) -> np.ndarray:
    """Sum the columns back into an input-shaped array (the adjoint of ``im2col``)."""
    n, c = x_shape[:2]
    d = len(kernel)
    padded = tuple(x_shape[2 + i] + 2 * padding[i] for i in range(d))
    xp = np.zeros((n, c) + padded, cols.dtype)
    cols = cols.reshape((n, c) + tuple(kernel) + tuple(out))
    for offs in itertools.product(*(range(k) for k in kernel)):
        target = tuple(
            slice(offs[i] * dilation[i], offs[i] * dilation[i] + stride[i] * (out[i] - 1) + 1,
                  stride[i])
            for i in range(d)
        )
        xp[(slice(None), slice(None)) + target] += cols[(slice(None), slice(None)) + offs]
    crop = tuple(slice(padding[i], padding[i] + x_shape[2 + i]) for i in range(d))
    return xp[(slice(None), slice(None)) + crop]
