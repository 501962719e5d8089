"""Reductions against PyTorch beyond the oracle table: named-tuple behaviour and printing,
grad_fn names, tie and NaN index rules, gradients at ties and zeros, warnings and errors."""

import pickle
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")

_TIES = [[1.0, 3.0, 3.0, -1.0, 3.0], [2.0, 2.0, 2.0, 2.0, 2.0], [0.5, -1.0, 0.5, -1.0, 4.0]]
_NAN = [[1.0, float("nan"), 3.0, float("nan"), 3.0], [float("nan")] * 5, [2.0, 1.0, 0.0, 1.0, 5.0]]


def _both(data, dtype=None, grad=False):
    e = ember.tensor(data, dtype=getattr(ember, dtype) if dtype else None, requires_grad=grad)
    t = torch.tensor(data, dtype=getattr(torch, dtype) if dtype else None, requires_grad=grad)
    return e, t


def _same(e, t):
    """Values (NaN-aware), dtypes and shapes equal, element by element through tuples."""
    if isinstance(t, tuple):
        assert isinstance(e, tuple) and len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
        return
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


def _error(fn):
    """Run ``fn(lib)`` for both libraries; return (ember exception, torch exception)."""
    errs = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:  # noqa: B017 (compared just below)
            fn(lib)
        errs.append(info.value)
    return errs


# ---- named tuples -------------------------------------------------------------------------------

_NAMED = {
    "max": lambda L, x: L.max(x, 1),
    "min": lambda L, x: x.min(0, keepdim=True),
    "sort": lambda L, x: x.sort(descending=True),
    "topk": lambda L, x: x.topk(2),
    "kthvalue": lambda L, x: x.kthvalue(2, 0),
    "median": lambda L, x: x.median(1),
    "nanmedian": lambda L, x: x.nanmedian(0),
    "mode": lambda L, x: x.mode(),
    "cummax": lambda L, x: x.cummax(1),
    "cummin": lambda L, x: L.cummin(x, 0),
    "aminmax": lambda L, x: L.aminmax(x, dim=1),
}


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("name", sorted(_NAMED))
def test_named_tuple_repr_and_fields(name, grad):
    data = [[0.5, -1.25, 2.0], [3.0, 0.25, -2.5]]
    e, t = _both(data, grad=grad)
    re, rt = _NAMED[name](ember, e), _NAMED[name](torch, t)
    assert type(re).__name__ == type(rt).__name__ == name
    assert type(re) is getattr(ember.return_types, name)
    assert repr(re) == repr(rt).replace("torch.", "ember.")
    assert str(re) == repr(re)
    assert isinstance(re, tuple) and len(re) == len(rt) == re.n_fields == rt.n_fields
    a, b = re  # unpacks
    assert a is re[0] and b is re[1] and re[-1] is b
    fields = ("min", "max") if name == "aminmax" else ("values", "indices")
    assert getattr(re, fields[0]) is a and getattr(re, fields[1]) is b
    for f in fields:
        _same(getattr(re, f), getattr(rt, f))


def test_named_tuple_construct_and_pickle():
    r = ember.return_types.max((ember.tensor(1.0), ember.tensor(0)))
    again = pickle.loads(pickle.dumps(r))
    assert type(again) is ember.return_types.max and float(again.values) == 1.0
    assert torch.return_types.max((1, 2)).values == ember.return_types.max((1, 2)).values == 1


def test_var_mean_std_mean_are_plain_tuples():
    e, t = _both([[1.0, 2.0, 4.0], [0.0, -1.0, 3.0]])
    for fn in ("var_mean", "std_mean"):
        re, rt = getattr(ember, fn)(e, 1), getattr(torch, fn)(t, 1)
        assert type(re) is type(rt) is tuple
        assert repr(re) == repr(rt)


# ---- grad_fn names ------------------------------------------------------------------------------

