"""Rows for linear, softmax family, embedding and the losses built so far."""

import numpy as np

from tests.oracle import Arg, Row


def F(L):
    return L.nn.functional


def T(n, c):
    return Arg((n,), "int64", low=0, high=c, grad=False)


ROWS = [
    Row("nn_linear", lambda L, x, w, b: F(L).linear(x, w, b), [(4, 3), (5, 3), (5,)]),
    Row("nn_linear_3d_nobias", lambda L, x, w: F(L).linear(x, w), [(2, 4, 3), (5, 3)]),
    Row("nn_linear_1d", lambda L, x, w, b: F(L).linear(x, w, b), [(3,), (5, 3), (5,)]),
    Row("nn_softmax", lambda L, x: F(L).softmax(x, dim=1), [(3, 4, 2)]),
    Row("nn_log_softmax", lambda L, x: F(L).log_softmax(x, -1), [(3, 5)]),
    Row("nn_log_softmax_f64", lambda L, x: F(L).log_softmax(x, 0, dtype=L.float64), [(4, 2)]),
    Row("nn_softmin", lambda L, x: F(L).softmin(x, 0), [(4, 3)]),
    Row("nn_nll_loss", lambda L, x, t: F(L).nll_loss(x, t), [(5, 4), T(5, 4)]),
    Row("nn_nll_loss_weight_ignore", lambda L, x, t, w: F(L).nll_loss(
        x, t, weight=w, ignore_index=2), [(6, 4), T(6, 4), Arg((4,), low=0.1, high=2, grad=False)]),
    Row("nn_nll_loss_none_2d", lambda L, x, t: F(L).nll_loss(x, t, reduction="none"),
        [(2, 3, 4, 2), Arg((2, 4, 2), "int64", high=3, grad=False)]),
    Row("nn_cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t), [(5, 4), T(5, 4)]),
    Row("nn_cross_entropy_sum_smooth", lambda L, x, t: F(L).cross_entropy(
        x, t, reduction="sum", label_smoothing=0.1), [(5, 4), T(5, 4)]),
    Row("nn_cross_entropy_mean_smooth_w", lambda L, x, t, w: F(L).cross_entropy(
        x, t, weight=w, label_smoothing=0.2, ignore_index=1),
        [(6, 3), T(6, 3), Arg((3,), low=0.5, high=2, grad=False)]),
    Row("nn_cross_entropy_probs", lambda L, x, t: F(L).cross_entropy(x, t),
        [(4, 3), Arg((4, 3), low=0.1, high=1.0, grad=False)]),
    Row("nn_cross_entropy_unbatched", lambda L, x, t: F(L).cross_entropy(x, t[0]),
        [(4,), T(1, 4)]),
    Row("nn_mse_loss", lambda L, x, y: F(L).mse_loss(x, y), [(3, 4), (3, 4)]),
    Row("nn_mse_loss_sum", lambda L, x, y: F(L).mse_loss(x, y, reduction="sum"), [(3, 4), (3, 4)]),
    Row("nn_embedding", lambda L, w, i: F(L).embedding(i, w), [(6, 3), Arg((2, 4), "int64",
                                                                          high=6, grad=False)]),
    Row("nn_embedding_pad", lambda L, w, i: F(L).embedding(i, w, padding_idx=1),
        [(5, 2), np.array([[1, 2, 1], [0, 4, 1]])]),
    Row("nn_one_hot", lambda L, i: F(L).one_hot(i, 5), [Arg((2, 3), "int64", high=5)], order=0),
]
