"""Convolutions (1-D/2-D/3-D, transposed, grouped, dilated) and ``unfold``/``fold``.

Three primitives close under differentiation, so every order of gradient works:
``Convolution`` (x, w) -> y, ``ConvData`` (g, w) -> dx (a transposed convolution) and
``ConvWeight`` (x, g) -> dw. Each is bilinear, and each one's partial derivatives are the other
two, so backward of any of them is built from the three.
"""

from __future__ import annotations

import numpy as np

from ...autograd.node import Op
from ...backend import winograd
from ...backend.jit import kernels
from ...backend.windows import (
    FlatPlan,
    col2im,
    col2im_cf,
    im2col,
    im2col_cf,
    out_size,
    scratch,
)
from ...tensor import Tensor


class _Params:
    """Stride/padding/dilation/groups of one convolution, one entry per spatial dim."""

    __slots__ = ("kernel", "stride", "padding", "dilation", "groups")

    def __init__(self, kernel, stride, padding, dilation, groups) -> None:
        self.kernel, self.stride, self.padding = tuple(kernel), tuple(stride), tuple(padding)
        self.dilation, self.groups = tuple(dilation), groups

    def plan(self, x_shape, max_waste: float | None = None) -> FlatPlan | None:
        """The flat padded layout for a stride-1 convolution, when it wastes little."""
        if any(s != 1 for s in self.stride) or x_shape[0] == 0:
            return None
        plan = FlatPlan(x_shape, self.kernel, self.padding, self.dilation)
        return plan if plan.waste() <= (max_waste or _MAX_WASTE) else None

    def cols(self, x: np.ndarray, temp: bool = False):
        """im2col of ``x``: ((C*K, columns), output spatial shape, FlatPlan or None).

        ``temp``: the columns die with the caller, so they may use the scratch buffer.
        """
        plan = self.plan(x.shape)
        if plan is not None:
            return plan.im2col(x, temp), plan.out, plan
        cols, out = im2col_cf(x, self.kernel, self.stride, self.padding, self.dilation, temp)
        return cols, out, None

    def cols_bytes(self, x: np.ndarray) -> int:
        """Size of ``cols(x)``, to decide before building them whether forward keeps them."""
        plan = self.plan(x.shape)
        n = plan.cols if plan is not None else x.shape[0] * int(np.prod([
            out_size(x.shape[2 + i], k, self.stride[i], self.padding[i], self.dilation[i])
            for i, k in enumerate(self.kernel)]))
        return x.shape[1] * int(np.prod(self.kernel)) * n * x.itemsize


# NOTE: the working layout is channel-first, (C*K, columns) im2col and (O, columns) outputs,
# so each convolution and both of its gradients are one GEMM over the whole batch (a stack of
# per-sample GEMMs is several times slower); only the (small) outputs are transposed back to
# NCHW. Stride-1 convolutions use the flat padded layout (backend.windows.FlatPlan, K long
# contiguous copies instead of a strided window copy) unless it computes > _MAX_WASTE times
# the needed columns; the rest use (C*K, N*L) columns of the strided windows. Columns too big
# to keep for the weight gradient are built and consumed in batch chunks of ~_CHUNK_BYTES,
# which stay in cache (64x64x32x32 3x3 forward+backward: 1.85x -> 1.7x torch's time).
_CACHE_BYTES = 1 << 26  # forward keeps columns up to this size for the weight gradient
_MAX_WASTE = 1.5
_CHUNK_BYTES = 1 << 22
_MAX_WASTE_DATA = 3.0  # col2im's contiguous adds beat strided ones even at 2x the columns
# With fewer channels (a 3-channel stem, LeNet's 6) im2col + GEMM was as fast or faster. With
# 16-64 channels Winograd took 0.75-1.1x the time of im2col + GEMM in interleaved runs: its
# transforms are memory-bound and these machines' memory bandwidth swings between runs.
_WINOGRAD_MIN_CHANNELS = 16