_GRAD_FNS = [
    lambda L, x: x.sum(), lambda L, x: x.sum(1), lambda L, x: x.mean(), lambda L, x: x.mean(0),
    lambda L, x: x.nansum(), lambda L, x: x.prod(), lambda L, x: x.prod(1),
    lambda L, x: x.max(), lambda L, x: x.min(), lambda L, x: x.max(1)[0], lambda L, x: x.min(1)[0],
    lambda L, x: x.amax(), lambda L, x: x.amin(0), lambda L, x: L.aminmax(x)[1],
    lambda L, x: x.var(), lambda L, x: x.std(1), lambda L, x: L.var_mean(x)[0],
    lambda L, x: L.std_mean(x, 1)[1], lambda L, x: x.norm(), lambda L, x: x.norm(1, 0),
    lambda L, x: x.norm(float("inf")), lambda L, x: x.logsumexp(1), lambda L, x: x.cumsum(0),
    lambda L, x: x.cumprod(1), lambda L, x: x.cummax(1)[0], lambda L, x: x.cummin(0)[0],
    lambda L, x: x.median(), lambda L, x: x.median(0)[0], lambda L, x: x.nanmedian(),
    lambda L, x: x.nanmedian(1)[0], lambda L, x: x.mode()[0], lambda L, x: x.kthvalue(1)[0],
    lambda L, x: x.sort()[0], lambda L, x: x.msort(), lambda L, x: x.topk(1)[0],
    lambda L, x: x[0, 0].max(0)[0],
    lambda L, x: x[0, 0].cumsum(0), lambda L, x: x[0, 0].sort()[0],
]


@pytest.mark.parametrize("i", range(len(_GRAD_FNS)))
def test_grad_fn_names(i):
    e, t = _both([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]], grad=True)
    assert _GRAD_FNS[i](ember, e).grad_fn.name() == _GRAD_FNS[i](torch, t).grad_fn.name()


def test_index_outputs_never_require_grad():
    e = ember.tensor([[0.5, -1.0], [3.0, 0.25]], requires_grad=True)
    for r in (e.max(1), e.sort(), e.topk(1), e.median(0), e.cummax(1), e.mode()):
        assert r.values.requires_grad and not r.indices.requires_grad
        assert r.indices.dtype is ember.int64
    assert not ember.argmax(e).requires_grad and not e.unique().requires_grad


# ---- ties and NaN: which index, where the gradient goes ------------------------------------------

_INDEX_CASES = {
    "max_dim": lambda L, x: x.max(1),
    "min_dim": lambda L, x: x.min(1),
    "argmax": lambda L, x: (x.argmax(), x.argmax(1)),
    "argmin": lambda L, x: (x.argmin(), x.argmin(1, keepdim=True)),
    "sort": lambda L, x: x.sort(1),
    "sort_desc": lambda L, x: x.sort(1, descending=True),
    "argsort_stable": lambda L, x: L.argsort(x, dim=1, descending=True, stable=True),
    "median": lambda L, x: x.median(1),
    "nanmedian": lambda L, x: x.nanmedian(1),
    "cummax": lambda L, x: x.cummax(1),
    "cummin": lambda L, x: x.cummin(1),
    "mode": lambda L, x: x.mode(1),
}


@pytest.mark.parametrize("data", [_TIES, _NAN], ids=["ties", "nan"])
@pytest.mark.parametrize("name", sorted(_INDEX_CASES))
def test_tie_and_nan_indices(name, data):
    if name == "mode" and data is _NAN:
        pytest.skip("torch's mode sorts with '<', so its answer with NaN depends on the sort")
    e, t = _both(data)
    _same(_INDEX_CASES[name](ember, e), _INDEX_CASES[name](torch, t))


def test_mode_prefers_smallest_most_frequent_value():
    data = [[5, 5, 1, 1, 3], [7, 2, 7, 2, 2], [4, 4, 4, 9, 9], [8, 6, 0, 6, 8]]
    e, t = _both(data)
    _same(e.mode(1), t.mode(1))
    _same(e.t().mode(0, keepdim=True), t.t().mode(0, keepdim=True))


def test_sort_descending_unsigned_and_bool_stable():
    for data, dtype in (([3, 1, 2, 3, 0, 1], "uint8"), ([True, False, True, False], "bool")):
        e, t = _both(data, dtype)
        _same(e.sort(descending=True), t.sort(descending=True, stable=True))
        _same(e.sort(), t.sort(stable=True))


def test_sort_large_int64_exact():
    big = [2**62 + 3, 2**62 + 1, -(2**62), 2**62 + 2]
    e, t = _both(big, "int64")
    _same(e.sort(descending=True), t.sort(descending=True))
    _same(e.topk(2), t.topk(2))


@pytest.mark.parametrize("op", ["max", "min", "amax", "amin", "median", "nanmedian"])
def test_full_reduction_splits_gradient_among_ties(op):
    data = [[2.0, 5.0, 5.0, -1.0], [2.0, 5.0, 0.0, -1.0]]
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(data, requires_grad=True)
        getattr(x, op)().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])
    assert np.count_nonzero(grads[0]) >= 2


