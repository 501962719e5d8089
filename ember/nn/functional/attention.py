"""Attention: ``scaled_dot_product_attention`` and ``multi_head_attention_forward``."""

from __future__ import annotations

import math

import numpy as np

from ...tensor import Tensor
from .dropout import dropout
from .linear import linear
from .softmax import softmax


def _mask_to_additive(mask: Tensor | None, dtype) -> Tensor | None:
    """Boolean masks (True = keep for SDPA) become 0 / -inf additive masks."""
    if mask is None:
        return None
    if mask.dtype.name == "bool":
        return Tensor._make(np.where(mask._data, 0.0, -np.inf).astype(dtype))
    return mask


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q K^T * scale + mask) V over the last two dims (batched over the rest)."""
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.shape[-3] != key.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, -3)
        value = value.repeat_interleave(rep, -3)
    scores = (query @ key.transpose(-2, -1)) * scale
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        causal = np.tril(np.ones((L, S), bool))
        scores = scores + Tensor._make(np.where(causal, 0.0, -np.inf).astype(
            scores._data.dtype))
    elif attn_mask is not None:
        scores = scores + _mask_to_additive(attn_mask, scores._data.dtype)
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def multi_head_attention_forward(query, key, value, num_heads: int, in_proj_weight,
                                 in_proj_bias, out_proj_weight, out_proj_bias,
                                 key_padding_mask=None, need_weights: bool = True,
                                 attn_mask=None, dropout_p: float = 0.0, training: bool = True,
                                 average_attn_weights: bool = True, is_causal: bool = False,
                                 q_proj_weight=None, k_proj_weight=None, v_proj_weight=None,
                                 bias_k=None, bias_v=None):
    """Multi-head attention on (L, N, E) inputs; returns (output, weights or None)."""
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if q_proj_weight is None:
        w_q, w_k, w_v = in_proj_weight.chunk(3, 0)
    else:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    b_q = b_k = b_v = None
    if in_proj_bias is not None:
        b_q, b_k, b_v = in_proj_bias.chunk(3, 0)
    q = linear(query, w_q, b_q)
    k = linear(key, w_k, b_k)
    v = linear(value, w_v, b_v)
    if bias_k is not None:
        from ...ops.shape import cat

        k = cat([k, bias_k.reshape(1, 1, -1).expand(1, bsz, embed_dim)], 0)
        v = cat([v, bias_v.reshape(1, 1, -1).expand(1, bsz, embed_dim)], 0)
        src_len += 1
    # (L, N, E) -> (N, heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(src_len, bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(src_len, bsz * num_heads, head_dim).transpose(0, 1)
    dtype = q._data.dtype
    mask = np.zeros((bsz * num_heads, tgt_len, src_len), dtype)
    if is_causal and attn_mask is None:
        mask += np.where(np.tril(np.ones((tgt_len, src_len), bool)), 0, -np.inf).astype(dtype)
    if attn_mask is not None:
        am = attn_mask._data
        am = np.where(am, -np.inf, 0.0).astype(dtype) if am.dtype == np.bool_ else am
        mask = mask + (am if am.ndim == 3 else am[None])
    if key_padding_mask is not None:
        kp = key_padding_mask._data
        kp = np.where(kp, -np.inf, 0.0).astype(dtype) if kp.dtype == np.bool_ else kp
        if bias_k is not None:
            kp = np.pad(kp, ((0, 0), (0, 1)))
        mask = mask + np.repeat(kp[:, None, :], num_heads, 0).reshape(bsz * num_heads, 1,
                                                                       src_len)
    scores = (q * (1.0 / math.sqrt(head_dim))) @ k.transpose(1, 2)
    if mask.any():
        scores = scores + Tensor._make(mask)
    weights = softmax(scores, -1)
    if dropout_p > 0.0 and training:
        weights = dropout(weights, dropout_p, True)
    out = (weights @ v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if not need_weights:
        return out, None
    w = weights.reshape(bsz, num_heads, tgt_len, src_len)
    return out, (w.mean(1) if average_attn_weights else w)
