"""Pooling: max, average, adaptive (1-D/2-D), LP, and max-unpooling.

Max pooling records, for every output, the flat input position it came from; its gradient is a
scatter-add to those positions (``ScatterAt``) and the gradient of that is a gather
(``GatherAt``): the pair closes under differentiation. Average pooling is linear, written as a
window sum (``WindowSum``) and its adjoint; adaptive average pooling is two small matrix
products with constant averaging matrices.
"""

from __future__ import annotations

import itertools

import numpy as np

from ...autograd.node import Op
from ...backend.windows import col2im, out_size, windows
from ...tensor import Tensor


def _tuple(v, d: int) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(int(i) for i in v) if len(v) == d else tuple(int(v[0]) for _ in range(d))
    return (int(v),) * d


class _Geometry:
    """Kernel/stride/padding/dilation and the output size of one pooling call."""

    def __init__(self, in_shape, kernel, stride, padding, dilation, ceil_mode) -> None:
        d = len(kernel)
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation
        self.in_spatial = tuple(in_shape[2:])
        self.out = tuple(
            out_size(self.in_spatial[i], kernel[i], stride[i], padding[i], dilation[i], ceil_mode)
            for i in range(d)
        )
        # right padding so that every (ceil-mode) window lies inside the padded array
        self.pad_hi = tuple(
            max(padding[i], (self.out[i] - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1
                - self.in_spatial[i] - padding[i])
            for i in range(d)
        )

    def offset_views(self, x: np.ndarray) -> list:
        """For each kernel offset, the strided (N, C, *out) view of the -inf-padded input."""
        if any(self.padding) or any(self.pad_hi):
            x = self.padded(x, -np.inf)
        out = []
        for offs in itertools.product(*(range(k) for k in self.kernel)):
            sl = tuple(slice(o * dl, o * dl + st * (n - 1) + 1, st)
                       for o, dl, st, n in zip(offs, self.dilation, self.stride, self.out))
            out.append(x[(slice(None), slice(None)) + sl])
        return out

    def base_index(self) -> np.ndarray:
        """Flat input index of each output window's first element (may lie in the padding)."""
        idx = np.zeros(self.out, np.int64)
        for i, n in enumerate(self.out):
            start = np.arange(n) * self.stride[i] - self.padding[i]
            idx = idx * self.in_spatial[i] + start.reshape((-1,) + (1,) * (len(self.out) - i - 1))
        return idx

    def offset_table(self) -> np.ndarray:
        """Flat input index offset of each kernel offset, in ``offset_views`` order."""
        table = np.zeros((), np.int64)
        for i, k in enumerate(self.kernel):
            table = table[..., None] * self.in_spatial[i] + np.arange(k) * self.dilation[i]
        return table.reshape(-1)

    def padded(self, x: np.ndarray, value: float) -> np.ndarray:
        widths = [(0, 0), (0, 0)] + [(lo, hi) for lo, hi in zip(self.padding, self.pad_hi)]
        return np.pad(x, widths, constant_values=value)


def _check_pool(input: Tensor, d: int, kernel, stride, padding) -> None:
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(
            f"Expected {d + 1}D or {d + 2}D (batch mode) tensor for input with possibly 0 "
            f"batch size and non-zero dimensions for input, but got: {list(input.shape)}"
        )
    for i in range(d):
        if padding[i] * 2 > kernel[i]:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad="
                f"{padding[i]}, kernel_size={kernel[i]} and dilation=1"
            )
        if stride[i] <= 0:
            raise RuntimeError("stride should be greater than zero")


class ScatterAt(Op):
    """Zeros of ``shape`` (N, C, *spatial) with ``g`` added at flat spatial positions ``idx``."""

    _name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, g, idx, shape):
        ctx.idx = idx
        n, c = shape[:2]
        size = int(np.prod(shape[2:]))
        flat_idx = idx.reshape(n * c, -1) + (np.arange(n * c) * size)[:, None]
        out = np.zeros(n * c * size, g.dtype)
        np.add.at(out, flat_idx.ravel(), g.reshape(-1))
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return GatherAt.apply(grad, ctx.idx), None, None


class GatherAt(Op):
    """Read (N, C, *spatial) at the flat spatial positions ``idx`` (shape (N, C, *out))."""

    _name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx):
        ctx.shape, ctx.idx = x.shape, idx
        n, c = x.shape[:2]
        flat = x.reshape(n, c, -1)
        return np.take_along_axis(flat, idx.reshape(n, c, -1), axis=2).reshape(idx.shape)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAt.apply(grad, ctx.idx, ctx.shape), None


