"""Rows for interpolate, pixel/channel shuffle and scaled dot-product attention."""

import numpy as np

from tests.oracle import Row


def F(L):
    return L.nn.functional


ROWS = [
    Row("nn_interp_nearest", lambda L, x: F(L).interpolate(x, scale_factor=2), [(1, 2, 3, 4)]),
    Row("nn_interp_nearest_size", lambda L, x: F(L).interpolate(x, size=(5, 3)), [(2, 1, 4, 6)]),
    Row("nn_interp_nearest_exact", lambda L, x: F(L).interpolate(x, size=7, mode="nearest-exact"),
        [(1, 2, 5)]),
    Row("nn_interp_linear", lambda L, x: F(L).interpolate(x, size=7, mode="linear"),
        [(1, 2, 5)]),
    Row("nn_interp_bilinear", lambda L, x: F(L).interpolate(x, size=(5, 7), mode="bilinear"),
        [(2, 2, 3, 4)]),
    Row("nn_interp_bilinear_ac", lambda L, x: F(L).interpolate(
        x, scale_factor=1.5, mode="bilinear", align_corners=True), [(1, 2, 4, 4)]),
    Row("nn_interp_bilinear_down", lambda L, x: F(L).interpolate(x, size=(3, 2),
                                                                 mode="bilinear"),
        [(1, 1, 7, 5)]),
    Row("nn_interp_trilinear", lambda L, x: F(L).interpolate(x, scale_factor=2,
                                                             mode="trilinear"),
        [(1, 1, 2, 3, 2)]),
    Row("nn_interp_area", lambda L, x: F(L).interpolate(x, size=(2, 3), mode="area"),
        [(1, 2, 5, 7)]),
    Row("nn_pixel_shuffle", lambda L, x: F(L).pixel_shuffle(x, 2), [(2, 8, 3, 3)]),
    Row("nn_pixel_unshuffle", lambda L, x: F(L).pixel_unshuffle(x, 2), [(2, 2, 4, 6)]),
    Row("nn_channel_shuffle", lambda L, x: F(L).channel_shuffle(x, 2), [(2, 6, 2, 2)],
        dtypes=("float32",), order=1),
    Row("nn_sdpa", lambda L, q, k, v: F(L).scaled_dot_product_attention(q, k, v),
        [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 4)]),
    Row("nn_sdpa_causal", lambda L, q, k, v: F(L).scaled_dot_product_attention(
        q, k, v, is_causal=True, scale=0.3), [(2, 4, 3), (2, 4, 3), (2, 4, 3)]),
    Row("nn_sdpa_bool_mask", lambda L, q, k, v, m: F(L).scaled_dot_product_attention(
        q, k, v, attn_mask=m), [(2, 3, 4), (2, 5, 4), (2, 5, 4),
                                np.array([[True, False, True, True, False]] * 3)]),
]
