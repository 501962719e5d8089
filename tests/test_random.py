"""ember.random and the samplers' distributions: reproducibility, Generator API and errors, and
moments/ranges checked statistically with fixed seeds and wide tolerances."""

import numpy as np
import pytest

import ember

N = 100_000


@pytest.fixture
def gen():
    return ember.Generator().manual_seed(1234)


def test_same_seed_same_numbers():
    ember.manual_seed(7)
    a = ember.randn(5).tolist() + ember.rand(3).tolist() + ember.randint(10, (4,)).tolist()
    ember.manual_seed(7)
    b = ember.randn(5).tolist() + ember.rand(3).tolist() + ember.randint(10, (4,)).tolist()
    assert a == b
    assert ember.initial_seed() == 7


def test_generator_is_independent_of_default():
    g = ember.Generator().manual_seed(3)
    ember.manual_seed(3)
    a = ember.rand(4, generator=g).tolist()
    ember.rand(100)
    g2 = ember.Generator().manual_seed(3)
    assert a == ember.rand(4, generator=g2).tolist()


def test_state_round_trip(gen):
    state = gen.get_state()
    assert state.dtype == ember.uint8 and state.ndim == 1
    a = ember.randn(10, generator=gen).tolist()
    gen.set_state(state)
    assert ember.randn(10, generator=gen).tolist() == a
    s = ember.get_rng_state()
    b = ember.rand(3).tolist()
    ember.set_rng_state(s)
    assert ember.rand(3).tolist() == b


def test_fork_rng_restores_state():
    ember.manual_seed(0)
    with ember.random.fork_rng():
        ember.rand(10)
    after = ember.rand(2).tolist()
    ember.manual_seed(0)
    assert ember.rand(2).tolist() == after


def test_seed_returns_new_seed():
    s = ember.seed()
    assert isinstance(s, int) and ember.initial_seed() == s


def test_generator_api_like_torch():
    torch = pytest.importorskip("torch")
    e, t = ember.Generator(), torch.Generator()
    assert e.initial_seed() == t.initial_seed()
    assert str(e.device) == str(t.device)
    assert e.manual_seed(5) is e
    for s in (-1, 2**64 - 1, 0):
        assert ember.Generator().manual_seed(s).initial_seed() == \
            torch.Generator().manual_seed(s).initial_seed()


@pytest.mark.parametrize("fn", [
    lambda L: L.Generator().manual_seed(2**64),
    lambda L: L.Generator().manual_seed(-(2**63) - 1),
    lambda L: L.Generator().manual_seed(1.5),
    lambda L: L.Generator().manual_seed("1"),
    lambda L: L.Generator().set_state([1, 2]),
    lambda L: L.Generator().set_state(L.zeros(3)),
    lambda L: L.Generator().set_state(L.zeros(3, dtype=L.uint8)),
])
def test_generator_errors_like_torch(fn):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as t:
        fn(torch)
    with pytest.raises(type(t.value)) as e:
        fn(ember)
    key = str(t.value).split(" of size")[0].replace("torch.", "ember.")
    assert key in str(e.value).replace("torch.", "ember.")


def test_float32_sampling_is_native_float32(gen):
    for t in (ember.rand(4, generator=gen), ember.randn(4, generator=gen),
              ember.normal(0.0, 1.0, (4,), generator=gen)):
        assert t.dtype == ember.float32 and t.numpy().dtype == np.float32


def test_rand_uniform(gen):
    x = ember.rand(N, generator=gen).numpy()
    assert x.min() >= 0 and x.max() < 1
    assert abs(x.mean() - 0.5) < 0.01 and abs(x.var() - 1 / 12) < 0.005


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
def test_randn_moments(gen, dtype):
    x = ember.randn(N, dtype=dtype, generator=gen).numpy()
    assert abs(x.mean()) < 0.02 and abs(x.std() - 1) < 0.02


def test_normal_forms(gen):
    a = ember.normal(3.0, 2.0, (N,), generator=gen).numpy()
    assert abs(a.mean() - 3) < 0.05 and abs(a.std() - 2) < 0.05
    mean = ember.tensor([-5.0, 5.0]).reshape(2, 1)
    b = ember.normal(mean, ember.full((1, N), 0.5), generator=gen).numpy()
    assert b.shape == (2, N)
    assert np.allclose(b.mean(1), [-5, 5], atol=0.02) and np.allclose(b.std(1), 0.5, atol=0.02)
    c = ember.normal(1.0, ember.full((N,), 3.0), generator=gen).numpy()
    assert abs(c.mean() - 1) < 0.1 and abs(c.std() - 3) < 0.1


