"""Creation ops beyond the oracle rows: errors (class and message) against PyTorch, memory
sharing, dtypes of the samplers, in-place fills/samplers (versions, leaf rules, grad_fn names,
zero gradients) and copy_."""

import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _raises(fn):
    """Run ``fn(ember)`` and ``fn(torch)``: both must raise the same class, and Ember's message
    must match the first line of PyTorch's (up to the library name)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as t:
            fn(torch)
        with pytest.raises(type(t.value)) as e:
            fn(ember)
    want = str(t.value).split("\n")[0].split("  (Could this")[0].replace("torch.", "ember.")
    got = str(e.value).replace("torch.", "ember.")
    key = want.split(", but expected")[0]
    assert key in got, f"ember: {got!r}\ntorch: {want!r}"


ERRORS = {
    "ragged": lambda L: L.tensor([[1, 2], [3]]),
    "ragged_deep": lambda L: L.tensor([[[1], [2]], [[3], [4, 5]]]),
    "not_a_sequence": lambda L: L.tensor([[1, 2], 3]),
    "list_in_leaf": lambda L: L.tensor([1, [2]]),
    "none": lambda L: L.tensor(None),
    "none_inside": lambda L: L.tensor([1, None]),
    "dict": lambda L: L.tensor({1: 2}),
    "str_list": lambda L: L.tensor(["a"]),
    "str": lambda L: L.tensor("a"),
    "int_overflow": lambda L: L.tensor(2**63),
    "int_overflow_list": lambda L: L.tensor([2**64, 1]),
    "big_tensor_in_list": lambda L: L.tensor([L.ones(2), L.ones(2)]),
    "uint8_overflow": lambda L: L.tensor([300], dtype=L.uint8),
    "int32_overflow": lambda L: L.tensor(1e10, dtype=L.int32),
    "nan_to_int": lambda L: L.tensor(float("nan"), dtype=L.int64),
    "rg_int": lambda L: L.tensor([1, 2], requires_grad=True),
    "from_numpy_list": lambda L: L.from_numpy([1, 2]),
    "zeros_neg": lambda L: L.zeros(2, -1),
    "ones_neg": lambda L: L.ones(-1),
    "zeros_float": lambda L: L.zeros(2.5),
    "zeros_float_elem": lambda L: L.zeros((2, 2.5)),
    "zeros_none": lambda L: L.zeros(None),
    "zeros_no_size": lambda L: L.zeros(),
    "zeros_rg_int": lambda L: L.zeros(2, dtype=L.int32, requires_grad=True),
    "full_int_size": lambda L: L.full(2, 1),
    "full_str": lambda L: L.full((2,), "a"),
    "full_vector_value": lambda L: L.full((2,), L.tensor([2.5])),
    "full_overflow": lambda L: L.full((2,), 300, dtype=L.uint8),
    "full_overflow_f16": lambda L: L.full((2,), 70000.0, dtype=L.float16),
    "full_inf_int": lambda L: L.full((2,), float("inf"), dtype=L.int64),
    "ones_like_list": lambda L: L.ones_like([1, 2]),
    "empty_strided_dims": lambda L: L.empty_strided((2, 3), (1,)),
    "eye_neg": lambda L: L.eye(-1),
    "eye_neg_m": lambda L: L.eye(2, -1),
    "eye_float": lambda L: L.eye(2.0),
    "eye_m_none": lambda L: L.eye(2, None),
    "arange_step0": lambda L: L.arange(0, 5, 0),
    "arange_sign": lambda L: L.arange(0, 5, -1),
    "arange_inf": lambda L: L.arange(0, float("inf")),
    "arange_nan": lambda L: L.arange(0, float("nan")),
    "arange_bool": lambda L: L.arange(3, dtype=L.bool),
    "arange_int_step_trunc": lambda L: L.arange(0, 2.5, 0.5, dtype=L.int64),
    "range_sign": lambda L: L.range(1, 4, -1),
    "linspace_neg": lambda L: L.linspace(0, 1, -1),
    "linspace_1d": lambda L: L.linspace(L.tensor([0.0]), L.tensor(1.0), 3),
    "linspace_float_steps": lambda L: L.linspace(0, 1, 2.0),
    "linspace_bool": lambda L: L.linspace(0, 1, 3, dtype=L.bool),
    "logspace_neg": lambda L: L.logspace(0, 1, -1),
    "rand_int": lambda L: L.rand(2, dtype=L.int64),
    "rand_no_size": lambda L: L.rand(),
    "rand_like_int": lambda L: L.rand_like(L.tensor([1, 2])),
    "randn_bool": lambda L: L.randn(2, dtype=L.bool),
    "randn_neg": lambda L: L.randn(-1),
    "randint_bounds": lambda L: L.randint(5, 2, (3,)),
    "randint_no_size": lambda L: L.randint(5),
    "randint_int_size": lambda L: L.randint(5, 3),
    "randint_float_bounds": lambda L: L.randint(0.5, 5.5, (3,)),
    "randint_u8": lambda L: L.randint(0, 300, (3,), dtype=L.uint8),
    "randint_u8_from": lambda L: L.randint(-1, 3, (2,), dtype=L.uint8),
    "randint_bool": lambda L: L.randint(0, 3, (2,), dtype=L.bool),
    "randint_f16": lambda L: L.randint(0, 2**25, (2,), dtype=L.float16),
    "randint_overflow": lambda L: L.randint(0, 2**63, (2,)),
    "randint_like_bounds": lambda L: L.randint_like(L.zeros(3), 5, 2),
    "randperm_neg": lambda L: L.randperm(-1),
    "randperm_float": lambda L: L.randperm(3.0),
    "randperm_u8": lambda L: L.randperm(257, dtype=L.uint8),
    "randperm_f16": lambda L: L.randperm(3000, dtype=L.float16),
    "normal_broadcast": lambda L: L.normal(L.zeros(3), L.ones(4)),
    "normal_broadcast_2d": lambda L: L.normal(L.zeros(2, 2), L.ones(4)),
    "normal_no_size": lambda L: L.normal(1.0, 2.0),
    "normal_int_size": lambda L: L.normal(1.0, 2.0, 3),
    "normal_neg_std": lambda L: L.normal(1.0, -2.0, (3,)),
    "normal_neg_std_t": lambda L: L.normal(L.zeros(3), -2.0),
    "normal_neg_std_tt": lambda L: L.normal(L.zeros(3), -L.ones(3)),
    "normal_int_mean": lambda L: L.normal(L.zeros(3, dtype=L.int64), 1.0),
    "normal_int_dtype": lambda L: L.normal(1.0, 2.0, (3,), dtype=L.int64),
    "bernoulli_p_range": lambda L: L.bernoulli(L.full((4,), 1.5)),
    "bernoulli_nan": lambda L: L.bernoulli(L.full((4,), float("nan"))),
    "bernoulli_p_arg": lambda L: L.bernoulli(L.zeros(4), 1.5),
    "bernoulli_int": lambda L: L.bernoulli(L.ones(4, dtype=L.int64)),
    "bernoulli_list": lambda L: L.bernoulli([0.5]),
    "multinomial_int": lambda L: L.multinomial(L.tensor([1, 1]), 1),
    "multinomial_3d": lambda L: L.multinomial(L.ones(2, 2, 2), 1),
    "multinomial_0d": lambda L: L.multinomial(L.tensor(1.0), 1),
    "multinomial_zero_samples": lambda L: L.multinomial(L.tensor([1.0, 1]), 0),
    "multinomial_too_many": lambda L: L.multinomial(L.tensor([1.0, 1, 1]), 4),
    "multinomial_neg": lambda L: L.multinomial(L.tensor([1.0, -1]), 1),
    "multinomial_inf": lambda L: L.multinomial(L.tensor([1.0, float("inf")]), 1),
    "multinomial_nan": lambda L: L.multinomial(L.tensor([1.0, float("nan")]), 1, True),
    "multinomial_zero_row": lambda L: L.multinomial(L.tensor([[1.0, 1], [0, 0]]), 1),
    "multinomial_float_n": lambda L: L.multinomial(L.ones(3), 1.0),
    "poisson_int": lambda L: L.poisson(L.zeros(3, dtype=L.int64)),
    "poisson_neg": lambda L: L.poisson(-L.ones(3)),
    "poisson_nan": lambda L: L.poisson(L.full((2,), float("nan"))),
    "normal__int": lambda L: L.zeros(3, dtype=L.int64).normal_(),
    "normal__neg_std": lambda L: L.zeros(3).normal_(0, -1),
    "uniform__int": lambda L: L.zeros(3, dtype=L.int64).uniform_(),
    "uniform__range": lambda L: L.zeros(3).uniform_(2, 1),
    "bernoulli__p": lambda L: L.zeros(3).bernoulli_(1.5),
    "bernoulli__shape": lambda L: L.zeros(3).bernoulli_(L.tensor([0.0, 1])),
    "bernoulli__values": lambda L: L.zeros(3).bernoulli_(L.tensor([0.0, 2, 1])),
    "random__range": lambda L: L.zeros(3).random_(5, 2),
    "random__u8": lambda L: L.zeros(3, dtype=L.uint8).random_(0, 300),
    "exponential__lambda": lambda L: L.zeros(3).exponential_(0),
    "exponential__int": lambda L: L.zeros(3, dtype=L.int64).exponential_(),
    "geometric__p": lambda L: L.zeros(3).geometric_(1.5),
    "log_normal__std": lambda L: L.zeros(3).log_normal_(0, -1),
    "log_normal__int": lambda L: L.zeros(3, dtype=L.int64).log_normal_(),
    "cauchy__sigma": lambda L: L.zeros(3).cauchy_(0, -1),
    "cauchy__int": lambda L: L.zeros(3, dtype=L.int64).cauchy_(),
    "fill__vector": lambda L: L.zeros(3).fill_(L.tensor([1.0])),
    "fill__overflow": lambda L: L.zeros(3, dtype=L.uint8).fill_(300),
    "fill__inf_int": lambda L: L.zeros(3, dtype=L.int32).fill_(float("inf")),
    "fill__str": lambda L: L.zeros(3).fill_("a"),
    "fill__leaf": lambda L: L.zeros(3, requires_grad=True).fill_(1),
    "zero__leaf": lambda L: L.zeros(3, requires_grad=True).zero_(),
    "normal__leaf": lambda L: L.zeros(3, requires_grad=True).normal_(),
    "copy__shape": lambda L: L.zeros(3).copy_(L.ones(2)),
    "copy__broadcast": lambda L: L.zeros(3).copy_(L.ones(1, 3)),
    "copy__0d": lambda L: L.zeros(()).copy_(L.ones(1)),
    "copy__list": lambda L: L.zeros(3).copy_([1, 2, 3]),
    "copy__leaf": lambda L: L.zeros(3, requires_grad=True).copy_(L.ones(3)),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_error_matches_torch(case):
    _raises(ERRORS[case])


def test_tensor_copies_and_warns_on_tensor():
    a = np.ones(3)
    t = ember.tensor(a)
    a[0] = 5
    assert t[0].item() == 1.0
    src = ember.ones(2)
    with pytest.warns(UserWarning, match="clone"):
        c = ember.tensor(src)
    src.add_(1)
    assert c.tolist() == [1.0, 1.0]


def test_from_numpy_shares_memory_both_ways():
    a = np.zeros(3, np.float32)
    t = ember.from_numpy(a)
    a[0] = 1
    t[1] = 2
    assert t.tolist() == [1.0, 2.0, 0.0] and a.tolist() == [1.0, 2.0, 0.0]


def test_as_tensor_shares_when_dtype_matches():
    a = np.zeros(3)
    assert np.shares_memory(ember.as_tensor(a).numpy(), a)
    assert not np.shares_memory(ember.as_tensor(a, dtype=ember.float32).numpy(), a)
    t = ember.ones(2)
    assert ember.as_tensor(t) is t
    assert np.shares_memory(ember.asarray(a).numpy(), a)
    assert not np.shares_memory(ember.asarray(a, copy=True).numpy(), a)


def test_empty_strided_is_a_strided_view():
    t = ember.empty_strided((2, 3), (1, 2))
    w = torch.empty_strided((2, 3), (1, 2))
    assert t.stride() == w.stride() and t.shape == (2, 3)


@pytest.mark.parametrize("name", ["rand", "randn"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_sampler_dtypes(name, dtype):
    e = getattr(ember, name)(2, 3, dtype=getattr(ember, dtype))
    t = getattr(torch, name)(2, 3, dtype=getattr(torch, dtype))
    assert str(e.dtype)[6:] == str(t.dtype)[6:] and e.shape == t.shape


@pytest.mark.parametrize("fn", [
    lambda L: L.rand(2, 3), lambda L: L.randn((2, 3), dtype=L.float64),
    lambda L: L.rand_like(L.zeros(2, dtype=L.float64)), lambda L: L.randint(3, (2,)),
    lambda L: L.randint(1, 3, size=(2,), dtype=L.int16), lambda L: L.randint_like(L.zeros(2), 4),
    lambda L: L.randperm(4), lambda L: L.randperm(4, dtype=L.float32),
    lambda L: L.normal(L.zeros(3, 1), L.ones(4)), lambda L: L.normal(L.zeros(3), 2.0),
    lambda L: L.normal(1.0, L.ones(3, dtype=L.float64)), lambda L: L.normal(1.0, 2.0, (3,)),
    lambda L: L.normal(L.zeros(3), L.ones(3, dtype=L.float64)),
    lambda L: L.bernoulli(L.full((4,), 0.5, dtype=L.float64)),
    lambda L: L.bernoulli(L.zeros(4, dtype=L.int32), 0.5),
    lambda L: L.multinomial(L.ones(2, 3), 5, True), lambda L: L.ones(3).multinomial(3),
    lambda L: L.poisson(L.ones(3, dtype=L.float64)),
    lambda L: L.zeros(3, dtype=L.int8).random_(), lambda L: L.zeros(3).random_(2, 5),
    lambda L: L.zeros(3, dtype=L.int64).geometric_(0.5),
    lambda L: L.zeros(3, dtype=L.bool).bernoulli_(0.5),
], ids=lambda f: "")
def test_sampler_shape_and_dtype(fn):
    e, t = fn(ember), fn(torch)
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype)[6:] == str(t.dtype)[6:]
    assert e.requires_grad == t.requires_grad


def _grad_fn_name(t):
    return t.grad_fn.name() if isinstance(t, ember.Tensor) else type(t.grad_fn).__name__


INPLACE = [("normal_", ()), ("uniform_", ()), ("bernoulli_", ()), ("bernoulli_", ("p",)),
           ("random_", ()), ("random_", (3,)), ("random_", (1, 3)), ("exponential_", ()),
           ("geometric_", (0.5,)), ("log_normal_", ()), ("cauchy_", ()), ("fill_", (1.0,)),
           ("fill_", ("t",)), ("zero_", ())]


@pytest.mark.parametrize("name,args", INPLACE, ids=[f"{n}{len(a)}" for n, a in INPLACE])
def test_inplace_samplers_graph_like_torch(name, args):
    """On a non-leaf that requires grad: PyTorch's grad_fn name, version bump, zero gradient."""
    res = {}
    for L in (ember, torch):
        x = L.zeros(3, requires_grad=True)
        y = x * 1
        a = [L.full((3,), 0.5) if v == "p" else L.tensor(1.0) if v == "t" else v for v in args]
        v0 = y._version
        out = getattr(y, name)(*a)
        assert out is y and y._version == v0 + 1
        (g,) = L.autograd.grad(y.sum(), x)
        res[L] = (_grad_fn_name(y), y.requires_grad, g.tolist())
    assert res[ember] == res[torch]


