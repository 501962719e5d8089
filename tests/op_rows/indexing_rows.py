"""Rows for indexing: ``t[key]`` with every kind of key, ``t[key] = v`` and the gather/scatter
family. These ops are linear in the values they move, so differentiable rows check order 2."""

import numpy as np

from tests.oracle import Arg, Row


def _i(shape, high, low=0):
    return Arg(shape, "int64", low=low, high=high, grad=False)


def _m(shape):
    return Arg(shape, "bool")


def _set(key, value_fn=None):
    """``y = x * 1; y[key] = v`` (v from the other inputs), returning y."""

    def fn(L, x, *rest):
        y = x * 1
        y[key(L, *rest)] = value_fn(L, *rest) if value_fn else 2.5
        return y

    return fn


ROWS = [
    # ---- basic keys: views ----------------------------------------------------------------
    Row("idx_int", lambda L, a: a[1], [(3, 4)]),
    Row("idx_neg_int", lambda L, a: a[-1, -2], [(3, 4)]),
    Row("idx_slice_step", lambda L, a: a[1::2, ::3], [(5, 7)]),
    Row("idx_slice_clamp", lambda L, a: a[1:100, -100:2], [(3, 4)]),
    Row("idx_ellipsis", lambda L, a: a[..., 1], [(2, 3, 4)]),
    Row("idx_ellipsis_mid", lambda L, a: a[0, ..., 1:], [(2, 3, 4, 5)]),
    Row("idx_none", lambda L, a: a[None, :, None, 1], [(3, 4)]),
    Row("idx_all_ints_0d", lambda L, a: a[1, 2, 0], [(2, 3, 4)]),
    Row("idx_tensor_0d_int", lambda L, a, i: a[i[0]], [(3, 4), _i((1,), 3)]),
    Row("idx_empty_slice", lambda L, a: a[2:1], [(3, 4)]),
    Row("idx_alias", lambda L, a: a[...], [(3, 4)]),
    # ---- advanced keys: copies ------------------------------------------------------------
    Row("idx_int_tensor", lambda L, a, i: a[i], [(5, 3), _i((4,), 5)]),
    Row("idx_int_tensor_neg", lambda L, a, i: a[i], [(5, 3), _i((6,), 5, low=-5)]),
    Row("idx_int_tensor_2d", lambda L, a, i: a[i], [(5, 3), _i((2, 3), 5)]),
    Row("idx_int_tensor_dim1", lambda L, a, i: a[:, i], [(2, 5, 3), _i((7,), 5)]),
    Row("idx_int_list", lambda L, a: a[[0, 2, 2, -1]], [(4, 3)]),
    Row("idx_list_tuple_rule", lambda L, a: a[(0, [1, 2])], [(4, 3)]),
    Row("idx_two_broadcast", lambda L, a, i, j: a[i, j], [(4, 5), _i((3, 1), 4), _i((2,), 5)]),
    Row("idx_adjacent_mid", lambda L, a, i, j: a[:, i, j], [(2, 4, 5, 3), _i((3,), 4),
                                                            _i((3,), 5)]),
    Row("idx_separated", lambda L, a, i, j: a[i, :, j], [(4, 2, 5), _i((3,), 4), _i((3,), 5)]),
    Row("idx_int_and_tensor", lambda L, a, i: a[1, :, i], [(3, 4, 5), _i((2,), 5)]),
    Row("idx_none_between", lambda L, a, i, j: a[i, None, j], [(4, 5, 2), _i((3,), 4),
                                                               _i((3,), 5)]),
    Row("idx_slice_then_adv", lambda L, a, i: a[1:, i], [(4, 5), _i((6,), 5)]),
    Row("idx_repeat_heavy", lambda L, a, i: a[i], [(3, 40), _i((50,), 3)]),
    Row("idx_repeat_narrow", lambda L, a, i: a[i], [(3, 2), _i((50,), 3)]),
    Row("idx_mask", lambda L, a, m: a[m], [(3, 4), _m((3, 4))]),
    Row("idx_mask_rows", lambda L, a, m: a[m], [(4, 3), _m((4,))]),
    Row("idx_mask_dim1", lambda L, a, m: a[:, m], [(2, 4, 3), _m((4,))]),
    Row("idx_mask_and_int", lambda L, a, m, i: a[m, i], [(4, 3), _m((4,)), _i((1,), 3)]),
    Row("idx_mask_list", lambda L, a: a[[True, False, True]], [(3, 2)]),
    Row("idx_bool_true", lambda L, a: a[True], [(3, 2)]),
    Row("idx_bool_false", lambda L, a: a[False], [(3, 2)]),
    Row("idx_bool_mid", lambda L, a: a[:, True], [(3, 2)]),
    Row("idx_int_dtype_out", lambda L, a, i: a[i], [_i((4, 3), 9), _i((2,), 4)], order=0),
    Row("idx_empty_index", lambda L, a, i: a[i], [(4, 3), _i((0,), 4)]),
    # ---- setitem --------------------------------------------------------------------------
    Row("idx_set_scalar", _set(lambda L: 1), [(3, 4)]),
    Row("idx_set_slice_tensor", _set(lambda L, v: (slice(None), 1), lambda L, v: v),
        [(3, 4), (3,)]),
    Row("idx_set_broadcast", _set(lambda L, v: slice(0, 2), lambda L, v: v), [(3, 4), (4,)]),
    Row("idx_set_leading_ones", _set(lambda L, v: 0, lambda L, v: v), [(3, 4), (1, 1, 4)]),
    Row("idx_set_adv", _set(lambda L, i, v: i, lambda L, i, v: v),
        [(5, 3), Arg((2,), "int64", grad=False, low=0, high=5, unique=True), (2, 3)]),
    Row("idx_set_adv_bcast", _set(lambda L, i, v: (i, 1), lambda L, i, v: v),
        [(5, 3), Arg((3,), "int64", grad=False, low=0, high=5), (1,)]),
    Row("idx_set_mask", _set(lambda L, m: m), [(3, 4), _m((3, 4))]),
    Row("idx_set_mask_tensor", _set(lambda L, m, v: m, lambda L, m, v: v), [(3, 4), _m((3, 4)),
                                                                            ()]),
    Row("idx_set_slice_adv", _set(lambda L, i, v: (slice(1, None), i), lambda L, i, v: v),
        [(4, 5), _i((1,), 5), (3, 1)]),
    Row("idx_set_ellipsis", _set(lambda L, v: Ellipsis, lambda L, v: v), [(3, 4), (4,)]),
    Row("idx_set_int_trunc", lambda L, a: _int_set(L, a), [(3, 4)], order=0),
    Row("idx_set_promote_value", _set(lambda L, v: 0, lambda L, v: v.double()), [(3, 4), (4,)]),
    Row("idx_setview_chain", lambda L, a, v: _chain_set(L, a, v), [(3, 4), ()]),
    # ---- in-place ops on views (CopySlices) -----------------------------------------------
    Row("idx_view_iadd", lambda L, a: _view_op(L, a, lambda y: y[0].add_(1)), [(3, 4)]),
    Row("idx_view_mul_col", lambda L, a, w: _view_op(L, a, lambda y: y[:, 0].mul_(w)),
        [(3, 4), (3,)]),
    Row("idx_view_t_zero", lambda L, a: _view_op(L, a, lambda y: y.t()[0].mul_(0)), [(3, 4)]),
    Row("idx_view_into_const", lambda L, a: _const_base(L, a), [(4,)]),
    # ---- functions ------------------------------------------------------------------------
    Row("idx_index_select", lambda L, a, i: L.index_select(a, 1, i), [(3, 5), _i((4,), 5)]),
    Row("idx_index_select_0d", lambda L, a, i: a.index_select(0, i[0]), [(4, 2), _i((1,), 4)]),
    Row("idx_index_select_i32", lambda L, a, i: a.index_select(0, i.int()), [(4, 2),
                                                                            _i((6,), 4)]),
    Row("idx_masked_select", lambda L, a, m: L.masked_select(a, m), [(3, 4), _m((3, 4))]),
    Row("idx_masked_select_bc", lambda L, a, m: a.masked_select(m), [(3, 1), _m((2, 3, 4))]),
    Row("idx_masked_fill", lambda L, a, m: L.masked_fill(a, m, -1.5), [(3, 4), _m((3, 4))]),
    Row("idx_masked_fill_bc", lambda L, a, m: a.masked_fill(m, 2), [(3, 4), _m((4,))]),
    Row("idx_masked_fill_tensor", lambda L, a, m, v: a.masked_fill(m, v), [(3, 4), _m((3, 4)),
                                                                           ()]),
    Row("idx_masked_fill_int", lambda L, a, m: a.masked_fill(m, 2.7), [_i((3, 4), 9),
                                                                       _m((3, 4))], order=0),
    Row("idx_masked_fill_", lambda L, a, m: (a * 1).masked_fill_(m, 0.5), [(3, 4), _m((3, 4))]),
    Row("idx_masked_scatter", lambda L, a, m, s: a.masked_scatter(m, s), [(3, 4), _m((3, 4)),
                                                                          (13,)]),
    Row("idx_take", lambda L, a, i: L.take(a, i), [(3, 4), _i((2, 5), 12, low=-12)]),
    Row("idx_take_along_dim", lambda L, a, i: L.take_along_dim(a, i, dim=1),
        [(3, 4), _i((3, 6), 4, low=-4)]),
    Row("idx_take_along_bcast", lambda L, a, i: L.take_along_dim(a, i, 0),
        [(3, 4), _i((2, 1), 3)]),
    Row("idx_take_along_flat", lambda L, a, i: L.take_along_dim(a, i), [(3, 4), _i((5,), 12)]),
    Row("idx_gather", lambda L, a, i: L.gather(a, 1, i), [(3, 4), _i((3, 6), 4)]),
    Row("idx_gather_small", lambda L, a, i: a.gather(0, i), [(4, 5), _i((2, 3), 4)]),
    Row("idx_gather_3d", lambda L, a, i: a.gather(-1, i), [(2, 3, 4), _i((2, 3, 2), 4)]),
    Row("idx_scatter_src", lambda L, a, i, s: L.scatter(a, 0, i, s),
        [(3, 4), Arg((1, 4), "int64", grad=False, low=0, high=3), (1, 4)]),
    # PyTorch's own backward fails when src is larger than index: forward only
    Row("idx_scatter_src_big", lambda L, a, i, s: L.scatter(a, 0, i, s),
        [(3, 4), Arg((1, 4), "int64", grad=False, low=0, high=3), (2, 5)], order=0),
    Row("idx_scatter_value", lambda L, a, i: a.scatter(1, i, -2.0), [(3, 4), _i((3, 2), 4)]),
    Row("idx_scatter_", lambda L, a, i, s: (a * 1).scatter_(1, i, s),
        [(3, 4), Arg((3, 1), "int64", grad=False, low=0, high=4), (3, 1)]),
    Row("idx_scatter_reduce_add", lambda L, a, i, s: a.scatter(0, i, s, reduce="add"),
        [(3, 4), _i((5, 4), 3), (5, 4)], order=0),
    Row("idx_scatter_reduce_mul", lambda L, a, i: a.scatter(0, i, 2.0, reduce="multiply"),
        [(3, 4), _i((5, 4), 3)], order=0),
    Row("idx_scatter_add", lambda L, a, i, s: L.scatter_add(a, 0, i, s),
        [(3, 4), _i((5, 4), 3), (5, 4)]),
    Row("idx_scatter_add_big_src", lambda L, a, i, s: L.scatter_add(a, 0, i, s),
        [(3, 4), _i((5, 3), 3), (6, 4)], order=0),
    Row("idx_scatter_add_", lambda L, a, i, s: (a * 1).scatter_add_(1, i, s),
        [(3, 4), _i((3, 7), 4), (3, 7)]),
    Row("idx_scatter_reduce_sum", lambda L, a, i, s: a.scatter_reduce(0, i, s, "sum"),
        [(3, 4), _i((5, 4), 3), (5, 4)]),
    Row("idx_scatter_reduce_sum_ex", lambda L, a, i, s: a.scatter_reduce(
        0, i, s, "sum", include_self=False), [(3, 4), _i((2, 4), 3), (2, 4)]),
    Row("idx_scatter_reduce_mean", lambda L, a, i, s: a.scatter_reduce(0, i, s, "mean"),
        [(3, 4), _i((5, 4), 3), (5, 4)]),
    Row("idx_scatter_reduce_mean_ex", lambda L, a, i, s: a.scatter_reduce(
        0, i, s, "mean", include_self=False), [(3, 4), _i((2, 4), 3), (2, 4)]),
    Row("idx_scatter_reduce_amax", lambda L, a, i, s: a.scatter_reduce(1, i, s, "amax"),
        [Arg((3, 4), unique=True), _i((3, 5), 4), Arg((3, 5), unique=True)], order=1),
    Row("idx_scatter_reduce_amin_ex", lambda L, a, i, s: a.scatter_reduce(
        1, i, s, "amin", include_self=False),
        [Arg((3, 4), unique=True), _i((3, 5), 4), Arg((3, 5), unique=True)], order=1),
    Row("idx_scatter_reduce_amax_ties", lambda L, a, i, s: a.scatter_reduce(0, i, s, "amax"),
        [np.ones((2, 3)), _i((3, 3), 2), np.ones((3, 3))], order=1),
    Row("idx_scatter_reduce_prod", lambda L, a, i, s: a.scatter_reduce(0, i, s, "prod"),
        [(3, 4), _i((5, 4), 3), (5, 4)], order=0),
    Row("idx_index_add", lambda L, a, i, s: L.index_add(a, 0, i, s), [(4, 3), _i((6,), 4),
                                                                      (6, 3)]),
    Row("idx_index_add_alpha", lambda L, a, i, s: a.index_add(1, i, s, alpha=-2.0),
        [(2, 4, 3), _i((5,), 4), (2, 5, 3)]),
    Row("idx_index_add_wide", lambda L, a, i, s: a.index_add(0, i, s), [(3, 40), _i((9,), 3),
                                                                        (9, 40)]),
    Row("idx_index_add_int", lambda L, a, i, s: a.index_add(0, i, s),
        [_i((3, 2), 9), _i((4,), 3), _i((4, 2), 9)], order=0),
    Row("idx_index_add_", lambda L, a, i, s: (a * 1).index_add_(0, i, s),
        [(4, 3), _i((6,), 4), (6, 3)]),
    Row("idx_index_copy", lambda L, a, i, s: L.index_copy(a, 1, i, s),
        [(3, 5), Arg((2,), "int64", low=0, high=5, grad=False, unique=True), (3, 2)]),
    Row("idx_index_copy_", lambda L, a, i, s: (a * 1).index_copy_(0, i, s),
        [(4, 2), Arg((3,), "int64", low=0, high=4, grad=False, unique=True), (3, 2)]),
    Row("idx_index_fill", lambda L, a, i: L.index_fill(a, 1, i, -1.0), [(3, 5), _i((3,), 5)]),
    Row("idx_index_fill_neg", lambda L, a, i: a.index_fill(0, i, 3), [(3, 5), _i((2,), 0, -3)]),
    Row("idx_index_fill_tensor", lambda L, a, i, v: a.index_fill(1, i, v),
        [(3, 5), _i((3,), 5), ()]),
    Row("idx_index_fill_", lambda L, a, i: (a * 1).index_fill_(0, i, 2.0), [(3, 5),
                                                                           _i((2,), 3)]),
    Row("idx_index_put", lambda L, a, i, v: L.index_put(a, (i,), v),
        [(5, 3), Arg((2,), "int64", low=0, high=5, grad=False, unique=True), (3,)]),
    Row("idx_index_put_acc", lambda L, a, i, j, v: a.index_put((i, j), v, accumulate=True),
        [(4, 3), _i((6,), 4), _i((6,), 3), (6,)]),
    Row("idx_index_put_mask", lambda L, a, m, v: a.index_put((m,), v), [(3, 4), _m((3, 4)),
                                                                        ()]),
    Row("idx_index_put_", lambda L, a, i, v: (a * 1).index_put_([i], v, accumulate=True),
        [(4, 3), _i((5,), 4), (5, 3)]),
    Row("idx_put", lambda L, a, i, s: L.put(a, i, s),
        [(3, 4), Arg((4,), "int64", low=-12, high=0, grad=False, unique=True), (2, 2)]),
    Row("idx_put_acc", lambda L, a, i, s: a.put(i, s, accumulate=True),
        [(3, 4), _i((9,), 12), (9,)]),
    Row("idx_put_", lambda L, a, i, s: (a * 1).put_(i, s, True), [(3, 4), _i((9,), 12), (9,)]),
    Row("idx_nonzero", lambda L, a: L.nonzero(a), [_i((3, 4), 2)], order=0),
    Row("idx_nonzero_tuple", lambda L, a: L.nonzero(a, as_tuple=True), [_i((3, 4), 2)],
        order=0),
    Row("idx_nonzero_0d", lambda L, a: (a.nonzero(), a.nonzero(as_tuple=True)), [_i((), 2)],
        order=0),
    Row("idx_nonzero_float", lambda L, a: (a > 0).float().nonzero(), [(3, 4)], order=0),
    Row("idx_argwhere", lambda L, a: L.argwhere(a), [_m((2, 3, 2))], order=0),
    Row("idx_where_one_arg", lambda L, a: L.where(a), [_m((3, 4))], order=0),
]


def _int_set(L, a):
    y = (a * 10).long()
    y[0] = -2.7
    y[1, :2] = L.tensor([3.9, -3.9])
    y[2] = True
    return y


def _chain_set(L, a, v):
    """Writes through a view of a view: the outer view's graph must follow the base."""
    y = a * 1
    z = y[1:]
    z[0, 1] = v
    return y, z * 1


def _view_op(L, a, op):
    y = a * 1
    op(y)
    return y


def _const_base(L, a):
    """A write of a tensor that requires grad into a view of one that does not."""
    y = L.zeros(3, 4, dtype=a.dtype)
    y[1].mul_(0).add_(a)
    return y
