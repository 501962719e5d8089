"""Rows for pooling (ember.nn.functional vs torch.nn.functional)."""

from tests.oracle import Arg, Row


def F(L):
    return L.nn.functional


U = dict(unique=True)  # distinct values: no ties in max pooling

ROWS = [
    Row("nn_max_pool2d", lambda L, x: F(L).max_pool2d(x, 2), [Arg((2, 3, 6, 6), **U)], order=1),
    Row("nn_max_pool2d_ceil_pad", lambda L, x: F(L).max_pool2d(
        x, 3, stride=2, padding=1, ceil_mode=True), [Arg((1, 2, 7, 8), **U)], order=1),
    Row("nn_max_pool2d_dilation_idx", lambda L, x: F(L).max_pool2d(
        x, (2, 3), stride=1, dilation=2, return_indices=True), [Arg((2, 2, 7, 8), **U)],
        order=1),
    Row("nn_max_pool1d", lambda L, x: F(L).max_pool1d(x, 3, stride=2, padding=1),
        [Arg((2, 3, 9), **U)], order=1),
    Row("nn_max_pool2d_unbatched", lambda L, x: F(L).max_pool2d(x, 2), [Arg((3, 4, 4), **U)],
        order=1),
    Row("nn_max_pool3d", lambda L, x: F(L).max_pool3d(x, 2), [Arg((1, 2, 4, 4, 4), **U)],
        order=1),
    Row("nn_avg_pool2d", lambda L, x: F(L).avg_pool2d(x, 2), [(2, 3, 6, 6)]),
    Row("nn_avg_pool2d_pad_ceil", lambda L, x: F(L).avg_pool2d(
        x, 3, stride=2, padding=1, ceil_mode=True), [(1, 2, 7, 8)]),
    Row("nn_avg_pool2d_no_pad_count", lambda L, x: F(L).avg_pool2d(
        x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [(1, 2, 7, 8)]),
    Row("nn_avg_pool2d_divisor", lambda L, x: F(L).avg_pool2d(x, 2, divisor_override=3),
        [(1, 2, 4, 4)]),
    Row("nn_avg_pool1d", lambda L, x: F(L).avg_pool1d(x, 4, stride=3, padding=2), [(2, 3, 10)]),
    Row("nn_adaptive_avg_pool2d", lambda L, x: F(L).adaptive_avg_pool2d(x, (3, 2)),
        [(2, 3, 7, 5)]),
    Row("nn_adaptive_avg_pool2d_1", lambda L, x: F(L).adaptive_avg_pool2d(x, 1), [(2, 3, 4, 4)]),
    Row("nn_adaptive_avg_pool1d", lambda L, x: F(L).adaptive_avg_pool1d(x, 4), [(2, 3, 10)]),
    Row("nn_adaptive_max_pool2d", lambda L, x: F(L).adaptive_max_pool2d(
        x, (2, 3), return_indices=True), [Arg((2, 2, 5, 7), **U)], order=1),
    Row("nn_max_unpool2d", lambda L, x: F(L).max_unpool2d(
        *F(L).max_pool2d(x, 2, return_indices=True), 2), [Arg((1, 2, 4, 6), **U)], order=1),
]
