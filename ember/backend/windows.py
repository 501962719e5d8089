"""Sliding-window kernels on raw NumPy arrays: im2col/col2im for convolution and pooling.

Shapes are (N, C, *spatial) with 1, 2 or 3 spatial dims. ``windows`` is a zero-copy strided
view (N, C, *kernel, *out); ``im2col`` copies it once into the (N, C*k, out) matrix that feeds one
GEMM; ``col2im`` scatters such a matrix back, summing where windows overlap.
"""

from __future__ import annotations

import ctypes
import itertools
import sys

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _keep_big_blocks() -> None:
    """Let glibc serve big temporaries from the heap instead of a fresh mmap per call.

    NOTE: by default every array above ~128 KiB-32 MiB (glibc's dynamic mmap threshold) is a
    new mapping that page-faults on first touch and is unmapped when freed; the im2col/col2im
    buffers of every training step then cost more than the GEMMs they feed. Raising
    M_MMAP_THRESHOLD (and M_TRIM_THRESHOLD so the heap top is kept) measured 5-15% off a conv
    net training step (DESIGN.md: 4.9 -> 3.4 ms on the MLP step). No-op off glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD: 32 MiB, glibc's maximum on 64-bit
        libc.mallopt(-1, 1 << 28)  # M_TRIM_THRESHOLD: keep up to 256 MiB of freed heap
    except (OSError, AttributeError):
        pass


_keep_big_blocks()


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




def im2col_cf(x: np.ndarray, kernel, stride, padding, dilation) -> tuple[np.ndarray, tuple]:
    """Channel-first columns (C*prod(kernel), N*prod(out)) of ``x``, and the output shape.

    NOTE: one copy whose inner loop reads rows of the input, in a layout that makes a whole
    batch's convolution a single GEMM ``w (O, C*K) @ cols`` whose (O, N, L) result goes back to
    NCHW by copying contiguous L-blocks. Measured against a batch-last (C, *k, *out, N) layout
    (longer contiguous runs in the copy, but a strided transpose back): this is faster overall.
    """
    d = len(kernel)
    out = tuple(
        out_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i]) for i in range(d)
    )
    n, c = x.shape[:2]
    win = windows(pad_input(x, padding), kernel, stride, dilation, out)
    win = win.transpose((1, *range(2, 2 + d), 0, *range(2 + d, 2 + 2 * d)))  # (C, *k, N, *out)
    cols = np.empty(win.shape, x.dtype)
    np.copyto(cols, win)
    return cols.reshape(c * int(np.prod(kernel)), n * int(np.prod(out))), out


def col2im_cf(cols: np.ndarray, x_shape, kernel, stride, padding, dilation, out) -> np.ndarray:
    """The adjoint of ``im2col_cf``: sum channel-first columns into a (N, C, *spatial) array."""
    n, c = x_shape[:2]
    d = len(kernel)
    padded = tuple(x_shape[2 + i] + 2 * padding[i] for i in range(d))
    xp = np.zeros((c, n) + padded, cols.dtype)
    cols = cols.reshape((c,) + tuple(kernel) + (n,) + tuple(out))
    for offs in itertools.product(*(range(k) for k in kernel)):
        target = tuple(
            slice(offs[i] * dilation[i], offs[i] * dilation[i] + stride[i] * (out[i] - 1) + 1,
                  stride[i])
            for i in range(d)
        )
        xp[(slice(None), slice(None)) + target] += cols[(slice(None),) + offs]
    crop = tuple(slice(padding[i], padding[i] + x_shape[2 + i]) for i in range(d))
    res = np.empty(tuple(x_shape), cols.dtype)
    np.copyto(res, xp[(slice(None), slice(None)) + crop].swapaxes(0, 1))
    return res