def test_fill_tensor_value_gets_gradient():
    out = []
    for L in (ember, torch):
        v = L.tensor(2.0, requires_grad=True)
        y = (L.zeros(3, requires_grad=True) * 1).fill_(v)
        out.append(L.autograd.grad((y * L.tensor([1.0, 2, 3])).sum(), v)[0].item())
    assert out[0] == out[1]


def test_fill_and_zero_under_no_grad_on_leaf():
    w = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        w.fill_(2.5)
        assert w.tolist() == [2.5] * 3 and w._version == 1
        w.zero_()
    assert w.tolist() == [0.0] * 3 and w.requires_grad and w.is_leaf


def test_fill_int_truncates_like_torch():
    for v in (2.7, -2.7, True):
        assert ember.zeros(3, dtype=ember.int64).fill_(v).tolist() == \
            torch.zeros(3, dtype=torch.int64).fill_(v).tolist()


def test_inplace_through_view_reaches_base():
    base = ember.zeros(2, 3)
    base[0].fill_(1.0)
    base[1].normal_()
    assert base[0].tolist() == [1.0] * 3 and (base[1] != 0).all()


@pytest.mark.parametrize("dst,src", [
    ((2, 3), (3,)), ((1,), ()), ((3,), (3,)),
])
def test_copy_gradient_flows_to_src(dst, src):
    rng = np.random.default_rng(0)
    s = rng.standard_normal(src)
    res = []
    for L in (ember, torch):
        x = L.tensor(s, requires_grad=True)
        y = L.zeros(dst, dtype=L.float32).copy_(x)
        (g,) = L.autograd.grad((y * y).sum(), x, create_graph=True)
        (gg,) = L.autograd.grad(g.sum(), x)
        res.append((_grad_fn_name(y), str(y.dtype)[6:], str(g.dtype)[6:],
                    np.round(g.detach().numpy(), 5).tolist(), np.round(gg.numpy(), 5).tolist()))
    assert res[0] == res[1]


def test_copy_casts_like_torch():
    for dt in ("int64", "bool", "uint8", "float16"):
        src = [1.7, -1.7, 0.0, 3.0] if dt != "uint8" else [1.7, 0.0, 3.0, 200.0]
        e = ember.zeros(4, dtype=getattr(ember, dt)).copy_(ember.tensor(src))
        t = torch.zeros(4, dtype=getattr(torch, dt)).copy_(torch.tensor(src))
        assert e.tolist() == t.tolist()


def test_copy_into_view_updates_base_graph():
    x = ember.ones(3, requires_grad=True)
    base = ember.zeros(2, 3)
    base[1].copy_(x * 2)
    (g,) = ember.autograd.grad(base.sum(), x)
    assert g.tolist() == [2.0] * 3
