"""Rows for the fused nn fast paths: training batch_norm (one node), stride-1 convolutions in
the flat padded layout (inputs big enough to take it), transposed convolution with
output_padding, and overlapping max pooling."""

import numpy as np

from tests.oracle import Arg, Row


def F(L):
    return L.nn.functional


U = dict(unique=True)

ROWS = [
    Row("nn_perf_batch_norm_train", lambda L, x, w, b: F(L).batch_norm(
        x, None, None, w, b, training=True), [(4, 3, 5, 5), (3,), (3,)]),
    Row("nn_perf_batch_norm_train_1d", lambda L, x: F(L).batch_norm(
        x, None, None, training=True, eps=1e-3), [(6, 4)]),
    Row("nn_perf_batch_norm_train_3d", lambda L, x, w: F(L).batch_norm(
        x, None, None, w, None, training=True), [(3, 2, 7), (2,)]),
    Row("nn_perf_conv2d_flat", lambda L, x, w, b: F(L).conv2d(x, w, b, padding=1),
        [(2, 3, 8, 8), (4, 3, 3, 3), (4,)]),
    Row("nn_perf_conv2d_flat_dil_groups", lambda L, x, w: F(L).conv2d(
        x, w, padding=2, dilation=2, groups=2), [(2, 4, 16, 16), (6, 2, 3, 3)]),
    Row("nn_perf_conv1d_flat", lambda L, x, w: F(L).conv1d(x, w, padding=1),
        [(2, 3, 12), (2, 3, 3)]),
    Row("nn_perf_conv_transpose2d_outpad_dil", lambda L, x, w: F(L).conv_transpose2d(
        x, w, padding=1, dilation=2, output_padding=1), [(2, 3, 5, 4), (3, 2, 3, 3)]),
    Row("nn_perf_max_pool2d_overlap", lambda L, x: F(L).max_pool2d(x, 3, 2, 1),
        [Arg((2, 3, 7, 9), **U)], order=1),
    # ties (relu-like zeros): the first offset in scan order wins, in values, indices, grads
    Row("nn_perf_max_pool2d_ties", lambda L, x: F(L).max_pool2d(x, 2, return_indices=True)[1],
        [np.random.default_rng(0).integers(0, 2, (2, 3, 6, 6)).astype(np.float64)], order=0),
    Row("nn_perf_max_pool2d_ties_grad", lambda L, x: F(L).max_pool2d(x, 2) * 1.5,
        [np.random.default_rng(1).integers(0, 2, (2, 3, 6, 6)).astype(np.float64)], order=1),
]
