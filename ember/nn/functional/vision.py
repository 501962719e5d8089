"""Resampling: ``interpolate`` (nearest, nearest-exact, linear/bilinear/trilinear, area),
``pixel_shuffle``/``pixel_unshuffle``, ``channel_shuffle``, ``grid``-free helpers.

Interpolation is written with indexing and arithmetic on Tensors: a separable gather per
spatial dim, so gradients (of any order) come from those ops.
"""

from __future__ import annotations

import math

import numpy as np

from ...tensor import Tensor


def _out_sizes(input: Tensor, size, scale_factor, d: int):
    spatial = input.shape[2:]
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * d
        if len(sizes) != d:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(spatial)} and output size of "
                f"{list(sizes)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                "and output size in (o1, o2, ...,oK) format."
            )
        return tuple(int(s) for s in sizes), None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (
        scale_factor,) * d
    return tuple(int(math.floor(s * f)) for s, f in zip(spatial, scales)), scales


def _gather(x: Tensor, dim: int, idx: np.ndarray) -> Tensor:
    key = (slice(None),) * dim + (Tensor._make(idx.astype(np.int64)),)
    return x[key]


def _nearest(x: Tensor, dim: int, out: int, scale: float, exact: bool) -> Tensor:
    size = x.shape[dim]
    dst = np.arange(out, dtype=np.float64)
    src = np.floor((dst + 0.5) * scale) if exact else np.floor(dst * scale)
    return _gather(x, dim, np.minimum(src, size - 1))


def _linear(x: Tensor, dim: int, out: int, scale: float, align_corners: bool) -> Tensor:
    size = x.shape[dim]
    dst = np.arange(out, dtype=np.float64)
    if align_corners:
        src = dst * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    i1 = np.minimum(i0 + 1, size - 1)
    lam = (src - i0).astype(x._data.dtype)
    shape = [1] * x.ndim
    shape[dim] = out
    w1 = Tensor._make(lam.reshape(shape))
    return _gather(x, dim, i0) * (1 - w1) + _gather(x, dim, i1) * w1


_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, *spatial) input."""
    d = input.ndim - 2
    if d < 1:
        raise ValueError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                         f"{input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | "
                         f"trilinear | area | nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | "
            "bilinear | bicubic | trilinear"
        )
    if mode in _DIMS and _DIMS[mode] != d:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {_DIMS[mode] + 2}D input"
        )
    if mode == "bicubic":
        raise NotImplementedError("interpolate(mode='bicubic') is not implemented in Ember yet")
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not implemented in Ember yet")
    out, scales = _out_sizes(input, size, scale_factor, d)
    if mode == "area":
        from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d

        return adaptive_avg_pool1d(input, out) if d == 1 else adaptive_avg_pool2d(input, out)
    y = input
    for i in range(d):
        dim = 2 + i
        in_size = input.shape[dim]
        if scales is not None and not recompute_scale_factor:
            scale = 1.0 / scales[i]
        else:
            scale = in_size / out[i]
        if mode in ("nearest", "nearest-exact"):
            y = _nearest(y, dim, out[i], scale, mode == "nearest-exact")
        elif mode in ("linear", "bilinear", "trilinear"):
            y = _linear(y, dim, out[i], scale, bool(align_corners))
        else:
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                f"nearest-exact (got {mode})"
            )
    return y


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = downscale_factor
    *lead, c, h, w = input.shape
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``groups`` groups (ShuffleNet)."""
    n, c = input.shape[:2]
    rest = tuple(input.shape[2:])
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(n, c, *rest)
