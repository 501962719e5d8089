"""Printing: ``repr(ember.tensor(a))`` equals PyTorch's character for character."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

INT_DTYPES = ("int64", "int32", "int16", "int8", "uint8")
DTYPES = ("float32", "float64", "float16") + INT_DTYPES + ("bool",)


@pytest.fixture(autouse=True)
def _restore_options():
    yield
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    ember.set_default_dtype(ember.float32)


def same_repr(make) -> None:
    """``make(L)`` builds a tensor with library L; both reprs must be equal."""
    expected = repr(make(torch)).replace("torch.", "ember.")
    assert repr(make(ember)) == expected
    assert str(make(ember)) == str(make(torch)).replace("torch.", "ember.")


def random_array(rng: np.random.Generator) -> np.ndarray:
    nd = int(rng.integers(0, 5))
    shape = tuple(int(s) for s in rng.integers(0, 6 if nd > 2 else 12, size=nd))
    if rng.random() < 0.05:
        shape = (int(rng.integers(900, 1500)),)
    kind = int(rng.integers(5))
    if kind == 0:
        a = rng.standard_normal(shape) * 10.0 ** rng.uniform(-10, 10)
    elif kind == 1:
        a = np.round(rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 10))
    elif kind == 2:
        a = rng.standard_normal(shape) * 10.0 ** rng.uniform(-10, 10, size=shape)
    elif kind == 3:
        a = rng.integers(-200, 200, size=shape).astype(float)
    else:
        a = rng.standard_normal(shape)
        if a.size:
            a.flat[rng.integers(a.size)] = rng.choice([np.nan, np.inf, -np.inf, -0.0, 0.0])
    dt = DTYPES[int(rng.integers(len(DTYPES)))]
    with np.errstate(all="ignore"):
        if dt in INT_DTYPES:
            info = np.iinfo(dt)
            a = np.clip(np.nan_to_num(a, nan=0, posinf=0, neginf=0), info.min, info.max)
            return a.astype(dt)
        if dt == "bool":
            return a > 0
        return a.astype(dt)


@pytest.mark.parametrize("seed", range(8))
def test_random_tensors(seed):
    rng = np.random.default_rng(seed)
    for _ in range(150):
        a = random_array(rng)
        same_repr(lambda L, a=a: L.tensor(a))


@pytest.mark.parametrize("data", [
    [1.0, 2.0], [0.12345, 1.5], [1e-8, 1e5], [1e-5, 1.0], [1e9, 1.0], [123456789.0],
    [float("nan"), 1.0], [float("inf"), -float("inf"), 2.5], [float("nan")], [-0.0, 0.0],
    [-0.0, 1.5], [0.0, 0.0], [1.0, -1.0, 1000.0], [0.5, 1001.0], [0.0001, 0.1], [99999.5],
    [True, False], [[True], [False]], [1, -20, 300], [[1.5, 2], [3, 4]], [], [[]],
])
def test_literals(data):
    same_repr(lambda L: L.tensor(data))


@pytest.mark.parametrize("value", [0.0, -0.0, 3.0, 2.5, 1e-9, 1e10, float("nan"), float("inf"),
                                   7, -3, True, False])
def test_scalars(value):
    same_repr(lambda L: L.tensor(value))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_suffix_and_empties(dtype):
    same_repr(lambda L: L.tensor([1, 0, 2]).to(getattr(L, dtype)))
    same_repr(lambda L: L.zeros(0, dtype=getattr(L, dtype)))
    same_repr(lambda L: L.zeros(2, 0, 3, dtype=getattr(L, dtype)))
    same_repr(lambda L: L.zeros((), dtype=getattr(L, dtype)))


def test_default_dtype_float64_changes_suffix():
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    same_repr(lambda L: L.tensor([1.0, 2.5]))
    same_repr(lambda L: L.tensor([1.0, 2.5], dtype=L.float32))
    same_repr(lambda L: L.zeros(0, 2))
    same_repr(lambda L: L.zeros(0, dtype=L.float32))


def test_autograd_suffixes():
    same_repr(lambda L: L.tensor([1.0, 2.0], requires_grad=True))
    same_repr(lambda L: L.tensor([1.0, 2.0], requires_grad=True) * 2)
    same_repr(lambda L: L.tensor([1.0, 2.0], requires_grad=True).sum())
    same_repr(lambda L: L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True) + 1)
    same_repr(lambda L: L.tensor([1.0, 2.0], requires_grad=True).detach())


def test_long_rows_wrap_and_suffix_moves_to_next_line():
    x = np.arange(300.0) / 7
    same_repr(lambda L: L.tensor(x, dtype=L.float64, requires_grad=True).reshape(30, 10) * 3)
    same_repr(lambda L: L.tensor(x[:40]))
    same_repr(lambda L: L.tensor(np.arange(100)))


@pytest.mark.parametrize("shape", [(1001,), (2000,), (40, 40), (11, 12, 13), (3, 400), (2, 3, 4, 50)])
def test_summarised(shape):
    a = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    same_repr(lambda L: L.tensor(a))
    same_repr(lambda L: L.tensor((a * 100).astype(np.int64)))


@pytest.mark.parametrize("opts", [
    dict(precision=2), dict(precision=8), dict(threshold=5), dict(edgeitems=1, threshold=10),
    dict(edgeitems=0, threshold=3), dict(linewidth=30), dict(linewidth=200), dict(profile="short"),
    dict(profile="full"), dict(sci_mode=True), dict(sci_mode=False),
])
def test_print_options(opts):
    torch.set_printoptions(**opts)
    ember.set_printoptions(**opts)
    rng = np.random.default_rng(1)
    for _ in range(30):
        shape = tuple(int(s) for s in rng.integers(0, 9, size=int(rng.integers(0, 4))))
        a = rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 6)
        same_repr(lambda L, a=a: L.tensor(a))
        same_repr(lambda L, a=a: L.tensor(a, requires_grad=True))
        same_repr(lambda L, a=a: L.tensor((a * 10).astype(np.int32)))
    same_repr(lambda L: L.arange(2000).reshape(20, 100))
    assert ember._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_restores():
    with ember._tensor_str.printoptions(precision=1), torch._tensor_str.printoptions(precision=1):
        assert repr(ember.tensor([1.25, 3.0])) == repr(torch.tensor([1.25, 3.0]))
    assert repr(ember.tensor([1.25])) == repr(torch.tensor([1.25]))
    assert ember._tensor_str.get_printoptions()["precision"] == 4


def test_views_and_noncontiguous():
    a = np.arange(24.0).reshape(2, 3, 4) / 3
    same_repr(lambda L: L.tensor(a).permute(2, 0, 1))
    same_repr(lambda L: L.tensor(a)[:, ::2, 1:])
    same_repr(lambda L: L.tensor(a).expand(2, 2, 3, 4))


def test_format_of_zero_dim():
    assert f"{ember.tensor(2.0):.3f}" == f"{torch.tensor(2.0):.3f}"
    assert f"{ember.tensor(7)}" == f"{torch.tensor(7)}"
    assert f"{ember.tensor([1.0, 2.0])}" == f"{torch.tensor([1.0, 2.0])}"
