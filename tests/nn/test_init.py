"""nn.init against PyTorch: gains, fans, bounds and standard deviations, deterministic inits."""

import math

import numpy as np
import pytest

import ember
from ember.nn import init

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")
tinit = torch.nn.init


@pytest.mark.parametrize("nl,param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None),
])
def test_gain_matches_torch(nl, param):
    assert init.calculate_gain(nl, param) == tinit.calculate_gain(nl, param)


def test_gain_errors_match_torch():
    for fn in (init.calculate_gain, tinit.calculate_gain):
        with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
            fn("foo")
        with pytest.raises(ValueError, match="not a valid number"):
            fn("leaky_relu", "x")


@pytest.mark.parametrize("shape", [(3, 4), (8, 3, 5), (16, 3, 3, 3)])
def test_fans_match_torch(shape):
    e = init._calculate_fan_in_and_fan_out(ember.zeros(*shape))
    t = tinit._calculate_fan_in_and_fan_out(torch.zeros(*shape))
    assert e == t
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ember.zeros(3))


def _bound_std(fn, shape, **kw):
    ember.manual_seed(0)
    w = ember.zeros(*shape)
    out = fn(w, **kw)
    assert out is w and w.dtype == ember.float32
    a = w.numpy()
    return np.abs(a).max(), a.std()


@pytest.mark.parametrize("name,kw,kind", [
    ("kaiming_uniform_", dict(a=math.sqrt(5)), "uniform"),
    ("kaiming_uniform_", dict(mode="fan_out", nonlinearity="relu"), "uniform"),
    ("xavier_uniform_", dict(gain=2.0), "uniform"),
    ("kaiming_normal_", dict(nonlinearity="relu"), "normal"),
    ("xavier_normal_", dict(), "normal"),
])
def test_random_inits_have_torchs_scale(name, kw, kind):
    shape = (256, 128, 3)
    e_max, e_std = _bound_std(getattr(init, name), shape, **kw)
    torch.manual_seed(0)
    tw = torch.zeros(*shape)
    getattr(tinit, name)(tw, **kw)
    t_max, t_std = tw.abs().max().item(), tw.std().item()
    assert math.isclose(e_std, t_std, rel_tol=0.02)
    if kind == "uniform":
        assert e_max <= t_max * 1.0001 and e_max > 0.99 * t_max


def test_trunc_normal_stays_in_range():
    ember.manual_seed(1)
    w = init.trunc_normal_(ember.zeros(10000), mean=0.5, std=1.0, a=-0.5, b=1.0)
    a = w.numpy()
    assert a.min() >= -0.5 and a.max() <= 1.0 and 0.2 < a.mean() < 0.4


def test_deterministic_inits_equal_torch():
    e, t = ember.zeros(6, 4, 3, 3), torch.zeros(6, 4, 3, 3)
    init.dirac_(e, groups=2)
    tinit.dirac_(t, groups=2)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    e, t = ember.zeros(3, 5), torch.zeros(3, 5)
    np.testing.assert_array_equal(init.eye_(e).numpy(), tinit.eye_(t).numpy())
    np.testing.assert_array_equal(init.constant_(e, 0.3).numpy(), tinit.constant_(t, 0.3).numpy())
    assert init.ones_(e).numpy().sum() == 15 and init.zeros_(e).numpy().sum() == 0


def test_orthogonal_and_sparse():
    ember.manual_seed(2)
    w = init.orthogonal_(ember.zeros(4, 6), gain=2.0).numpy().astype(np.float64)
    np.testing.assert_allclose(w @ w.T, 4 * np.eye(4), atol=1e-5)
    s = init.sparse_(ember.zeros(10, 5), sparsity=0.3).numpy()
    assert ((s == 0).sum(axis=0) >= 3).all()


def test_same_seed_same_values_and_generator():
    ember.manual_seed(5)
    a = init.normal_(ember.zeros(5)).numpy().copy()
    ember.manual_seed(5)
    b = init.normal_(ember.zeros(5)).numpy().copy()
    np.testing.assert_array_equal(a, b)
    g = ember.Generator().manual_seed(5)
    c = init.uniform_(ember.zeros(5), generator=g).numpy().copy()
    g.manual_seed(5)
    d = init.uniform_(ember.zeros(5), generator=g).numpy()
    np.testing.assert_array_equal(c, d)


def test_in_place_on_parameter_bumps_version_without_graph():
    p = ember.nn.Parameter(ember.zeros(3, 4))
    v = p._version
    init.kaiming_uniform_(p, a=math.sqrt(5))
    assert p._version == v + 1 and p.is_leaf and p.requires_grad
