"""Winograd F(2x2, 3x3) convolution (Lavin & Gray, 2016) for 3x3, stride-1 convolutions.

Each 4x4 input tile d and 3x3 filter g give a 2x2 output tile Y = A^T [(G g G^T) * (B^T d B)] A;
summed over channels, the 16 elementwise products become 16 GEMMs (O, C) @ (C, tiles). That is
2.25x fewer multiplications than im2col + GEMM, and 16/9 of the input's size in transformed
data instead of 9x. The data gradient is the same convolution of the output gradient with the
flipped, transposed filter; the filter gradient is G^T [sum over tiles (A dY A^T) * V] G.
The tile transforms are the jit extra's numba kernels (``backend.numba_kernels``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
_GG = {np.dtype(t): np.kron(_G, _G).astype(t) for t in (np.float32, np.float64)}  # (16, 9)
_ROW_PAD = 16  # elements
_PLANE_PAD = 64
_CHUNK_BYTES = 1 << 22


def _tiles(h: int, w: int) -> tuple[int, int]:
    return -(-h // 2), -(-w // 2)


def _rows(shape: tuple, dtype) -> np.ndarray:
    """An uninitialised (16, R, T) array whose rows and planes are over-allocated.

    NOTE: with power-of-two strides (T = 16384 tiles at batch 64, 32x32) the transforms' 16
    streams, one per plane, fell into the same cache sets: 8-25x slower transforms (18 -> 0.7
    ms). Row and plane strides are padded by 16 and 64 elements.
    """
    planes, rows, cols = shape
    itemsize = np.dtype(dtype).itemsize
    row = cols + _ROW_PAD
    plane = rows * row + _PLANE_PAD
    buf = np.empty(planes * plane, dtype)
    return as_strided(buf, shape, (plane * itemsize, row * itemsize, itemsize))


def _input(k, x: np.ndarray, pad: tuple, th: int, tw: int) -> np.ndarray:
    """V = B^T d B for every tile of ``x`` padded by ``pad``: (16, C, N*th*tw)."""
    n, c = x.shape[:2]
    xp = np.empty((n, c, 2 * th + 2, 2 * tw + 2), x.dtype)
    k.pad_planes(x, pad[0], pad[1], xp)
    v = _rows((16, c, n * th * tw), x.dtype)
    k.winograd_input(xp, th, tw, v)
    return v


def _chunks(n: int, per_image: int) -> list:
    """Batch slices whose transformed tiles take about ``_CHUNK_BYTES`` (stay in cache)."""
    b = max(1, _CHUNK_BYTES // max(per_image, 1))
    return [slice(s, min(n, s + b)) for s in range(0, n, b)]


def conv3x3(k, x: np.ndarray, w: np.ndarray, pad: tuple, b: np.ndarray | None = None):
    """conv2d(x, w, b, padding=pad) for (O, C, 3, 3) ``w`` and stride 1."""
    x = np.ascontiguousarray(x)
    n, c = x.shape[:2]
    o = w.shape[0]
    ho, wo = x.shape[2] + 2 * pad[0] - 2, x.shape[3] + 2 * pad[1] - 2
    th, tw = _tiles(ho, wo)
    u = (_GG[x.dtype] @ w.reshape(o * c, 9).T.astype(x.dtype)).reshape(16, o, c)  # G g G^T
    bias = np.zeros(o, x.dtype) if b is None else b.astype(x.dtype, copy=False)
    y = np.empty((n, o, ho, wo), x.dtype)
    for s in _chunks(n, 16 * max(c, o) * th * tw * x.itemsize):
        v = _input(k, x[s], pad, th, tw)
        m = _rows((16, o, v.shape[2]), x.dtype)
        np.matmul(u, v, out=m)
        k.winograd_output(m, th, tw, bias, y[s])
    return y


def conv3x3_data(k, gy: np.ndarray, w: np.ndarray, pad: tuple) -> np.ndarray:
    """The input gradient of ``conv3x3(x, w, pad)`` for output gradient ``gy``."""
    flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    return conv3x3(k, gy, flipped, (2 - pad[0], 2 - pad[1]))


def conv3x3_weight(k, x: np.ndarray, gy: np.ndarray, pad: tuple) -> np.ndarray:
    """The filter gradient of ``conv3x3(x, w, pad)`` for output gradient ``gy``."""
    x = np.ascontiguousarray(x)
    n, c = x.shape[:2]
    o = gy.shape[1]
    th, tw = _tiles(*gy.shape[2:])
    if gy.shape[2:] != (2 * th, 2 * tw) or not gy.flags.c_contiguous:
        even = np.empty((n, o, 2 * th, 2 * tw), gy.dtype)
        k.pad_planes(np.ascontiguousarray(gy), 0, 0, even)
        gy = even
    du = np.zeros((16, o, c), x.dtype)
    for s in _chunks(n, 16 * max(c, o) * th * tw * x.itemsize):
        v = _input(k, x[s], pad, th, tw)
        mg = _rows((16, o, v.shape[2]), x.dtype)
        k.winograd_output_grad(gy[s], th, tw, mg)
        du += np.matmul(mg, v.transpose(0, 2, 1))
    return (_GG[x.dtype].T @ du.reshape(16, o * c)).T.reshape(o, c, 3, 3)  # G^T dU G
