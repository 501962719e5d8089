"""The optional numba kernels agree with the NumPy path they replace, and step aside when told."""

from __future__ import annotations

import importlib.metadata
import os

import numpy as np
import pytest

import ember
from ember.backend import jit

pytest.importorskip("numba", reason="numba (the jit extra) is not installed")
if jit.kernels() is None:
    pytest.skip("the jit kernels are turned off (EMBER_JIT=0)", allow_module_level=True)

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("AdamW", dict(lr=0.01, betas=(0.3, 0.9))),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01, alpha=0.3, centered=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5,
                     maximize=True)),
]
# one array under the parallel threshold and one above it, plus a transposed (strided) grad
SHAPES = [(7, 5), (300, 120), (40, 30)]


def _run(name, kwargs, dtype, fused):
    rng = np.random.default_rng(0)
    params = [ember.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
              for s in SHAPES]
    jit.set_enabled(fused)
    try:
        opt = getattr(ember.optim, name)(params, **kwargs)
        for _ in range(4):
            for p in params:
                g = rng.standard_normal(p.shape[::-1]).astype(dtype)
                p.grad = ember.tensor(g).t() if p.shape == SHAPES[2] else ember.tensor(g.T.copy())
            opt.step()
    finally:
        jit.set_enabled(True)
    return [p.detach().numpy() for p in params], opt.state_dict()


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "serial"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CASES)
def test_fused_step_matches_numpy_step(name, kwargs, dtype, parallel, monkeypatch):
    k = jit.kernels()
    if parallel and not k.PARALLEL:
        pytest.skip("numba has no TBB thread pool here")
    monkeypatch.setattr(k, "PARALLEL", parallel)
    fused, fused_state = _run(name, kwargs, dtype, True)
    plain, plain_state = _run(name, kwargs, dtype, False)
    tol = 1e-6 if dtype == np.float32 else 1e-13
    for a, b in zip(fused, plain):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    for i, st in plain_state["state"].items():
        for key, val in st.items():
            np.testing.assert_allclose(fused_state["state"][i][key].numpy(), val.numpy(),
                                       rtol=tol, atol=tol)


def test_kernels_load_and_switch_off():
    assert jit.kernels() is not None
    try:  # TBB ships as a library only, with no module to import
        importlib.metadata.version("tbb")
    except importlib.metadata.PackageNotFoundError:
        return
    assert jit.kernels().PARALLEL
    jit.set_enabled(False)
    assert jit.kernels() is None
    jit.set_enabled(True)
    assert jit.kernels() is not None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_uses_numpy_path():
    jit.kernels()
    pid = os.fork()
    if pid == 0:
        os._exit(0 if jit.kernels() is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert jit.kernels() is not None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3, 5), (300, 120)])
def test_relu_kernels_match_numpy(shape, dtype):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(dtype)
    x[0, :3] = 0.0
    g = rng.standard_normal(shape).astype(dtype)
    results = []
    for fused in (True, False):
        jit.set_enabled(fused)
        try:
            t = ember.tensor(x, requires_grad=True)
            y = t.relu()
            y.backward(ember.tensor(g))
            tt = ember.tensor(x.T, requires_grad=True)  # strided: the NumPy path either way
            tt.relu().backward(ember.tensor(g.T))
        finally:
            jit.set_enabled(True)
        results.append((y.detach().numpy(), t.grad.numpy(), tt.grad.numpy()))
    for a, b in zip(*results):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(results[0][1], np.where(x > 0, g, 0))


def test_relu_double_backward_keeps_the_graph():
    x = ember.tensor([[-1.0, 2.0], [3.0, -4.0]], requires_grad=True)
    g = ember.ones(2, 2, requires_grad=True)
    (gx,) = ember.autograd.grad(x.relu(), x, g, create_graph=True)
    assert gx.requires_grad
    (gg,) = ember.autograd.grad(gx.sum(), g)
    np.testing.assert_array_equal(gg.numpy(), [[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_batch_norm_kernels_match_numpy(affine, dtype, tol):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((6, 5, 4, 3)) * 3 + 1).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    results = []
    for fused in (True, False):
        jit.set_enabled(fused)
        try:
            ember.manual_seed(0)
            bn = ember.nn.BatchNorm2d(5, affine=affine).to(ember.float64 if dtype == np.float64
                                                          else ember.float32)
            t = ember.tensor(x, requires_grad=True)
            y = bn(t)
            y.backward(ember.tensor(g))
        finally:
            jit.set_enabled(True)
        grads = [t.grad.numpy()] + ([bn.weight.grad.numpy(), bn.bias.grad.numpy()] if affine
                                    else [])
        results.append([y.detach().numpy(), bn.running_mean.numpy(), bn.running_var.numpy()]
                       + grads)
    for a, b in zip(*results):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
