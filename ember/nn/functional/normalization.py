"""Normalisation: batch_norm, layer_norm, group_norm, instance_norm, local_response_norm,
and ``normalize``.

Training-mode batch_norm is one fused op (``BatchNorm``); the others are written with Tensor ops
(mean, subtract, rsqrt, multiply), so gradients of any order follow from the ops' own rules.
Running statistics are updated in place outside the graph, with PyTorch's unbiased variance
for ``running_var``.
"""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import state
from ...autograd.node import Op
from ...backend.jit import kernels
from ...tensor import Tensor


def _normalize(x: Tensor, dims: tuple, eps: float):
    """(x - mean) / sqrt(var + eps) over ``dims`` (biased variance), plus mean and var."""
    mean = x.mean(dims, keepdim=True)
    d = x - mean
    var = (d * d).mean(dims, keepdim=True)
    return d * (var + eps).rsqrt(), mean, var


def _channel_shape(x: Tensor) -> tuple:
    return (1, -1) + (1,) * (x.ndim - 2)


def _update_running(running: Tensor, batch: np.ndarray, momentum: float) -> None:
    r = running._data
    r *= 1 - momentum
    r += (momentum * batch).astype(r.dtype, copy=False)
    if running._ver is not None:
        running._ver[0] += 1


class BatchNorm(Op):
    """Training-mode batch norm in one node: (x - mean) / sqrt(var + eps) * w + b per channel.

    ``stats`` is a list that forward fills with the batch (mean, biased var) for the running
    statistics. Plain backward is a few NumPy passes using the forward's statistics as
    constants; under ``create_graph`` it recomputes them from ``x`` with Tensor ops, so the
    gradient is itself differentiable.
    """

    _name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, eps, stats):
        dims = (0,) + tuple(range(2, x.ndim))
        ctx.dims, ctx.eps = dims, eps
        ctx.save_for_backward(x, w)
        k = kernels()
        if k is not None and x.size and k.fits(x):
            return _bn_kernel(k, ctx, x, w, b, eps, stats)
        mean = x.mean(dims, keepdims=True)
        d = x - mean
        var = _channel_dot(d, d).reshape(mean.shape) / (x.size // x.shape[1])
        inv = 1.0 / np.sqrt(var + eps)
        stats.append((mean, var))
        ctx.mean, ctx.inv = mean, inv
        scale = inv if w is None else inv * w.reshape(inv.shape)
        d *= scale
        if b is not None:
            d += b.reshape(inv.shape)
        return d

    @staticmethod
    def backward(ctx, grad):
        # d/dx = inv * (g' - mean(g') - xhat * mean(g' xhat)), g' = g * w; dw = sum(g xhat)
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        if not state.enabled:
            return _bn_backward_fast(ctx, grad._data, x._data, w, need)
        dims = ctx.dims
        mean = x.mean(dims, keepdim=True)
        d = x - mean
        inv = ((d * d).mean(dims, keepdim=True) + ctx.eps).rsqrt()
        xhat = d * inv
        gx = gw = gb = None
        if need[0]:
            gh = grad if w is None else grad * w.reshape(inv.shape)
            gx = inv * (gh - gh.mean(dims, keepdim=True)
                        - xhat * (gh * xhat).mean(dims, keepdim=True))
        if len(need) > 1 and need[1]:
            gw = (grad * xhat).sum(dims)
        if len(need) > 2 and need[2]:
            gb = grad.sum(dims)
        return gx, gw, gb, None, None


def _channel_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-channel (dim 1) sum of a * b, without an a * b temporary."""
    n, c = a.shape[:2]
    return np.einsum("ijk,ijk->j", a.reshape(n, c, -1), b.reshape(n, c, -1))


def _bn_kernel(k, ctx, x, w, b, eps, stats):
    """BatchNorm.forward through the jit kernel (three passes per channel, no temporaries)."""
    n, c = x.shape[:2]
    w = np.ones(c, x.dtype) if w is None else w
    b = np.zeros(c, x.dtype) if b is None else b
    mean, var = np.empty(c, x.dtype), np.empty(c, x.dtype)
    y = np.empty_like(x)
    k.batch_norm(x.reshape(n, c, -1), w, b, eps, y.reshape(n, c, -1), mean, var)
    shape = (1, c) + (1,) * (x.ndim - 2)
    mean, var = mean.reshape(shape), var.reshape(shape)
    stats.append((mean, var))
    ctx.mean, ctx.inv = mean, 1.0 / np.sqrt(var + eps)
    return y


def _bn_backward_fast(ctx, g, x, w, need):
    """BatchNorm's first-order gradients on arrays, with the forward's mean/inv as constants.

    gx = inv * w * (g - mean(g) - xhat * mean(g xhat)) is per-channel affine in (g, x - mean),
    so it is computed as ``g * a + (x - mean) * b + c`` in a few passes.
    """
    k = kernels()
    if k is not None and x.size and k.fits(x, g):
        return _bn_backward_kernel(k, ctx, g, x, w, need)
    n = x.size // x.shape[1]
    mean, inv = ctx.mean, ctx.inv
    shape = inv.shape
    d = x - mean
    gb = np.einsum("ijk->j", g.reshape(g.shape[0], g.shape[1], -1))
    gw = _channel_dot(g, d) * inv.reshape(-1)
    gx = None
    if need[0]:
        a = inv if w is None else inv * w._data.reshape(shape)
        d *= (-a * inv / n) * gw.reshape(shape)
        d -= a * (gb / n).reshape(shape)
        gx = g * a
        gx += d
        gx = Tensor._make(gx)
    gw = Tensor._make(gw) if len(need) > 1 and need[1] else None
    gb = Tensor._make(gb) if len(need) > 2 and need[2] else None
    return gx, gw, gb, None, None


def _bn_backward_kernel(k, ctx, g, x, w, need):
    """``_bn_backward_fast`` through the jit kernel (two passes per channel)."""
    n, c = x.shape[:2]
    gx = np.empty_like(x) if need[0] else np.empty((0, 0, 0), x.dtype)
    gw, gb = np.empty(c, x.dtype), np.empty(c, x.dtype)
    k.batch_norm_backward(g.reshape(n, c, -1), x.reshape(n, c, -1), ctx.mean.reshape(c),
                          ctx.inv.reshape(c), np.ones(c, x.dtype) if w is None else w._data,
                          gx.reshape(n, c, -1) if need[0] else gx, gw, gb)
    return (Tensor._make(gx) if need[0] else None,
            Tensor._make(gw) if len(need) > 1 and need[1] else None,
            Tensor._make(gb) if len(need) > 2 and need[2] else None, None, None)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial dims.

    In training the batch statistics are used and the running ones updated with ``momentum``
    (running_var with the unbiased estimate); in eval the running statistics are used.
    """
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or higher input (got {input.ndim}D input)")
    c = input.shape[1]
    if training:
        n = input.numel() // c
        if n == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"{input.shape}"
            )
        stats = []
        y = BatchNorm.apply(input, weight, bias, eps, stats)
        mean, var = stats[0]
        if running_mean is not None:
            _update_running(running_mean, mean.reshape(c), momentum)
        if running_var is not None:
            _update_running(running_var, var.reshape(c) * (n / (n - 1)), momentum)
        return y
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in eval mode")
        shape = _channel_shape(input)
        y = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()
    if weight is not None:
        y = y * weight.reshape(_channel_shape(input))
    if bias is not None:
        y = y + bias.reshape(_channel_shape(input))
    return y


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims of every sample."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )
    y, _, _ = _normalize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each group of channels of every sample."""
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    grouped = input.reshape(n, num_groups, -1)
    y, _, _ = _normalize(grouped, (2,), eps)
    y = y.reshape(input.shape)
    if weight is not None:
        y = y * weight.reshape(_channel_shape(input))
    if bias is not None:
        y = y + bias.reshape(_channel_shape(input))
    return y


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its spatial dims."""
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    dims = tuple(range(2, input.ndim))
    y, mean, var = _normalize(input, dims, eps)
    c = input.shape[1]
    n = int(np.prod(input.shape[2:]))
    if running_mean is not None:
        _update_running(running_mean, mean._data.reshape(-1, c).mean(0), momentum)
    if running_var is not None:
        unbiased = var._data.reshape(-1, c) * (n / max(n - 1, 1))
        _update_running(running_var, unbiased.mean(0), momentum)
    if weight is not None:
        y = y * weight.reshape(_channel_shape(input))
    if bias is not None:
        y = y + bias.reshape(_channel_shape(input))
    return y


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """x / (k + alpha * mean of x^2 over ``size`` neighbouring channels)^beta."""
    from .padding import pad
    from .pooling import avg_pool2d

    if input.ndim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)"
        )
    if input.numel() == 0:
        return input
    sq = (input * input).unsqueeze(1)
    n, c = input.shape[:2]
    if input.ndim == 3:
        div = pad(sq, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        rest = input.shape[2:]
        div = sq.reshape(n, 1, c, int(np.prod(rest[:-1])), rest[-1])
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        from .pooling import avg_pool3d

        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1).reshape(input.shape)
    div = (div * alpha + k) ** beta
    return input / div


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out=None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``."""
    norm = input.norm(p, dim, keepdim=True).clamp_min(eps)
    return input / norm.expand_as(input)
