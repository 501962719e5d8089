"""Indexing beyond the oracle table: errors, grad_fn names, in-place writes into views
(CopySlices), version counters, the fast scatter-add paths. Every expectation comes from torch."""

import warnings

import numpy as np
import pytest

import ember
from ember.ops import indexing

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _run(lib, fn):
    """``fn(lib)``, or the (class, message) of what it raised, with the library name neutral."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(lib)
        except Exception as e:  # noqa: BLE001 - comparing the exception itself
            return type(e), str(e).replace("torch.", "ember.")


def _same_error(fn):
    got, want = _run(ember, fn), _run(torch, fn)
    assert isinstance(want, tuple), "torch did not raise"
    assert got == want


def _x(L):
    return L.arange(60.0).reshape(3, 4, 5)


def _i(L, *v):
    return L.tensor(list(v))


ERRORS = {
    "int_oob": lambda L: _x(L)[5],
    "int_oob_dim1": lambda L: _x(L)[:, 5],
    "int_oob_after_none": lambda L: _x(L)[None, 5],
    "int_oob_neg": lambda L: _x(L)[-4],
    "too_many": lambda L: _x(L)[0, 0, 0, 0],
    "too_many_slices": lambda L: _x(L)[:, :, :, :],
    "neg_step": lambda L: _x(L)[::-1],
    "zero_step": lambda L: _x(L)[::0],
    "list_oob": lambda L: _x(L)[[5]],
    "adv_oob_dim_ordinal": lambda L: _x(L)[[0], :, [9]],
    "adv_oob_after_int": lambda L: _x(L)[1, [7]],
    "adv_oob_tuple_rule": lambda L: _x(L)[[[0, 1], [1, 5]]],
    "adv_oob_tensor": lambda L: _x(L)[L.tensor([[0, 1], [1, 5]])],
    "adv_broadcast": lambda L: _x(L)[[0, 1], [0, 1, 2]],
    "mask_shape": lambda L: _x(L)[L.tensor([True, False])],
    "mask_shape_2d": lambda L: _x(L)[L.ones(3, 5, dtype=L.bool)],
    "mask_shape_dim1": lambda L: _x(L)[:, L.ones(3, 5, dtype=L.bool)],
    "mask_too_many": lambda L: _x(L)[L.ones(3, 4, 5, 6, dtype=L.bool)],
    "float_index": lambda L: _x(L)[1.5],
    "float_tensor_index": lambda L: _x(L)[L.tensor([1.0])],
    "int8_tensor_index": lambda L: _x(L)[L.tensor([1], dtype=L.int8)],
    "tensor_0d_oob": lambda L: _x(L)[L.tensor(5)],
    "zero_dim_int": lambda L: L.tensor(3.0)[0],
    "zero_dim_slice": lambda L: L.tensor(3.0)[:],
    "zero_dim_list": lambda L: L.tensor(3.0)[[0]],
    "set_oob": lambda L: _x(L).__setitem__(5, 1.0),
    "set_neg_step": lambda L: _x(L).__setitem__(slice(None, None, -1), 1.0),
    "set_expand": lambda L: _x(L).__setitem__((0, 0), L.ones(3)),
    "set_adv_shape": lambda L: _x(L)[0].__setitem__([0, 1], L.ones(3)),
    "set_int_overflow": lambda L: L.zeros(3, dtype=L.int64).__setitem__(0, float("nan")),
    "set_int32_overflow": lambda L: L.zeros(3, dtype=L.int32).__setitem__(0, 2**40),
    "set_complex": lambda L: L.zeros(3).__setitem__(0, 1 + 1j),
    "set_leaf": lambda L: L.zeros(3, requires_grad=True).__setitem__([0], 1.0),
    "set_view_of_leaf": lambda L: L.zeros(3, requires_grad=True).__setitem__(0, 1.0),
    "inplace_view_of_leaf": lambda L: L.zeros(3, 2, requires_grad=True)[0].mul_(2),
    "index_select_dtype": lambda L: _x(L).index_select(0, L.tensor([0.0])),
    "index_select_oob": lambda L: _x(L).index_select(0, _i(L, 5)),
    "index_select_neg": lambda L: _x(L).index_select(1, _i(L, -1)),
    "index_select_2d": lambda L: _x(L).index_select(0, L.tensor([[1]])),
    "index_select_dim": lambda L: _x(L).index_select(3, _i(L, 0)),
    "masked_select_int": lambda L: _x(L).masked_select(L.ones(5, dtype=L.int32)),
    "masked_select_shape": lambda L: _x(L).masked_select(L.ones(2, 1, 5, dtype=L.bool)),
    "masked_fill_int": lambda L: _x(L).masked_fill(L.ones(5, dtype=L.int32), 1.0),
    "masked_fill_1d_value": lambda L: _x(L).masked_fill(L.ones(5, dtype=L.bool), L.ones(1)),
    "masked_fill_shape": lambda L: _x(L).masked_fill(L.ones(2, 5, dtype=L.bool), 1.0),
    "masked_fill_inplace_bc": lambda L: L.zeros(3).masked_fill_(L.ones(2, 3, dtype=L.bool), 1.0),
    "take_oob": lambda L: L.take(_x(L), _i(L, 60)),
    "take_int32": lambda L: L.take(_x(L), _i(L, 1).int()),
    "gather_oob": lambda L: _x(L)[0].gather(0, L.tensor([[0, 5]])),
    "gather_neg": lambda L: _x(L)[0].gather(1, L.tensor([[-1]])),
    "gather_dtype": lambda L: _x(L)[0].gather(0, L.tensor([[0.0]])),
    "gather_ndim": lambda L: _x(L)[0].gather(0, _i(L, 0, 1)),
    "gather_size": lambda L: _x(L)[0].gather(1, L.zeros(5, 1, dtype=L.int64)),
    "scatter_oob": lambda L: _x(L)[0].scatter(0, L.tensor([[0, 5]]), 2.0),
    "scatter_dtype": lambda L: _x(L)[0].scatter(0, L.tensor([[0.0]]), 1.0),
    "scatter_src_dtype": lambda L: _x(L)[0].scatter(0, L.tensor([[0]]), L.ones(1, 1).double()),
    "scatter_src_small": lambda L: _x(L)[0].scatter(0, L.tensor([[0, 1]]), L.ones(1, 1)),
    "scatter_bad_reduce": lambda L: _x(L)[0].scatter(0, L.tensor([[0]]), 2.0, reduce="mean"),
    "scatter_add_value": lambda L: _x(L)[0].scatter_add(0, L.tensor([[0]]), 1.0),
    "scatter_add_oob": lambda L: _x(L)[0].scatter_add(0, L.tensor([[9]]), L.ones(1, 1)),
    "scatter_reduce_name": lambda L: _x(L)[0].scatter_reduce(0, L.tensor([[0]]), L.ones(1, 1),
                                                             "foo"),
    "index_add_count": lambda L: _x(L)[0].index_add(0, _i(L, 0, 2), L.ones(3, 5)),
    "index_add_oob": lambda L: _x(L)[0].index_add(0, _i(L, 7, 0), L.ones(2, 5)),
    "index_add_dtype": lambda L: _x(L)[0].index_add(0, L.tensor([0.0]), L.ones(1, 5)),
    "index_add_src_dtype": lambda L: _x(L)[0].index_add(0, _i(L, 0), L.ones(1, 5).double()),
    "index_add_2d": lambda L: _x(L)[0].index_add(0, L.tensor([[0]]), L.ones(1, 5)),
    "index_copy_int32": lambda L: _x(L)[0].index_copy(0, _i(L, 0).int(), L.ones(1, 5)),
    "index_copy_oob": lambda L: _x(L)[0].index_copy(0, _i(L, 7), L.ones(1, 5)),
    "index_copy_2d": lambda L: _x(L)[0].index_copy(0, L.tensor([[0]]), L.ones(1, 5)),
    "index_fill_oob": lambda L: _x(L)[0].index_fill(1, _i(L, 9), 3.0),
    "index_fill_int32": lambda L: _x(L)[0].index_fill(1, _i(L, 1).int(), 3.0),
    "index_fill_2d": lambda L: _x(L)[0].index_fill(0, L.tensor([[0]]), 1.0),
    "index_put_dtype": lambda L: _x(L)[0].index_put((_i(L, 0),), L.ones(5).double()),
    "index_put_shape": lambda L: _x(L)[0].index_put((_i(L, 0, 1),), L.ones(3)),
    "index_put_oob": lambda L: _x(L)[0].index_put((_i(L, 5),), L.tensor(1.0)),
    "index_put_float_index": lambda L: _x(L)[0].index_put((L.tensor([0.0]),), L.tensor(1.0)),
    "index_put_value": lambda L: _x(L)[0].index_put((_i(L, 0),), 1.0),
    "put_oob": lambda L: _x(L)[0].put(_i(L, 0, 20), L.ones(2)),
    "put_int32": lambda L: _x(L)[0].put(_i(L, 0).int(), L.ones(1)),
    "put_numel": lambda L: _x(L)[0].put(_i(L, 0, 1), L.ones(1)),
    "take_along_int32": lambda L: L.take_along_dim(_x(L), L.zeros(1, 1, 1, dtype=L.int32), 1),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_torch(name):
    _same_error(ERRORS[name])


KEYS = {
    "int": 0, "slice": slice(1, 3), "full_slice": slice(None), "none": None,
    "ellipsis": Ellipsis, "empty_tuple": (), "int_then_full": (0, slice(None)),
    "full_then_int": (slice(None), 0), "ellipsis_none_int": (Ellipsis, None, 0),
    "bool": True, "false": False, "list": [0, 2], "list_as_tuple": [0, [1]],
    "list_with_slice": [0, slice(None)], "list_bools": [True, False, True],
    "list_int_bool": [1, True], "long_list": [0, 1, 2] * 11, "int_list_separated": (0, slice(None),
                                                                                    [1, 2]),
    "adv_none_adv": ([0, 1], None, [0, 1]), "float_list": [1.5],
}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_getitem_shape_and_grad_fn_match_torch(name):
    key = KEYS[name]

    def fn(L):
        x = L.arange(60.0, requires_grad=True).reshape(3, 4, 5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = x[key]
        return tuple(y.shape), y.grad_fn.name(), y.detach().numpy().tolist()

    assert _run(ember, fn) == _run(torch, fn)


def test_zero_dim_index_tensors_are_ints():
    x = ember.arange(12.0).reshape(3, 4)
    y = x[ember.tensor(1), ember.tensor(2, dtype=ember.int32)]
    assert y.shape == () and float(y) == 6.0
    y.add_(1)  # a view: the write reaches x
    assert float(x[1, 2]) == 7.0


def test_deprecation_warnings_match_torch():
    for key in ([[0, 1], [1, 2]], None):
        for lib in (ember, torch):
            x = lib.zeros(3, 4)
            k = key if key is not None else lib.tensor([1, 0, 1], dtype=lib.uint8)
            with pytest.warns(UserWarning, match="deprecated"):
                x[k]


def _grads(lib, fn, *shapes, create_graph=False):
    """Inputs from ``shapes`` (seeded), ``fn(lib, *inputs) -> loss``, and the gradients."""
    rng = np.random.default_rng(0)
    xs = [lib.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    loss = fn(lib, *xs)
    gs = (ember if lib is ember else torch).autograd.grad(loss, xs, create_graph=create_graph,
                                                          allow_unused=True)
    if not create_graph:
        return [None if g is None else g.numpy() for g in gs]
    second = sum((g * g).sum() for g in gs if g is not None and g.requires_grad)
    gg = (ember if lib is ember else torch).autograd.grad(second, xs, allow_unused=True)
    return [None if g is None else g.detach().numpy() for g in gs + gg]


def _assert_same_grads(fn, *shapes, create_graph=False):
    got = _grads(ember, fn, *shapes, create_graph=create_graph)
    want = _grads(torch, fn, *shapes, create_graph=create_graph)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def _iadd_row(L, x):
    y = x * x
    y[0] += 1
    return (y * y).sum()


def _mul_col(L, x, w):
    y = x * 2
    y[:, 0].mul_(w)
    return (y * y.exp()).sum()


def _zero_t(L, x):
    y = x.sin()
    y.t()[0].zero_()
    return (y * x).sum()


def _set_chain(L, x, v):
    y = x * 1
    z = y[1:]
    z[0, 1:3] = v * 3
    z.mul_(2)
    return (y * y).sum() + z.sum()


def _set_adv_in_view(L, x, v):
    y = x * x
    y[1:, [0, 2]] = v
    return (y ** 2).sum()


def _write_into_constant(L, x):
    y = L.zeros(3, 4, dtype=x.dtype)
    y[1, 1:] = x
    y[2].add_(x.sum())
    return (y * y).sum()


def _twice(L, x):
    y = x * 3
    y[0] = x[1] * 2
    y[1].mul_(x[2])
    return (y ** 3).sum()


def _fortran_base(L, x):
    y = (x.t() * 1).t() if L is torch else _fortran(x)
    y[0].mul_(3)
    return (y * y).sum()


def _fortran(x):
    """x * 1, but held in a Fortran-ordered array (a base that is not C-contiguous)."""
    y = x * 1
    y._data = np.asfortranarray(y._data)
    return y


@pytest.mark.parametrize("fn,shapes", [
    (_iadd_row, [(3, 4)]),
    (_mul_col, [(3, 4), (3,)]),
    (_zero_t, [(3, 4)]),
    (_set_chain, [(3, 4), (2,)]),
    (_set_adv_in_view, [(3, 4), (2, 2)]),
    (_write_into_constant, [(3,)]),
    (_twice, [(3, 4)]),
    (_fortran_base, [(3, 4)]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_inplace_on_views_matches_torch(fn, shapes):
    _assert_same_grads(fn, *shapes)
    _assert_same_grads(fn, *shapes, create_graph=True)


def test_copyslices_grad_fn_names():
    for lib in (ember, torch):
        x = lib.ones(3, 4, requires_grad=True)
        y = x * 1
        y[0] = 2.0
        assert y.grad_fn.name() == "torch::autograd::CopySlices"
        z = x * 1
        z[[0, 1]] = 2.0
        assert z.grad_fn.name() == "IndexPutBackward0"


def test_write_into_view_then_saved_tensor_raises_like_torch():
    def fn(L):
        x = L.ones(3, requires_grad=True)
        y = x.exp()
        y[0] = 1.0
        y.sum().backward()

    got, want = _run(ember, fn), _run(torch, fn)
    assert got[0] is want[0] is RuntimeError
    assert "modified by an inplace operation" in got[1]


def test_overlapping_write_raises():
    def fn(L):
        y = L.ones(3, requires_grad=True) * 1
        y.expand(2, 3)[:, 1:] = 2.0

    got = _run(ember, fn)
    assert got[0] is RuntimeError and got == _run(torch, fn)


def test_no_grad_write_into_leaf_view_bumps_version():
    w = ember.zeros(2, 3, requires_grad=True)
    with ember.no_grad():
        w[0] = 1.0
        w[1].add_(2.0)
    assert w.is_leaf and w.grad_fn is None and w._version == 2
    assert w.detach().numpy().tolist() == [[1.0] * 3, [2.0] * 3]


def test_setitem_casts_like_torch():
    def fn(L):
        y = L.zeros(2, 4, dtype=L.int64)
        y[0] = -2.7
        y[1] = L.tensor([1.5, -1.5, 2.9, -2.9])
        b = L.zeros(3, dtype=L.bool)
        b[1] = 5
        h = L.zeros(2, dtype=L.float16)
        h[0] = 1 / 3
        return y.tolist(), b.tolist(), h.tolist()

    assert _run(ember, fn) == _run(torch, fn)


@pytest.mark.parametrize("shape,key", [
    ((7, 40), lambda rng: (rng.integers(-7, 7, 300),)),
    ((7, 3), lambda rng: (rng.integers(0, 7, 300),)),
    ((4, 7, 5), lambda rng: (slice(None), rng.integers(0, 7, (20, 3)))),
    ((4, 7, 5), lambda rng: (rng.integers(0, 4, 30), rng.integers(0, 7, 30))),
    ((4, 7, 5), lambda rng: (rng.integers(0, 4, 30), slice(None), rng.integers(0, 5, 30))),
    ((50,), lambda rng: (rng.integers(0, 50, 1000),)),
])
def test_index_backward_paths_match_torch(shape, key):
    k = key(np.random.default_rng(1))
    for dt in ("float32", "float64", "float16"):
        g_e = ember.zeros(shape, dtype=getattr(ember, dt), requires_grad=True)
        g_t = torch.zeros(shape, dtype=getattr(torch, dt), requires_grad=True)
        ke = tuple(ember.tensor(a) if isinstance(a, np.ndarray) else a for a in k)
        kt = tuple(torch.tensor(a) if isinstance(a, np.ndarray) else a for a in k)
        up = np.random.default_rng(2).standard_normal(g_t[kt].shape).astype(dt)
        ember.autograd.backward(g_e[ke], ember.tensor(up))
        g_t[kt].backward(torch.tensor(up))
        tol = 1e-2 if dt == "float16" else 1e-5
        np.testing.assert_allclose(g_e.grad.numpy(), g_t.grad.numpy(), rtol=tol, atol=tol)


def test_scatter_add_kernel_paths_agree_with_add_at():
    rng = np.random.default_rng(0)
    for shape, dim, n in [((5, 40), 0, 200), ((3, 6, 2), 1, 50), ((6,), 0, 100), ((2, 3), 1, 0)]:
        idx = rng.integers(0, shape[dim], n)
        src_shape = shape[:dim] + (n,) + shape[dim + 1:]
        for dt in (np.float32, np.int64):
            src = (rng.standard_normal(src_shape) * 10).astype(dt)
            out, want = np.zeros(shape, dt), np.zeros(shape, dt)
            indexing._scatter_add(out, dim, idx, src)
            np.add.at(want, (slice(None),) * dim + (idx,), src)
            np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-4)


def test_where_one_argument_is_nonzero_as_tuple():
    m = np.random.default_rng(0).random((3, 4)) < 0.5
    got = ember.where(ember.tensor(m))
    want = torch.where(torch.tensor(m))
    assert [g.tolist() for g in got] == [w.tolist() for w in want]


def test_inplace_methods_return_self_and_bump_version():
    x = ember.zeros(3, 4)
    i = ember.tensor([0, 2])
    for op in (lambda: x.index_fill_(0, i, 1.0), lambda: x.masked_fill_(x > 0, 2.0),
               lambda: x.index_add_(0, i, ember.ones(2, 4)), lambda: x.put_(i, ember.ones(2)),
               lambda: x.scatter_(0, ember.zeros(1, 4, dtype=ember.int64), 5.0),
               lambda: x.index_put_((i,), ember.tensor(3.0)),
               lambda: x.index_copy_(0, i, ember.ones(2, 4))):
        before = x._version
        assert op() is x
        assert x._version == before + 1


@pytest.mark.parametrize("write", [
    lambda t, L: t.add_(1), lambda t, L: t.mul_(2), lambda t, L: t.clamp_(0, 1),
    lambda t, L: t.copy_(L.ones(2, 3)), lambda t, L: t.normal_(), lambda t, L: t.uniform_(),
    lambda t, L: t.sigmoid_(), lambda t, L: t.__iadd__(1),
])
def test_inplace_ops_into_expanded_tensors_raise_like_torch(write):
    def fn(L):
        write(L.zeros(3).expand(2, 3), L)

    got = _run(ember, fn)
    assert got[0] is RuntimeError and got == _run(torch, fn)


@pytest.mark.parametrize("write", [lambda t: t.fill_(1), lambda t: t.zero_()])
def test_one_value_writes_into_expanded_tensors_are_not_built(write):
    with pytest.raises(NotImplementedError, match="clone"):
        write(ember.zeros(3).expand(2, 3))
