"""nn.utils: gradient clipping and parameter vectors against PyTorch."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _params(lib, seed=0):
    rng = np.random.default_rng(seed)
    ps = []
    for shape in [(3, 4), (4,), (2, 2)]:
        p = lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
        p.grad = lib.tensor(rng.standard_normal(shape).astype(np.float32) * 3)
        ps.append(p)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf"), 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    e, t = _params(ember), _params(torch)
    en = ember.nn.utils.clip_grad_norm_(e, max_norm, norm_type)
    tn = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type)
    np.testing.assert_allclose(en.item(), tn.item(), rtol=1e-5)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5)


def test_clip_grad_norm_nonfinite_error_like_torch():
    for lib in (ember, torch):
        p = lib.zeros(2, requires_grad=True)
        p.grad = lib.tensor([float("inf"), 1.0])
        with pytest.raises(RuntimeError, match="non-finite"):
            lib.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_vectors_match_torch():
    e, t = _params(ember, 1), _params(torch, 1)
    ember.nn.utils.clip_grad_value_(e, 0.5)
    torch.nn.utils.clip_grad_value_(t, 0.5)
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    ev = ember.nn.utils.parameters_to_vector(e)
    tv = torch.nn.utils.parameters_to_vector(t)
    np.testing.assert_array_equal(ev.detach().numpy(), tv.detach().numpy())
    ember.nn.utils.vector_to_parameters(ev * 2, e)
    torch.nn.utils.vector_to_parameters(tv * 2, t)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
