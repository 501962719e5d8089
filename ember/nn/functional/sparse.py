"""``F.embedding`` (with padding_idx and max_norm) and ``F.one_hot``."""

from __future__ import annotations

import numpy as np

from ...autograd.node import Op
from ...tensor import Tensor


class Embedding(Op):
    """Rows of ``weight`` at ``indices``; the gradient rows at ``padding_idx`` stay zero."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.indices, ctx.padding_idx, ctx.n = indices, padding_idx, weight.shape[0]
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        return EmbeddingAdjoint.apply(grad, ctx.indices, ctx.n, ctx.padding_idx), None, None


class EmbeddingAdjoint(Op):
    """Sum gradient rows into a (num_embeddings, dim) table (row padding_idx left at zero)."""

    _name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, g, indices, n, padding_idx):
        ctx.indices, ctx.padding_idx = indices, padding_idx
        dim = g.shape[-1]
        flat = indices.reshape(-1)
        gf = g.reshape(-1, dim)
        if padding_idx is not None:
            keep = flat != padding_idx
            flat, gf = flat[keep], gf[keep]
        out = np.zeros((n, dim), g.dtype)
        np.add.at(out, flat, gf)
        return out

    @staticmethod
    def backward(ctx, grad):
        return Embedding.apply(grad, ctx.indices, ctx.padding_idx), None, None, None


def _renorm_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place, the rows of ``weight`` that are looked up to norm <= max_norm."""
    rows = np.unique(indices)
    w = weight._data
    norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[rows] = (w[rows] * scale[:, None]).astype(w.dtype)
    if weight._ver is not None:
        weight._ver[0] += 1


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` for the integer indices in ``input``."""
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            "embedding)"
        )
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "F.embedding: scale_grad_by_freq and sparse gradients are not supported by Ember"
        )
    if max_norm is not None:
        _renorm_(weight, idx, max_norm, norm_type)
    return Embedding.apply(weight, idx.astype(np.int64, copy=False), padding_idx)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """(*) int64 class indices -> (*, num_classes) int64 one-hot."""
    a = tensor._data
    if a.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(a.max()) + 1 if a.size else 0
    if a.size and (a.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(a.shape + (num_classes,), np.int64)
    np.put_along_axis(out, a[..., None], 1, axis=-1)
    return Tensor._make(out)
