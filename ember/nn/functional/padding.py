"""``F.pad``: constant, reflect, replicate and circular padding of the last dimensions.

Every mode is a gather from the input: ``np.pad`` applied to an array of flat indices says
which input element each output element copies. Forward gathers, backward scatter-adds along
the same map, and the two ops are each other's derivative.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import Op
from ...tensor import Tensor

_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _widths(ndim: int, pad: tuple) -> list:
    """PyTorch's pad tuple (last dim first, (left, right) pairs) as NumPy's pad widths."""
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


def _source_map(shape: tuple, widths: list, mode: str) -> np.ndarray:
    """For each padded element, the flat index of the input element it copies (-1: fill)."""
    idx = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    crop = [(max(-lo, 0), max(-hi, 0)) for lo, hi in widths]
    idx = idx[tuple(slice(c0, s - c1) for (c0, c1), s in zip(crop, shape))]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    if mode == "constant":
        return np.pad(idx, grow, constant_values=-1)
    return np.pad(idx, grow, mode=mode)


class Pad(Op):
    _name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, src, fill):
        ctx.src, ctx.shape = src, x.shape
        flat = x.reshape(-1)
        out = flat[np.maximum(src, 0)]
        if fill is not None:
            out[src < 0] = fill
        return out

    @staticmethod
    def backward(ctx, grad):
        return PadAdjoint.apply(grad, ctx.src, ctx.shape), None, None


class PadAdjoint(Op):
    """Scatter-add a padded gradient back onto the input positions it was copied from."""

    _name = "PadBackward0"

    @staticmethod
    def forward(ctx, g, src, shape):
        ctx.src = src
        keep = src >= 0
        out = np.bincount(src[keep], weights=g[keep], minlength=int(np.prod(shape)))
        return out.astype(g.dtype, copy=False).reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return Pad.apply(grad, ctx.src, 0), None, None


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad ``input``'s last ``len(pad) // 2`` dims; ``pad`` = (left, right, top, bottom, ...).

    Negative amounts crop, as in PyTorch.
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant":
        if value:
            raise RuntimeError(
                f'Padding mode "{mode}" doesn\'t take in value argument'
            )
        dims = len(pad) // 2
        if input.ndim < dims + 1:
            raise NotImplementedError(
                "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now"
            )
        if mode == "reflect":
            for i in range(dims):
                size = input.shape[input.ndim - 1 - i]
                if pad[2 * i] >= size or pad[2 * i + 1] >= size:
                    raise RuntimeError(
                        f"Argument #4: Padding size should be less than the corresponding input "
                        f"dimension, but got: padding ({pad[2 * i]}, {pad[2 * i + 1]}) at "
                        f"dimension {input.ndim - 1 - i} of input {list(input.shape)}"
                    )
    widths = _widths(input.ndim, pad)
    src = _source_map(input.shape, widths, _MODES[mode])
    fill = (0 if value is None else value) if mode == "constant" else None
    out = Pad.apply(input, src, fill)
    return out