class MaxPool(Op):
    """Max over each window; outputs (values, flat input indices).

    NOTE: the max is a running ``np.maximum`` over the K strided views (one per kernel offset),
    and the index the first offset equal to it, as PyTorch's scan picks (ties included); a
    per-window argmax over a copied (..., K) array is several times slower. NaNs take the
    argmax path.
    """

    _name = "MaxPool2DWithIndicesBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, geo):
        views = geo.offset_views(x)
        m = views[0].copy()
        for v in views[1:]:
            np.maximum(m, v, out=m)
        if m.dtype.kind == "f" and np.isnan(m).any():  # PyTorch's scan keeps the last NaN
            stacked = np.stack(views, axis=2)
            nan = np.isnan(stacked)
            last_nan = len(views) - 1 - nan[:, :, ::-1].argmax(axis=2)
            arg = np.where(nan.any(axis=2), last_nan, stacked.argmax(axis=2))
            m = np.take_along_axis(stacked, arg[:, :, None], axis=2)[:, :, 0]
        else:  # arg = number of leading offsets that are not the max = first offset that is
            arg = np.zeros(m.shape, np.uint8 if len(views) < 256 else np.intp)
            before, ne = np.ones(m.shape, bool), np.empty(m.shape, bool)
            for v in views[:-1]:
                np.not_equal(v, m, out=ne)
                before &= ne
                np.add(arg, before, out=arg, casting="unsafe")
        idx = geo.base_index() + np.take(geo.offset_table(), arg)
        ctx.idx, ctx.shape = idx, x.shape
        return m, idx

    @staticmethod
    def backward(ctx, grad, _):
        return ScatterAt.apply(grad, ctx.idx, ctx.shape), None


def _max_pool(d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    kernel = _tuple(kernel_size, d)
    stride = kernel if stride is None or stride == [] or stride == () else _tuple(stride, d)
    padding, dilation = _tuple(padding, d), _tuple(dilation, d)
    _check_pool(input, d, kernel, stride, padding)
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    geo = _Geometry(input.shape, kernel, stride, padding, dilation, ceil_mode)
    if any(o <= 0 for o in geo.out):
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, input.shape[1:]))}). Calculated output size: "
            f"({'x'.join(map(str, (input.shape[1],) + geo.out))}). Output size is too small"
        )
    values, idx = MaxPool.apply(input, geo)
    if unbatched:
        values, idx = values.squeeze(0), idx.squeeze(0)
    return (values, idx) if return_indices else values


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of (N, C, L)."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of (N, C, H, W)."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


class WindowSum(Op):
    """Sum of every (zero-padded) window, times a per-output weight (1 / divisor)."""

    _name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, geo, scale):
        ctx.geo, ctx.scale, ctx.shape = geo, scale, x.shape
        xp = geo.padded(x, 0.0)
        win = windows(xp, geo.kernel, geo.stride, geo.dilation, geo.out)
        d = len(geo.kernel)
        s = win.sum(axis=tuple(range(2, 2 + d)))
        return (s * scale).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return WindowSumAdjoint.apply(grad, ctx.geo, ctx.scale, ctx.shape), None, None


class WindowSumAdjoint(Op):
    _name = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, g, geo, scale, shape):
        ctx.geo, ctx.scale = geo, scale
        d = len(geo.kernel)
        k = int(np.prod(geo.kernel))
        gs = (g * scale).astype(g.dtype, copy=False)
        cols = np.broadcast_to(gs[:, :, None], (g.shape[0], g.shape[1], k) + geo.out)
        padded = tuple(s + lo + hi for s, lo, hi in zip(shape[2:], geo.padding, geo.pad_hi))
        full = col2im(np.ascontiguousarray(cols).reshape(g.shape[0], g.shape[1] * k, -1),
                      shape[:2] + padded, geo.kernel, geo.stride, (0,) * d, geo.dilation,
                      geo.out)
        crop = tuple(slice(lo, lo + s) for lo, s in zip(geo.padding, shape[2:]))
        return np.ascontiguousarray(full[(slice(None), slice(None)) + crop])

    @staticmethod
    def backward(ctx, grad):
        return WindowSum.apply(grad, ctx.geo, ctx.scale), None, None, None


def _avg_divisor(geo: _Geometry, count_include_pad: bool, divisor_override) -> np.ndarray:
    """PyTorch's per-output divisor (window clipped to the padded input, or to the input)."""
    d = len(geo.kernel)
    if divisor_override:
        return np.full(geo.out, float(divisor_override))
    sizes_pad, sizes_in = [], []
    for i in range(d):
        start = np.arange(geo.out[i]) * geo.stride[i] - geo.padding[i]
        end = np.minimum(start + geo.kernel[i], geo.in_spatial[i] + geo.padding[i])
        sizes_pad.append(end - start)
        sizes_in.append(np.minimum(end, geo.in_spatial[i]) - np.maximum(start, 0))
    sizes = sizes_pad if count_include_pad else sizes_in
    div = np.ones(geo.out)
    for i, s in enumerate(sizes):
        div = div * s.reshape((1,) * i + (-1,) + (1,) * (d - i - 1))
    return div