def test_aminmax_ties_share_gradient():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 0.0, 2.0]], requires_grad=True)
        r = lib.aminmax(x, dim=1)
        (r.min.sum() * 2 + r.max.sum()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_max_dim_gradient_goes_to_returned_index():
    for lib in (ember, torch):
        x = lib.tensor([[2.0, 5.0, 5.0], [1.0, 1.0, 0.0]], requires_grad=True)
        x.max(1).values.sum().backward()
        assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf")])
def test_norm_gradient_is_zero_at_origin(p):
    grads = []
    for lib in (ember, torch):
        x = lib.zeros(2, 3, requires_grad=True)
        x.norm(p).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    assert not np.isnan(grads[0]).any()


def test_norm_p0_gradient_undefined_like_torch():
    for lib in (ember, torch):
        x = lib.tensor([1.0, 0.0, 2.0], requires_grad=True)
        y = x.norm(0)
        assert y.requires_grad
        y.backward()
        assert x.grad is None


def test_std_gradient_at_zero_spread():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 2.0]], requires_grad=True)
        x.std(1).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


@pytest.mark.parametrize("n_zeros", [1, 2])
def test_prod_and_cumprod_gradients_with_zeros(n_zeros):
    data = np.array([[1.5, 0.0, -2.0, 0.0 if n_zeros == 2 else 0.7], [0.3, 0.5, 1.2, -0.4]])
    res = []
    for lib in (ember, torch):
        x = lib.tensor(data, requires_grad=True)
        (x.prod(1).sum() + x.prod() + (x.cumprod(1) * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum()
         ).backward()
        res.append(x.grad.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-12)


def test_cumsum_cumprod_inplace():
    e, t = _both([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    _same(e.cumsum_(1), t.cumsum_(1))
    _same(e.cumprod_(0), t.cumprod_(0))
    _same(e, t)


# ---- dtypes, precision, edge shapes -----------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int8", "int32", "uint8", "bool"])
def test_integer_accumulations_give_int64(dtype):
    e, t = _both([[1, 0, 1], [1, 1, 0]], dtype)
    for fn in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.prod(1), lambda x: x.cumsum(1),
               lambda x: x.cumprod(0), lambda x: x.nansum(), lambda x: x.count_nonzero(0),
               lambda x: x.all(1), lambda x: x.any()):
        _same(fn(e), fn(t))


def test_float32_stays_float32():
    e = ember.randn(5, 7)
    for fn in (lambda x: x.sum(), lambda x: x.mean(1), lambda x: x.var(), lambda x: x.std(0),
               lambda x: x.norm(), lambda x: x.norm(3, 1), lambda x: x.logsumexp(1),
               lambda x: x.prod(), lambda x: x.cumsum(0), lambda x: x.median(),
               lambda x: ember.std_mean(x, 1)[1], lambda x: x.nanmean()):
        assert fn(e).dtype is ember.float32


def test_large_float32_sums_match_torch():
    a = np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32)
    e, t = ember.from_numpy(a), torch.from_numpy(a)
    for fn in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.mean(1), lambda x: x.var(),
               lambda x: x.std(1), lambda x: x.norm(), lambda x: x.logsumexp(0)):
        np.testing.assert_allclose(fn(e).numpy(), fn(t).numpy(), rtol=2e-4, atol=2e-4)


def test_empty_reductions():
    e, t = _both(np.zeros((0, 3), np.float32))
    for fn in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.prod(0), lambda x: x.mean(),
               lambda x: x.mean(0), lambda x: x.amax(1), lambda x: x.max(1), lambda x: x.argmax(1),
               lambda x: x.logsumexp(0), lambda x: x.all(), lambda x: x.any(0),
               lambda x: x.median(), lambda x: x.nanmedian(), lambda x: x.cumsum(0),
               lambda x: x.sort(0), lambda x: x.cummax(0), lambda x: x.count_nonzero(),
               lambda x: x.norm(), lambda x: x.mode(1), lambda x: x.unique()):
        _same(fn(e), fn(t))


def test_zero_dim_inputs():
    e, t = _both(2.5)
    for fn in (lambda x: x.sum(0), lambda x: x.sum(-1, keepdim=True), lambda x: x.max(0),
               lambda x: x.argmax(0, keepdim=True), lambda x: x.amax(0), lambda x: x.sort(),
               lambda x: x.topk(1), lambda x: x.kthvalue(1), lambda x: x.median(0),
               lambda x: x.mode(), lambda x: x.cummin(0), lambda x: x.cumprod(0),
               lambda x: x.logsumexp(0), lambda x: x.norm(dim=0), lambda x: x.count_nonzero(0),
               lambda x: x.std(0, correction=0), lambda x: x.all(0)):
        _same(fn(e), fn(t))
    errs = _error(lambda L: L.tensor(1.0).sum(1))
    assert type(errs[0]) is type(errs[1]) is IndexError and str(errs[0]) == str(errs[1])


