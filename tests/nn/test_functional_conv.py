"""Convolution and padding errors against PyTorch (values and gradients are in the oracle
table, tests/op_rows/nn_conv_rows.py)."""

import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _both(fn):
    """Run ``fn(lib)`` on both libraries; return the two exceptions."""
    errs = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as e:
            fn(lib)
        errs.append(e.value)
    return errs


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.functional.conv2d(L.zeros(1, 3, 5, 5), L.zeros(2, 4, 3, 3)),
    lambda L: L.nn.functional.conv2d(L.zeros(1, 4, 5, 5), L.zeros(2, 2, 3, 3), groups=3),
    lambda L: L.nn.functional.conv2d(L.zeros(1, 4, 5, 5), L.zeros(3, 2, 3, 3), groups=3),
    lambda L: L.nn.functional.conv2d(L.zeros(1, 1, 2, 2), L.zeros(1, 1, 3, 3)),
    lambda L: L.nn.functional.conv2d(L.zeros(5, 5), L.zeros(1, 1, 3, 3)),
    lambda L: L.nn.functional.conv2d(L.zeros(1, 1, 5, 5), L.zeros(1, 1, 3, 3).double()),
    lambda L: L.nn.functional.conv_transpose2d(L.zeros(1, 3, 5, 5), L.zeros(2, 2, 3, 3)),
    lambda L: L.nn.functional.pad(L.zeros(2, 3), (1,)),
    lambda L: L.nn.functional.pad(L.zeros(1, 2, 3), (3, 3), mode="reflect"),
])
def test_errors_match_torch(fn):
    e, t = _both(fn)
    assert type(e) is type(t), (e, t)
    key = str(t).replace("torch.", "ember.").split("\n")[0][:40]
    assert key.split(":")[0] in str(e), (str(e), str(t))
