"""The fused GRU/LSTM sequence nodes against PyTorch: gradients through outputs and final
states (h_n, c_n), initial states, and second derivatives (create_graph) in float64."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")

CONFIGS = [
    ("GRU", dict(input_size=3, hidden_size=4, bidirectional=True)),
    ("GRU", dict(input_size=3, hidden_size=4, bias=False, num_layers=2)),
    ("LSTM", dict(input_size=3, hidden_size=4, bidirectional=True)),
    ("LSTM", dict(input_size=3, hidden_size=5, num_layers=2, bias=False)),
]


def _run(lib, name, kw, state, x, h0, c0, u):
    m = getattr(lib.nn, name)(**kw).double()
    m.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    xt = lib.tensor(x, requires_grad=True)
    h = lib.tensor(h0, requires_grad=True)
    c = lib.tensor(c0, requires_grad=True)
    out, hn = m(xt, (h, c) if name == "LSTM" else h)
    parts = [out, *(hn if name == "LSTM" else (hn,))]
    loss = sum((p * lib.tensor(w)).sum() for p, w in zip(parts, u))
    leaves = [xt, h, c] if name == "LSTM" else [xt, h]
    params = list(m.parameters())
    grads = lib.autograd.grad(loss, leaves + params, create_graph=True)
    second = lib.autograd.grad(sum((g * g).sum() for g in grads[:2]), params)
    return [p.detach().numpy() for p in parts] + [g.detach().numpy() for g in grads + second]


@pytest.mark.parametrize("name,kw", CONFIGS, ids=[f"{n}{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_fused_sequence_grads_match_torch(name, kw):
    t = getattr(torch.nn, name)(**kw).double()
    state = {k: v.detach().numpy() for k, v in t.state_dict().items()}
    rng = np.random.default_rng(0)
    d = 2 if kw.get("bidirectional") else 1
    layers, hid = kw.get("num_layers", 1), kw["hidden_size"]
    x = rng.standard_normal((4, 2, 3))
    h0 = rng.standard_normal((layers * d, 2, hid))
    c0 = rng.standard_normal((layers * d, 2, hid))
    u = [rng.standard_normal((4, 2, hid * d))] + [rng.standard_normal(h0.shape)] * 2
    got = _run(ember, name, kw, state, x, h0, c0, u)
    want = _run(torch, name, kw, state, x, h0, c0, u)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_fused_gru_float32_stays_float32():
    m = ember.nn.GRU(3, 4)
    x = ember.randn(5, 2, 3, requires_grad=True)
    out, h = m(x)
    out.sum().backward()
    assert out.dtype == h.dtype == x.grad.dtype == m.weight_hh_l0.grad.dtype == ember.float32