def _avg_pool(d, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override=None):
    kernel = _tuple(kernel_size, d)
    stride = kernel if stride is None or stride == [] or stride == () else _tuple(stride, d)
    padding = _tuple(padding, d)
    _check_pool(input, d, kernel, stride, padding)
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    geo = _Geometry(input.shape, kernel, stride, padding, (1,) * d, ceil_mode)
    scale = 1.0 / _avg_divisor(geo, count_include_pad, divisor_override)
    y = WindowSum.apply(input, geo, scale)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Average over sliding windows of (N, C, L)."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Average over sliding windows of (N, C, H, W)."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def _adaptive_bounds(size: int, out: int):
    """PyTorch's adaptive windows: [floor(i*size/out), ceil((i+1)*size/out))."""
    starts = [(i * size) // out for i in range(out)]
    ends = [-((-(i + 1) * size) // out) for i in range(out)]
    return starts, ends


def _averaging_matrix(size: int, out: int, dtype) -> Tensor:
    m = np.zeros((out, size), dtype)
    for i, (s, e) in enumerate(zip(*_adaptive_bounds(size, out))):
        m[i, s:e] = 1.0 / (e - s)
    return Tensor._make(m)


def _out_sizes(output_size, spatial) -> tuple:
    d = len(spatial)
    sizes = _tuple(output_size, d) if not isinstance(output_size, (tuple, list)) \
        else tuple(s if s is not None else spatial[i] for i, s in enumerate(output_size))
    return sizes


def adaptive_avg_pool1d(input, output_size) -> Tensor:
    """Average pooling to a fixed output length."""
    (out,) = _out_sizes(output_size, input.shape[-1:])
    m = _averaging_matrix(input.shape[-1], out, input._data.dtype)
    return input @ m.t()


def adaptive_avg_pool2d(input, output_size) -> Tensor:
    """Average pooling to a fixed (H, W) output; separable, so two small matmuls."""
    if input.ndim not in (3, 4):
        raise RuntimeError(
            "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
            f"{list(input.shape)}"
        )
    oh, ow = _out_sizes(output_size, input.shape[-2:])
    mh = _averaging_matrix(input.shape[-2], oh, input._data.dtype)
    mw = _averaging_matrix(input.shape[-1], ow, input._data.dtype)
    return mh @ input @ mw.t()


class AdaptiveMaxPool(Op):
    """Max over PyTorch's adaptive windows; outputs (values, flat input indices)."""

    _name = "AdaptiveMaxPool2DBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, out):
        n, c = x.shape[:2]
        spatial = x.shape[2:]
        bounds = [_adaptive_bounds(s, o) for s, o in zip(spatial, out)]
        values = np.empty((n, c) + out, x.dtype)
        idx = np.empty((n, c) + out, np.int64)
        for pos in np.ndindex(*out):
            sl = tuple(slice(bounds[i][0][p], bounds[i][1][p]) for i, p in enumerate(pos))
            block = x[(slice(None), slice(None)) + sl].reshape(n, c, -1)
            a = block.argmax(axis=2)
            values[(slice(None), slice(None)) + pos] = np.take_along_axis(
                block, a[:, :, None], 2)[:, :, 0]
            local = np.unravel_index(a, tuple(s.stop - s.start for s in sl))
            flat = np.zeros(a.shape, np.int64)
            for i, s in enumerate(sl):
                flat = flat * spatial[i] + local[i] + s.start
            idx[(slice(None), slice(None)) + pos] = flat
        ctx.idx, ctx.shape = idx, x.shape
        return values, idx

    @staticmethod
    def backward(ctx, grad, _):
        return ScatterAt.apply(grad, ctx.idx, ctx.shape), None


def _adaptive_max(d, input, output_size, return_indices):
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    out = _out_sizes(output_size, input.shape[2:])
    values, idx = AdaptiveMaxPool.apply(input, out)
    if unbatched:
        values, idx = values.squeeze(0), idx.squeeze(0)
    return (values, idx) if return_indices else values


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed (H, W) output."""
    return _adaptive_max(2, input, output_size, return_indices)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Place each value at its max-pool index in a zero (N, C, H, W) map."""
    kernel = _tuple(kernel_size, 2)
    stride = kernel if stride is None else _tuple(stride, 2)
    padding = _tuple(padding, 2)
    unbatched = input.ndim == 3
    if unbatched:
        input, indices = input.unsqueeze(0), indices.unsqueeze(0)
    if output_size is None:
        out = tuple((input.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + kernel[i]
                    for i in range(2))
    else:
        out = tuple(output_size)[-2:]
    y = ScatterAt.apply(input, indices._data, tuple(input.shape[:2]) + out)
    return y.squeeze(0) if unbatched else y


def lp_pool2d(input, norm_type: float, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """(sum over each window of x^p)^(1/p), as PyTorch (via average pooling)."""
    kh, kw = _tuple(kernel_size, 2)
    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type: float, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kernel_size).pow(1.0 / norm_type)

