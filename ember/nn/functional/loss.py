"""Losses: nll_loss and cross_entropy (fused), mse_loss and the other regression and
classification losses, with PyTorch's ``reduction``, ``weight`` and ``ignore_index``."""

from __future__ import annotations

import warnings

import numpy as np

from ...autograd.node import Op
from ...tensor import Tensor
from .softmax import log_softmax

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average, reduce, reduction: str) -> str:
    """The legacy ``size_average``/``reduce`` flags mapped onto ``reduction``, as PyTorch."""
    if size_average is None and reduce is None:
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{reduction} is not a valid value for reduction")
        return reduction
    warnings.warn(
        "size_average and reduce args will be deprecated, please use reduction='"
        f"{'sum' if size_average is False else 'mean'}' instead.",
        UserWarning,
        stacklevel=3,
    )
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


class NllLoss(Op):
    """-w[t] * x[t] per sample, reduced; the gradient is a constant map times ``grad``."""

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        c = x.shape[1]
        safe = np.where(target == ignore_index, 0, target)
        w = np.ones(c, x.dtype) if weight is None else weight.astype(x.dtype)
        wt = np.where(target == ignore_index, 0, w[safe]).astype(x.dtype)
        picked = np.take_along_axis(x, safe[:, None], axis=1)[:, 0]
        losses = -wt * picked
        denom = wt.sum() if reduction == "mean" else None
        coef = -wt / denom if reduction == "mean" else -wt
        m = np.zeros_like(x)
        np.put_along_axis(m, safe[:, None], coef[:, None], axis=1)
        ctx.m, ctx.reduction = m, reduction
        if reduction == "none":
            return losses
        total = losses.sum()
        return np.asarray(total / denom if reduction == "mean" else total, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        m = Tensor._make(ctx.m)  # d loss / d x is constant in x: a scaled one-hot map
        g = grad.reshape((-1,) + (1,) * (m.ndim - 1)) if ctx.reduction == "none" else grad
        return g * m, None, None, None, None


def _check_target(input: Tensor, target: Tensor) -> None:
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype._legacy[:-6]}"
        )
    if input.ndim >= 2 and input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0]})."
        )


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input``.

    ``input`` is (N, C), (C,) or (N, C, d1, ...); ``target`` holds class indices.
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_target(input, target)
    x, t = input, target._data.astype(np.int64)
    if x.ndim == 1:
        x, t = x.unsqueeze(0), t.reshape(1)
    elif x.ndim > 2:  # (N, C, d1, ...) -> (N * d1 * ..., C)
        c = x.shape[1]
        x = x.permute(0, *range(2, x.ndim), 1).reshape(-1, c)
        t = t.reshape(-1)
    c = x.shape[1]
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    w = weight._data if weight is not None else None
    out = NllLoss.apply(x, t, w, ignore_index, reduction)
    if reduction == "none" and input.ndim > 2:
        out = out.reshape((input.shape[0],) + tuple(input.shape[2:]))
    elif reduction == "none" and input.ndim == 1:
        out = out.reshape(())
    return out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim followed by nll_loss; ``target`` may also hold class
    probabilities (same shape as ``input``)."""
    reduction = _reduction(size_average, reduce, reduction)
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if target.is_floating_point():
        return _soft_cross_entropy(logp, target, weight, reduction, label_smoothing, class_dim)
    loss = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0.0:
        return loss
    c = input.shape[class_dim]
    w = weight.reshape((c,) + (1,) * (input.ndim - class_dim - 1)) if weight is not None else 1
    smooth = -(logp * w).sum(class_dim)
    keep = Tensor._make((target._data != ignore_index).astype(input._data.dtype))
    smooth = smooth * keep
    if reduction == "mean":
        if weight is not None:
            wt = weight._data[np.where(target._data == ignore_index, 0, target._data)]
            denom = float((wt * keep._data).sum())
        else:
            denom = float(keep._data.sum())
        smooth = smooth.sum() / denom
    else:
        smooth = _reduce(smooth, reduction)
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / c)


def _soft_cross_entropy(logp, target, weight, reduction, label_smoothing, class_dim):
    if logp.shape != target.shape:
        raise RuntimeError(
            f"Expected target size {list(logp.shape)}, got {list(target.shape)}"
        )
    c = logp.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / c
    terms = logp * target
    if weight is not None:
        terms = terms * weight.reshape((c,) + (1,) * (logp.ndim - class_dim - 1))
    loss = -terms.sum(class_dim)
    if reduction == "mean":
        n = loss.numel() if loss.ndim else 1
        return loss.sum() / n
    return _reduce(loss, reduction)


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error (x - y)^2."""
    reduction = _reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    d = input - target
    loss = d * d
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error |x - y|."""
    reduction = _reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere."""
    reduction = _reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    d = input - target
    a = d.abs()
    small = Tensor._make((a._data < beta).astype(a._data.dtype))
    loss = small * (d * d * (0.5 / beta)) + (1 - small) * (a - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere."""
    _warn_size(input, target)
    d = input - target
    a = d.abs()
    small = Tensor._make((a._data < delta).astype(a._data.dtype))
    loss = small * (d * d * 0.5) + (1 - small) * (a - 0.5 * delta) * delta
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


class BinaryCrossEntropy(Op):
    """-(y log p + (1 - y) log(1 - p)) with PyTorch's guards: logs clamped at -100, and the
    gradient (p - y) / max(p (1 - p), 1e-12), which stays finite when p saturates at 0 or 1."""

    @staticmethod
    def forward(ctx, p, y):
        ctx.save_for_backward(p, y)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_q = np.maximum(np.log1p(-p), -100)
        return -(y * log_p + (1 - y) * log_q)

    @staticmethod
    def backward(ctx, grad):
        p, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        gp = grad * (p - y) / ((1 - p) * p).clamp_min(1e-12) if need[0] else None
        gy = None
        if need[1]:
            gy = grad * ((1 - p).log().clamp_min(-100) - p.log().clamp_min(-100))
        return gp, gy


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """-(y log p + (1 - y) log(1 - p)), with the logs clamped at -100 as PyTorch."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    p = input._data
    if ((p < 0) | (p > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE on logits, computed stably as (1 - y) x + (1 + (w_p - 1) y) softplus(-x)."""
    from .activation import softplus

    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    sp = softplus(-input)
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * sp
    else:
        loss = (1 - target) * input + sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) pointwise: y (log y - x) (``log_target``: exp(y) (y - x))."""
    if reduction != "batchmean":
        reduction = _reduction(size_average, reduce, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from ...ops.pointwise import where

        safe = where(target > 0, target, 1.0)
        loss = where(target > 0, target * (safe.log() - input), 0.0)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        t = target._data
        stirling = np.where(t > 1, t * np.log(np.where(t > 1, t, 1)) - t
                            + 0.5 * np.log(2 * np.pi * np.where(t > 1, t, 1)), 0)
        loss = loss + Tensor._make(stirling.astype(loss._data.dtype))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    import math

    if (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    v = var.clamp_min(eps)
    loss = 0.5 * (v.log() + (input - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    from ...ops.pointwise import where

    margin_part = (margin - input).clamp_min(0)
    loss = where(target == 1, input, 0.0) + where(target == -1, margin_part, 0.0)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    from .activation import softplus

    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    from .activation import logsigmoid

    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.mean(-1)
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    from ...ops.pointwise import where

    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12
    dot = (input1 * input2).sum(-1)
    n1 = (input1 * input1).sum(-1) + eps
    n2 = (input2 * input2).sum(-1) + eps
    cos = dot / (n1 * n2).sqrt()
    loss = where(target == 1, 1 - cos, 0.0) + where(target == -1, (cos - margin).clamp_min(0),
                                                     0.0)
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    x = input if input.ndim == 2 else input.unsqueeze(0)
    t = target._data.reshape(-1)
    n, c = x.shape
    picked = x[np.arange(n), t].unsqueeze(1)
    terms = (margin - picked + x).clamp_min(0)
    if p == 2:
        terms = terms * terms
    if weight is not None:
        terms = terms * weight[t].unsqueeze(1)
    mask = np.ones((n, c), x._data.dtype)
    mask[np.arange(n), t] = 0
    loss = (terms * Tensor._make(mask)).sum(1) / c
    if input.ndim == 1:
        loss = loss.squeeze(0)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    from .distance import pairwise_distance

    reduction = _reduction(size_average, reduce, reduction)
    d_ap = pairwise_distance(anchor, positive, p, eps)
    d_an = pairwise_distance(anchor, negative, p, eps)
    if swap:
        from ...ops.pointwise import minimum

        d_an = minimum(d_an, pairwise_distance(positive, negative, p, eps))
    return _reduce((d_ap - d_an + margin).clamp_min(0), reduction)