def test_randint_bounds_and_uniformity(gen):
    x = ember.randint(-3, 4, (N,), generator=gen)
    assert x.dtype == ember.int64
    v = x.numpy()
    assert v.min() == -3 and v.max() == 3
    freq = np.bincount(v + 3) / N
    assert np.allclose(freq, 1 / 7, atol=0.01)
    like = ember.randint_like(ember.zeros(1000, dtype=ember.int8), 5, generator=gen).numpy()
    assert like.dtype == np.int8 and like.min() >= 0 and like.max() <= 4


def test_randperm_is_permutation(gen):
    for n in (0, 1, 10, 1000):
        p = ember.randperm(n, generator=gen)
        assert p.dtype == ember.int64 and sorted(p.tolist()) == list(range(n))


def test_bernoulli_rate(gen):
    p = ember.full((N,), 0.3)
    x = ember.bernoulli(p, generator=gen).numpy()
    assert set(np.unique(x)) <= {0.0, 1.0} and abs(x.mean() - 0.3) < 0.01
    y = ember.zeros(N, dtype=ember.int64).bernoulli_(0.8, generator=gen).numpy()
    assert abs(y.mean() - 0.8) < 0.01
    z = ember.zeros(2, N).bernoulli_(ember.tensor([[0.1], [0.9]]), generator=gen).numpy()
    assert np.allclose(z.mean(1), [0.1, 0.9], atol=0.01)


def test_multinomial_with_replacement_frequencies(gen):
    w = ember.tensor([[1.0, 0.0, 3.0, 6.0], [0.0, 0.0, 0.0, 2.0]])
    s = ember.multinomial(w, N, replacement=True, generator=gen).numpy()
    f0 = np.bincount(s[0], minlength=4) / N
    assert np.allclose(f0, [0.1, 0.0, 0.3, 0.6], atol=0.01) and f0[1] == 0
    assert (s[1] == 3).all()


def test_multinomial_without_replacement(gen):
    w = ember.tensor([0.0, 1.0, 0.0, 2.0, 5.0])
    for _ in range(20):
        s = ember.multinomial(w, 5, generator=gen).tolist()
        assert sorted(s) == list(range(5)) and set(s[:3]) == {1, 3, 4}
    first = [ember.multinomial(w, 1, generator=gen).item() for _ in range(4000)]
    freq = np.bincount(first, minlength=5) / 4000
    assert np.allclose(freq, [0, 1 / 8, 0, 2 / 8, 5 / 8], atol=0.03)


def test_poisson_mean(gen):
    rates = ember.tensor([0.5, 4.0, 100.0]).reshape(3, 1).expand(3, N // 10)
    x = ember.poisson(rates, generator=gen).numpy()
    assert x.dtype == np.float32 and (x == np.round(x)).all()
    assert np.allclose(x.mean(1), [0.5, 4, 100], rtol=0.05)


def test_inplace_samplers_distributions(gen):
    x = ember.empty(N)
    assert abs(x.normal_(2.0, 0.5, generator=gen).numpy().mean() - 2) < 0.01
    u = x.uniform_(-2, 3, generator=gen).numpy()
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.03
    assert abs(x.exponential_(4.0, generator=gen).numpy().mean() - 0.25) < 0.01
    g = x.geometric_(0.25, generator=gen).numpy()
    assert g.min() >= 1 and abs(g.mean() - 4) < 0.1
    ln = x.log_normal_(0.0, 0.5, generator=gen).numpy()
    assert ln.min() > 0 and abs(np.log(ln).std() - 0.5) < 0.01
    c = x.cauchy_(1.0, 2.0, generator=gen).numpy()
    assert abs(np.median(c) - 1) < 0.05
    r = ember.zeros(N, dtype=ember.int64).random_(3, 7, generator=gen).numpy()
    assert r.min() == 3 and r.max() == 6
    b = ember.zeros(1000, dtype=ember.uint8).random_(generator=gen).numpy()
    assert b.max() > 200


def test_samplers_reject_non_generators():
    with pytest.raises(TypeError):
        ember.rand(2, generator=3)
