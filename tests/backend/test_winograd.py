"""Winograd F(2x2, 3x3) convolutions (jit extra) against PyTorch and against the im2col path."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional.conv as conv_mod
from ember.backend import jit, winograd

pytest.importorskip("numba", reason="numba (the jit extra) is not installed")
torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")

SHAPES = [  # N, C, O, H, W, padding
    (2, 3, 4, 7, 7, (1, 1)),
    (2, 3, 4, 8, 6, (0, 0)),
    (3, 2, 5, 9, 5, (2, 1)),
    (5, 16, 8, 12, 13, (1, 1)),
]


def _kernels():
    k = jit.kernels()
    if k is None:
        pytest.skip("the Winograd path needs the jit extra")
    return k


def _torch_conv(x, w, b, gy, pad):
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    y = torch.nn.functional.conv2d(tx, tw, torch.tensor(b), padding=pad)
    y.backward(torch.tensor(gy))
    return y.detach().numpy(), tx.grad.numpy(), tw.grad.numpy()


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape", SHAPES)
def test_transforms_match_torch(shape, dtype, tol):
    k = _kernels()
    n, c, o, h, w_, pad = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, h, w_)).astype(dtype)
    w = rng.standard_normal((o, c, 3, 3)).astype(dtype)
    b = rng.standard_normal(o).astype(dtype)
    gy = rng.standard_normal((n, o, h + 2 * pad[0] - 2, w_ + 2 * pad[1] - 2)).astype(dtype)
    want = _torch_conv(x, w, b, gy, pad)
    got = (winograd.conv3x3(k, x, w, pad, b), winograd.conv3x3_data(k, gy, w, pad),
           winograd.conv3x3_weight(k, x, gy, pad))
    for g, t in zip(got, want):
        assert g.dtype == dtype and g.shape == t.shape
        np.testing.assert_allclose(g, t, rtol=tol, atol=tol * np.abs(t).max())


def test_batch_chunks_cover_the_batch(monkeypatch):
    k = _kernels()
    monkeypatch.setattr(winograd, "_CHUNK_BYTES", 1)  # one image per chunk
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 8, 6, 6))
    w = rng.standard_normal((8, 8, 3, 3))
    gy = rng.standard_normal((3, 8, 6, 6))
    want = _torch_conv(x, w, np.zeros(8), gy, (1, 1))
    got = (winograd.conv3x3(k, x, w, (1, 1)), winograd.conv3x3_data(k, gy, w, (1, 1)),
           winograd.conv3x3_weight(k, x, gy, (1, 1)))
    for g, t in zip(got, want):
        np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-12)


def _conv_module_step(winograd_on: bool, transposed: bool):
    ember.manual_seed(0)
    layer = (ember.nn.ConvTranspose2d(16, 18, 3, padding=1) if transposed
             else ember.nn.Conv2d(16, 18, 3, padding=1)).double()
    x = ember.randn(3, 16, 10, 9, dtype=ember.float64, requires_grad=True)
    old = conv_mod._WINOGRAD_MIN_CHANNELS
    conv_mod._WINOGRAD_MIN_CHANNELS = old if winograd_on else 10**9
    try:
        y = layer(x)
        (gx,) = ember.autograd.grad((y * y).sum(), x, create_graph=True)
        gx.pow(2).sum().backward()
    finally:
        conv_mod._WINOGRAD_MIN_CHANNELS = old
    return [y.detach().numpy(), gx.detach().numpy(), x.grad.numpy(), layer.weight.grad.numpy()]


@pytest.mark.parametrize("transposed", [False, True], ids=["conv", "conv_transpose"])
def test_layers_agree_with_the_im2col_path_to_second_order(transposed, monkeypatch):
    _kernels()
    calls = []
    monkeypatch.setattr(winograd, "_input", lambda *a, _f=winograd._input: calls.append(1)
                        or _f(*a))
    on = _conv_module_step(True, transposed)
    assert calls  # the Winograd path ran
    for a, b in zip(on, _conv_module_step(False, transposed)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
