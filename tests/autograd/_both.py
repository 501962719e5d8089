"""Run the same autograd program through Ember and PyTorch and compare what comes out."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

LIBS = (ember, torch)


def plain(x):
    """Tensors -> (dtype name, NumPy array); containers recursively; other values as they are."""
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        return (str(x.dtype).split(".")[-1], x.detach().numpy().copy())
    if isinstance(x, (tuple, list)):
        return type(x)(plain(v) for v in x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


def assert_same(a, b, rtol: float = 1e-6, atol: float = 1e-7, path: str = "") -> None:
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], np.ndarray):
        assert isinstance(b, tuple) and isinstance(b[1], np.ndarray), f"{path}: {a} vs {b}"
        assert a[0] == b[0], f"{path}: dtype {a[0]} vs {b[0]}"
        assert a[1].shape == b[1].shape, f"{path}: shape {a[1].shape} vs {b[1].shape}"
        np.testing.assert_allclose(a[1], b[1], rtol=rtol, atol=atol, err_msg=path)
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b), f"{path}: {a} vs {b}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, rtol, atol, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], rtol, atol, f"{path}[{k}]")
    elif isinstance(a, float):
        assert b == pytest.approx(a, rel=rtol, abs=atol), path
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


def both(fn, rtol: float = 1e-6, atol: float = 1e-7):
    """``fn(lib)`` with lib = ember and torch; asserts equal results and returns Ember's."""
    got = [plain(fn(lib)) for lib in LIBS]
    assert_same(got[0], got[1], rtol, atol)
    return got[0]


def error_of(fn, lib, quiet: bool = True):
    try:
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore")
            fn(lib)
    except Exception as e:  # noqa: BLE001 - the point is to capture whatever is raised
        return e
    return None


def same_error(fn, key: str | None = None):
    """``fn(lib)`` raises the same class and message in both (``torch`` read as ``ember``).

    With ``key``, only that part of the message must appear in both.
    """
    e, t = error_of(fn, ember), error_of(fn, torch)
    assert t is not None, "torch did not raise"
    assert e is not None, f"ember did not raise; torch raised {type(t).__name__}: {t}"
    assert type(e) is type(t), f"{type(e).__name__}: {e}  vs  {type(t).__name__}: {t}"
    if key is None:
        assert str(e) == str(t).replace("torch.", "ember."), f"\n{e}\n{t}"
    else:
        assert key in str(t), f"key not in torch's message: {t}"
        assert key in str(e), f"\n{e}\n{t}"
    return e


def tensor(lib, data, dtype: str = "float64", requires_grad: bool = False):
    return lib.tensor(np.asarray(data, dtype=dtype), requires_grad=requires_grad)


def warnings_of(fn, lib) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(lib)
    return [str(x.message) for x in w]