def _winograd(p: _Params, x: np.ndarray, channels: int):
    """The jit kernels when this is a 3x3, stride-1, ungrouped 2-D float convolution of a
    non-empty batch with at least _WINOGRAD_MIN_CHANNELS in and out (``backend.winograd``
    computes it), else None."""
    if (p.kernel != (3, 3) or p.stride != (1, 1) or p.dilation != (1, 1) or p.groups != 1
            or max(p.padding) > 2 or x.dtype.kind != "f" or x.itemsize < 4 or x.size == 0
            or channels < _WINOGRAD_MIN_CHANNELS):
        return None
    return kernels()


def _gemm(a: np.ndarray, b: np.ndarray, groups: int) -> np.ndarray:
    """(G*M, K) @ (K', G*Ncols) split into ``groups`` diagonal blocks; one GEMM when G == 1."""
    if groups == 1:
        return a @ b
    y = np.matmul(a.reshape(groups, a.shape[0] // groups, -1),
                  b.reshape(groups, b.shape[0] // groups, -1))
    return y.reshape(-1, y.shape[-1])


def _to_cf(g: np.ndarray) -> np.ndarray:
    """(N, O, *out) -> (O, N*L) contiguous."""
    n, o = g.shape[:2]
    cf = np.empty((o, n, g[0, 0].size), g.dtype)
    np.copyto(cf, g.reshape(n, o, -1).swapaxes(0, 1))
    return cf.reshape(o, -1)


def _to_nchw(yv: np.ndarray, b=None) -> np.ndarray:
    """(O, N, *out) view -> (N, O, *out) contiguous, adding the bias on the way."""
    res = np.empty((yv.shape[1], yv.shape[0]) + yv.shape[2:], yv.dtype)
    if b is None:
        np.copyto(res, yv.swapaxes(0, 1))
    else:
        np.add(yv.swapaxes(0, 1), b.reshape((1, -1) + (1,) * (yv.ndim - 2)), out=res)
    return res


def _batches(x: np.ndarray, p: _Params) -> list:
    """Batch slices whose columns fit in cache."""
    n = x.shape[0]
    if n < 2:
        return [slice(0, n)]
    per = p.cols_bytes(x) // n
    b = max(1, _CHUNK_BYTES // max(per, 1))
    return [slice(s, min(n, s + b)) for s in range(0, n, b)]


def _conv(x, w, p: _Params, b=None, cols=None):
    k = _winograd(p, x, min(w.shape[:2])) if cols is None else None
    if k is not None:
        return winograd.conv3x3(k, x, w, p.padding, b)
    if cols is None:
        slices = _batches(x, p)
        if len(slices) > 1:
            parts = [_conv(x[s], w, p, b) for s in slices]
            return np.concatenate(parts)
    cols, out, plan = p.cols(x, temp=True) if cols is None else cols
    y = _gemm(w.reshape(w.shape[0], -1), cols, p.groups)
    yv = plan.outputs(y) if plan is not None else y.reshape((w.shape[0], x.shape[0]) + out)
    return _to_nchw(yv, b)


def _conv_data(gy, w, x_shape, p: _Params, b=None):
    k = _winograd(p, gy, min(w.shape[:2]))
    if k is not None and all(gy.shape[2 + i] + 2 - 2 * p.padding[i] == x_shape[2 + i]
                             for i in range(2)):
        x = winograd.conv3x3_data(k, gy, w, p.padding)
        return x if b is None else x + b.reshape(1, -1, 1, 1)
    g = p.groups
    plan = p.plan(x_shape, _MAX_WASTE_DATA)
    if plan is not None and plan.out != tuple(gy.shape[2:]):
        plan = None
    gcf = plan.embed(gy) if plan is not None else _to_cf(gy)
    wm = w.reshape(g, w.shape[0] // g, -1).transpose(0, 2, 1)  # (G, Cg*K, Og)
    cols = scratch((g, wm.shape[1], gcf.shape[1]), gcf.dtype)  # dies in col2im below
    np.matmul(wm, gcf.reshape(g, wm.shape[2], -1), out=cols)
    cols = cols.reshape(-1, gcf.shape[1])
    if plan is not None:
        x = plan.col2im(cols)
    else:
        x = col2im_cf(cols, x_shape, p.kernel, p.stride, p.padding, p.dilation, gy.shape[2:])
    if b is not None:
        x += b.reshape((1, -1) + (1,) * len(p.kernel))
    return x


def _conv_weight(x, gy, w_shape, p: _Params, cols=None):
    k = _winograd(p, x, min(w_shape[:2])) if cols is None else None
    if k is not None and all(gy.shape[2 + i] == x.shape[2 + i] + 2 * p.padding[i] - 2
                             for i in range(2)):
        return winograd.conv3x3_weight(k, x, gy, p.padding)
    if cols is None:
        slices = _batches(x, p)
        if len(slices) > 1:
            gw = _conv_weight(x[slices[0]], gy[slices[0]], w_shape, p)
            for s in slices[1:]:
                gw += _conv_weight(x[s], gy[s], w_shape, p)
            return gw
    cols, _, plan = p.cols(x, temp=True) if cols is None else cols
    g = p.groups
    gcf = plan.embed(gy) if plan is not None else _to_cf(gy)
    # cols @ gcf.T (then transposed) streams the long K axis faster than gcf @ cols.T
    if g == 1:
        return (cols @ gcf.T).T.reshape(w_shape)
    gw = np.matmul(cols.reshape(g, -1, cols.shape[1]),
                   gcf.reshape(g, w_shape[0] // g, -1).transpose(0, 2, 1))
    return gw.transpose(0, 2, 1).reshape(w_shape)


class Convolution(Op):
    @staticmethod
    def forward(ctx, x, w, b, p):
        ctx.p = p
        ctx.save_for_backward(x, w)
        ctx.cols = None
        if p.cols_bytes(x) > _CACHE_BYTES or _winograd(p, x, min(w.shape[:2])) is not None:
            return _conv(x, w, p, b)
        ctx.cols = cols = p.cols(x)
        return _conv(x, w, p, b, cols)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors  # y = conv(x, w) + b is bilinear in (x, w)
        need, p = ctx.needs_input_grad, ctx.p
        gx = ConvData.apply(grad, w, x.shape, p) if need[0] else None
        gw = ConvWeight.apply(x, grad, w.shape, p, ctx.cols) if need[1] else None
        gb = grad.sum(dim=(0, *range(2, grad.ndim))) if len(need) > 2 and need[2] else None
        return gx, gw, gb, None


class ConvData(Op):
    """d conv / d x applied to ``g``: a transposed convolution of ``g`` with ``w``."""

    _name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, g, w, x_shape, p):
        ctx.p, ctx.x_shape = p, x_shape
        ctx.save_for_backward(g, w)
        return _conv_data(g, w, x_shape, p)

    @staticmethod
    def backward(ctx, grad):
        g, w = ctx.saved_tensors
        need, p = ctx.needs_input_grad, ctx.p
        gg = Convolution.apply(grad, w, None, p) if need[0] else None
        gw = ConvWeight.apply(grad, g, w.shape, p) if need[1] else None
        return gg, gw, None, None


class ConvWeight(Op):
    """d conv / d w applied to ``g``: correlate the input with the output gradient.

    ``cols`` optionally carries the forward's im2col of ``x`` (a constant: it only saves
    recomputing it; ``x`` itself is saved, so in-place changes to it are still caught).
    """

    _name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, g, w_shape, p, cols=None):
        ctx.p = p
        ctx.save_for_backward(x, g)
        return _conv_weight(x, g, w_shape, p, cols)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need, p = ctx.needs_input_grad, ctx.p
        gx = ConvData.apply(g, grad, x.shape, p) if need[0] else None
        gg = Convolution.apply(x, grad, None, p) if need[1] else None
        return gx, gg, None, None, None


class ConvTranspose(Op):
    """A transposed convolution: ``ConvData`` with its own bias and output shape."""

    _name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, out_shape, p):
        ctx.p = p
        ctx.save_for_backward(x, w)
        return _conv_data(x, w, out_shape, p, b)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need, p = ctx.needs_input_grad, ctx.p
        gb = grad.sum(dim=(0, *range(2, grad.ndim))) if need[2] else None
        # with stride 1 and dilation > 1, output_padding makes the convolution of grad longer
        # than x: its extra outputs are spurious (cropped), and x is zero-extended to match
        extra = [(grad.shape[2 + i] + 2 * p.padding[i] - p.dilation[i] * (p.kernel[i] - 1) - 1)
                 // p.stride[i] + 1 - x.shape[2 + i] for i in range(len(p.kernel))]
        gx = Convolution.apply(grad, w, None, p) if need[0] else None
        gw, ctx_shape = None, x.shape[2:]
        if need[1]:
            if any(extra):
                from .padding import pad

                x = pad(x, [v for e in reversed(extra) for v in (0, e)])
            gw = ConvWeight.apply(grad, x, w.shape, p)
        if gx is not None and any(extra):
            gx = gx[(slice(None), slice(None)) + tuple(slice(0, s) for s in ctx_shape)]
        return gx, gw, gb, None, None


def _tuple(v, d: int, name: str) -> tuple:
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(v) * d
        if len(v) != d:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {d} "
                               f"values to match the convolution dimensions, but got {name}={v}")
        return tuple(int(i) for i in v)
    return (int(v),) * d


def _check(input: Tensor, weight: Tensor, d: int, groups: int, transposed: bool) -> None:
    if weight.ndim != d + 2:
        raise RuntimeError(
            "weight should have at least three dimensions" if d == 1 else
            f"Expected {d + 2}-dimensional weight for {d + 2}-dimensional input"
        )
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(
            f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to conv{d}d, but got "
            f"input of size: {list(input.shape)}"
        )
    if not transposed and (weight.shape[0] < groups or weight.shape[0] % groups):
        what = "at least" if weight.shape[0] < groups else "divisible by"
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be {what} {groups} at dimension 0, but "
            f"got weight of size {list(weight.shape)} instead"
        )
    c_in = input.shape[-d - 1]
    expect = weight.shape[0] if transposed else weight.shape[1] * groups
    if c_in != expect:
        if transposed:
            raise RuntimeError(
                f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                f"{list(input.shape)} to have {weight.shape[0]} channels, but got {c_in} "
                "channels instead"
            )
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {expect} channels, but got {c_in} channels instead"
        )
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype._legacy[:-6]} but found "
            f"{weight.dtype._legacy[:-6]}"
        )