def test_var_warns_like_torch_when_degrees_of_freedom_run_out():
    msgs = []
    for lib in (ember, torch):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            v = lib.tensor([[1.0, 2.0]]).std(0)
        assert np.isnan(v.numpy()).all()
        msgs.append(str(rec[0].message).split(" (Triggered")[0])
        assert rec[0].category is UserWarning
    assert msgs[0] == msgs[1]


def test_no_numpy_warnings_escape():
    x = ember.tensor([[float("inf"), -float("inf")], [float("-inf"), float("-inf")]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.logsumexp(1), x.norm(-1), x.mean(), ember.zeros(0).mean(), x.prod(1), x.sum(0)
        x.cumsum(1), x.var(), ember.std_mean(x, 0), (x * 0).norm(0.5), x.nansum()
        ember.zeros(0, 2).logsumexp(0), ember.zeros(2, 0).amax(0), x.nanmean(1)


# ---- errors ---------------------------------------------------------------------------------------

_ERRORS = {
    "max_empty": lambda L: L.zeros(0, 3).max(),
    "min_empty_dim": lambda L: L.zeros(0, 3).min(0),
    "amax_empty_dim": lambda L: L.zeros(2, 0, 3).amax((0, 1)),
    "amin_empty": lambda L: L.zeros(0).amin(),
    "argmax_empty": lambda L: L.zeros(0, 3).argmax(),
    "argmin_empty_dim": lambda L: L.zeros(0, 3).argmin(0),
    "argmax_bool": lambda L: L.tensor([True, False]).argmax(),
    "aminmax_empty": lambda L: L.zeros(0).aminmax(),
    "aminmax_empty_dim": lambda L: L.zeros(0, 3).aminmax(dim=0),
    "median_empty_dim": lambda L: L.zeros(2, 0).median(1),
    "mode_empty_dim": lambda L: L.zeros(0, 3).mode(0),
    "kthvalue_empty_dim": lambda L: L.zeros(0, 3).kthvalue(1, 0),
    "kthvalue_k0": lambda L: L.ones(3, 4).kthvalue(0),
    "kthvalue_k_big": lambda L: L.ones(3, 4).kthvalue(5, -1),
    "topk_k_big": lambda L: L.ones(3, 4).topk(5),
    "topk_k_negative": lambda L: L.ones(3, 4).topk(-1),
    "topk_bool": lambda L: L.tensor([True, False]).topk(1),
    "mean_int": lambda L: L.tensor([1, 2]).mean(),
    "mean_bool": lambda L: L.tensor([True]).mean(1 - 1),
    "mean_int_dtype": lambda L: L.ones(2).mean(dtype=L.int64),
    "nanmean_int": lambda L: L.tensor([1, 2]).nanmean(),
    "var_int": lambda L: L.tensor([1, 2]).var(),
    "std_int": lambda L: L.tensor([1, 2]).std(0),
    "norm_int": lambda L: L.tensor([1, 2]).norm(),
    "norm_narrowing_dtype": lambda L: L.ones(2, dtype=L.float64).norm(dtype=L.float32),
    "inf_norm_empty": lambda L: L.zeros(0).norm(float("inf")),
    "sum_dup_dims": lambda L: L.ones(2, 3).sum((0, -2)),
    "amax_dup_dims": lambda L: L.ones(2, 3).amax((1, 1)),
    "all_dup_dims": lambda L: L.ones(2, 3).all((0, 0)),
    "count_nonzero_dup": lambda L: L.ones(2, 3).count_nonzero((1, -1)),
    "sum_dim_range": lambda L: L.ones(2, 3).sum(2),
    "max_dim_range": lambda L: L.ones(2, 3).max(-3),
    "cumsum_dim_range": lambda L: L.ones(2, 3).cumsum(2),
    "sort_dim_range": lambda L: L.tensor(1.0).sort(1),
    "topk_dim_range": lambda L: L.ones(2, 3).topk(1, 3),
}


@pytest.mark.parametrize("name", sorted(_ERRORS))
def test_errors_match_torch(name):
    e, t = _error(_ERRORS[name])
    assert type(e) is type(t), (type(e), type(t), str(t))
    assert str(e) == str(t).split("\n")[0]


@pytest.mark.parametrize("fn", [
    lambda L: L.ones(2, 3).prod((0, 1)),
    lambda L: L.ones(2, 3).max((0, 1)),
    lambda L: L.logsumexp(L.ones(2)),
    lambda L: L.ones(2).cumsum(),
])
def test_bad_arguments_raise_type_error(fn):
    e, t = _error(fn)
    assert type(e) is type(t) is TypeError
