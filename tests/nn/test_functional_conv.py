"""Convolution and padding errors against PyTorch (values and gradients are in the oracle
table, tests/op_rows/nn_conv_rows.py)."""

import pytest

import ember
from tests.op_rows.nn_conv_rows import ROWS as CONV_ROWS

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


@pytest.mark.parametrize("row", [r for r in CONV_ROWS if "conv" in r.name], ids=lambda r: r.name)
def test_conv_in_batch_chunks_through_scratch_buffer(row, monkeypatch):
    """Columns never cached, built one sample at a time, in the reused scratch buffer.

    Real sizes only reach these paths above 32-64 MiB of columns; lowering the thresholds runs
    every convolution row (forward, gradients, second derivatives) through them.
    """
    from ember.backend import windows
    from ember.nn.functional import conv
    from tests.oracle import check

    monkeypatch.setattr(windows, "_SCRATCH_MIN", 0)
    monkeypatch.setattr(conv, "_CACHE_BYTES", -1)
    monkeypatch.setattr(conv, "_CHUNK_BYTES", 1)
    check(row)


def test_scratch_reuses_one_buffer_for_big_temporaries(monkeypatch):
    import numpy as np

    from ember.backend import windows

    monkeypatch.setattr(windows, "_SCRATCH_MIN", 1 << 10)
    a = windows.scratch((64, 64), np.float32)
    b = windows.scratch((32, 32), np.float64)
    assert np.shares_memory(a, b) and b.dtype == np.float64 and b.shape == (32, 32)
    small = windows.scratch((4,), np.float32)
    assert not np.shares_memory(small, a)