def _same_padding(kernel, dilation, stride) -> tuple:
    if any(s != 1 for s in stride):
        raise ValueError("padding='same' is not supported for strided convolutions")
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple(t // 2 for t in total), tuple(t - t // 2 for t in total)


def _convnd(d: int, input, weight, bias, stride, padding, dilation, groups):
    _check(input, weight, d, groups, False)
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    kernel = weight.shape[2:]
    stride, dilation = _tuple(stride, d, "stride"), _tuple(dilation, d, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * d
        elif padding == "same":
            left, right = _same_padding(kernel, dilation, stride)
            if left != right:
                from .padding import pad

                extra = []
                for lo, hi in reversed(list(zip(left, right))):
                    extra += [0, hi - lo]
                input = pad(input, extra)
            padding = left
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}")
    else:
        padding = _tuple(padding, d, "padding")
    p = _Params(kernel, stride, padding, dilation, groups)
    for i in range(d):
        span = dilation[i] * (kernel[i] - 1) + 1
        if input.shape[2 + i] + 2 * padding[i] < span:
            raise RuntimeError(
                f"Calculated padded input size per channel: "
                f"({' x '.join(str(input.shape[2 + j] + 2 * padding[j]) for j in range(d))}). "
                f"Kernel size: ({' x '.join(str(k) for k in kernel)}). Kernel size can't be "
                "greater than actual input size"
            )
    y = Convolution.apply(input, weight, bias, p)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution (cross-correlation) over (N, C, L) input."""
    return _convnd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution (cross-correlation) over (N, C, H, W) input."""
    return _convnd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """3-D convolution over (N, C, D, H, W) input."""
    return _convnd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(d, input, weight, bias, stride, padding, output_padding, groups,
                      dilation):
    _check(input, weight, d, groups, True)
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    kernel = weight.shape[2:]
    stride, padding = _tuple(stride, d, "stride"), _tuple(padding, d, "padding")
    dilation, output_padding = _tuple(dilation, d, "dilation"), _tuple(output_padding, d,
                                                                        "output_padding")
    for i in range(d):
        if output_padding[i] >= max(stride[i], dilation[i]):
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                f"output_padding_height: {output_padding[i]}, stride: {stride[i]}, "
                f"dilation: {dilation[i]}"
            )
    out = tuple(
        (input.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1)
        + output_padding[i] + 1
        for i in range(d)
    )
    c_out = weight.shape[1] * groups
    p = _Params(kernel, stride, padding, dilation, groups)
    y = ConvTranspose.apply(input, weight, bias, (input.shape[0], c_out) + out, p)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1) -> Tensor:
    """1-D transposed convolution ("deconvolution")."""
    return _conv_transposend(1, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1) -> Tensor:
    """2-D transposed convolution ("deconvolution")."""
    return _conv_transposend(2, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1) -> Tensor:
    return _conv_transposend(3, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


class Unfold(Op):
    """Sliding blocks of (N, C, H, W) as columns (N, C*kh*kw, L): ``F.unfold``/``nn.Unfold``."""

    _name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, p):
        ctx.p, ctx.shape = p, x.shape
        cols, _ = im2col(x, p.kernel, p.stride, p.padding, p.dilation)
        return np.ascontiguousarray(cols)

    @staticmethod
    def backward(ctx, grad):
        return Fold.apply(grad, ctx.shape, ctx.p), None


