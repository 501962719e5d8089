"""Dropout family: zero elements (or channels) with probability p and scale by 1/(1-p) in
training; the identity in eval. ``alpha_dropout`` keeps SELU's mean and variance."""

from __future__ import annotations

import math

import numpy as np

from ...random import np_rng
from ...tensor import Tensor


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _mask(shape, p: float, dtype) -> Tensor:
    keep = np_rng(None).random(shape, dtype=np.float32) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    return Tensor._make((keep * scale).astype(dtype, copy=False))


def _apply(input: Tensor, mask: Tensor, inplace: bool) -> Tensor:
    if inplace:
        return input.mul_(mask)
    return input * mask


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _apply(input, _mask(input.shape, p, input._data.dtype), inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, d: int,
                     name: str) -> Tensor:
    _check_p(p)
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(
            f"{name}: Expected {d + 1}D or {d + 2}D input, but received a {input.ndim}D input."
        )
    if not training or p == 0.0:
        return input
    batched = input.ndim == d + 2
    shape = tuple(input.shape[: 2 if batched else 1]) + (1,) * d
    return _apply(input, _mask(shape, p, input._data.dtype), inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, L) input."""
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, H, W) input."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


_ALPHA = 1.7580993408473766  # SELU's scale * alpha: its negative saturation value


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped units take SELU's saturation value, then an affine
    map keeps zero mean and unit variance (PyTorch's formula)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    keep = (np_rng(None).random(input.shape, dtype=np.float32) >= p).astype(input._data.dtype)
    b = Tensor._make((keep - 1) * (_ALPHA * a) + _ALPHA * a * p)
    out = input * Tensor._make(keep * a) + b
    return input.copy_(out) if inplace else out
