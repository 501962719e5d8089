"""Sliding-window kernels on raw NumPy arrays: im2col/col2im for convolution and pooling.

Shapes are (N, C, *spatial) with 1, 2 or 3 spatial dims. ``windows`` is a zero-copy strided
view (N, C, *kernel, *out); ``im2col`` copies it once into the (N, C*k, out) matrix that feeds one
GEMM; ``col2im`` scatters such a matrix back, summing where windows overlap.
"""

from __future__ import annotations

import ctypes
import itertools
import sys
import threading

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

_SCRATCH_MIN = 1 << 25  # below glibc's mmap threshold the heap already reuses freed memory
_SCRATCH_MAX = 1 << 30
_scratch = threading.local()


def scratch(shape: tuple, dtype) -> np.ndarray:
    """An uninitialised array in this thread's reusable buffer, valid until the next call.

    NOTE: for temporaries that never leave the caller (im2col columns). Arrays above the mmap
    threshold are fresh mappings that page-fault on first touch: ~12 ms per 170 MB here, a
    third of the im2col it holds. One buffer per thread, grown to the largest request.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if not _SCRATCH_MIN <= nbytes <= _SCRATCH_MAX:
        return np.empty(shape, dtype)
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.nbytes < nbytes:
        _scratch.buf = None  # free the old buffer before taking the bigger one
        buf = _scratch.buf = np.empty(nbytes, np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


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




def im2col_cf(x: np.ndarray, kernel, stride, padding, dilation,
              temp: bool = False) -> tuple[np.ndarray, tuple]:
    """Channel-first columns (C*prod(kernel), N*prod(out)) of ``x``, and the output shape.

    NOTE: one copy whose inner loop reads rows of the input, in a layout that makes a whole
    batch's convolution a single GEMM ``w (O, C*K) @ cols`` whose (O, N, L) result goes back to
    NCHW by copying contiguous L-blocks. Measured against a batch-last (C, *k, *out, N) layout
    (longer contiguous runs in the copy, but a strided transpose back): this is faster overall.
    ``temp``: the columns may live in the thread's ``scratch`` buffer.
    """
    d = len(kernel)
    out = tuple(
        out_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i]) for i in range(d)
    )
    n, c = x.shape[:2]
    win = windows(pad_input(x, padding), kernel, stride, dilation, out)
    win = win.transpose((1, *range(2, 2 + d), 0, *range(2 + d, 2 + 2 * d)))  # (C, *k, N, *out)
    cols = scratch(win.shape, x.dtype) if temp else np.empty(win.shape, x.dtype)
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


# Stride-1 convolutions in the "flat padded" layout: with the input padded and laid out as
# (C, N * prod(padded)), the window offset k of every output is one contiguous slice shifted
# by off_k, so im2col is K long memcpy-like slices and col2im K contiguous adds. Outputs are
# computed on the whole padded grid (a few wasted columns at the borders) and read back through
# a strided view. Pays when the padded grid is not much larger than the output.
class FlatPlan:
    """Geometry of a stride-1 convolution in the flat padded layout."""

    def __init__(self, x_shape, kernel, padding, dilation) -> None:
        d = len(kernel)
        self.n, self.c = x_shape[:2]
        self.spatial = tuple(x_shape[2:])
        self.kernel, self.padding = tuple(kernel), tuple(padding)
        self.padded = tuple(self.spatial[i] + 2 * padding[i] for i in range(d))
        self.out = tuple(self.padded[i] - dilation[i] * (kernel[i] - 1) for i in range(d))
        grid = [int(np.prod(self.padded[i + 1:])) for i in range(d)]  # row-major grid strides
        self.offsets = [sum(o * dilation[i] * grid[i] for i, o in enumerate(offs))
                        for offs in itertools.product(*(range(k) for k in kernel))]
        self.total = self.n * int(np.prod(self.padded))
        self.cols = self.total - self.offsets[-1]
        self.grid = grid

    def waste(self) -> float:
        """Columns computed per output actually needed."""
        return self.cols / (self.n * int(np.prod(self.out)))

    def outputs(self, y: np.ndarray) -> np.ndarray:
        """The (rows, N, *out) view of the valid outputs inside flat (rows, cols) ``y``."""
        it = y.itemsize
        shape = (y.shape[0], self.n) + self.out
        strides = (y.strides[0], self.total // self.n * it) + tuple(g * it for g in self.grid)
        return as_strided(y, shape, strides, writeable=y.flags.writeable)

    def im2col(self, x: np.ndarray, temp: bool = False) -> np.ndarray:
        """(C*K, cols) columns of (N, C, *spatial) ``x`` (``temp``: in the scratch buffer)."""
        xp = np.zeros((self.c, self.n) + self.padded, x.dtype)
        inner = tuple(slice(p, p + s) for p, s in zip(self.padding, self.spatial))
        np.copyto(xp[(slice(None), slice(None)) + inner], x.swapaxes(0, 1))
        flat = xp.reshape(self.c, -1)
        shape = (self.c, len(self.offsets), self.cols)
        cols = scratch(shape, x.dtype) if temp else np.empty(shape, x.dtype)
        for k, off in enumerate(self.offsets):
            cols[:, k] = flat[:, off : off + self.cols]
        return cols.reshape(-1, self.cols)

    def embed(self, g: np.ndarray) -> np.ndarray:
        """(N, O, *out) -> (O, cols) with zeros in the columns that are not outputs."""
        o = g.shape[1]
        full = np.zeros((o, self.cols), g.dtype)
        np.copyto(self.outputs(full), g.swapaxes(0, 1))
        return full

    def col2im(self, cols: np.ndarray) -> np.ndarray:
        """The adjoint of ``im2col``: (C*K, cols) -> (N, C, *spatial)."""
        flat = np.zeros((self.c, self.total), cols.dtype)
        cols = cols.reshape(self.c, len(self.offsets), self.cols)
        for k, off in enumerate(self.offsets):
            flat[:, off : off + self.cols] += cols[:, k]
        xp = flat.reshape((self.c, self.n) + self.padded)
        inner = tuple(slice(p, p + s) for p, s in zip(self.padding, self.spatial))
        res = np.empty((self.n, self.c) + self.spatial, cols.dtype)
        np.copyto(res, xp[(slice(None), slice(None)) + inner].swapaxes(0, 1))
        return res