class Fold(Op):
    """Sum columns (N, C*kh*kw, L) back into (N, C, H, W): ``F.fold``/``nn.Fold``."""

    _name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, shape, p):
        ctx.p = p
        out = tuple(
            (shape[2 + i] + 2 * p.padding[i] - p.dilation[i] * (p.kernel[i] - 1) - 1)
            // p.stride[i] + 1
            for i in range(2)
        )
        return col2im(cols, shape, p.kernel, p.stride, p.padding, p.dilation, out)

    @staticmethod
    def backward(ctx, grad):
        return Unfold.apply(grad, ctx.p), None, None


def unfold(input, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding local blocks: (N, C, H, W) -> (N, C*prod(kernel_size), L)."""
    if input.ndim != 4:
        raise NotImplementedError(
            f"Input Error: Only 4D input Tensors are supported (got {input.ndim}D)"
        )
    p = _Params(_tuple(kernel_size, 2, "kernel_size"), _tuple(stride, 2, "stride"),
                _tuple(padding, 2, "padding"), _tuple(dilation, 2, "dilation"), 1)
    return Unfold.apply(input, p)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Combine sliding blocks (N, C*prod(kernel_size), L) into (N, C, *output_size), summing."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
            f"(got {input.ndim}D)"
        )
    unbatched = input.ndim == 2
    if unbatched:
        input = input.unsqueeze(0)
    p = _Params(_tuple(kernel_size, 2, "kernel_size"), _tuple(stride, 2, "stride"),
                _tuple(padding, 2, "padding"), _tuple(dilation, 2, "dilation"), 1)
    k = p.kernel[0] * p.kernel[1]
    if input.shape[1] % k:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={input.shape[1]} and "
            f"kernel_size=({p.kernel[0]}, {p.kernel[1]})"
        )
    shape = (input.shape[0], input.shape[1] // k) + _tuple(output_size, 2, "output_size")
    y = Fold.apply(input, shape, p)
    return y.squeeze(0) if unbatched else y
