"""RNN/LSTM/GRU and cells against PyTorch with PyTorch's weights loaded: outputs, final
states and gradients, for layers, directions, batch_first, projections and packed input."""

import numpy as np
import pytest

import ember
from ember.nn.utils import rnn as ernn

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def _load(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _np(x):
    return x.detach().numpy()


CONFIGS = [
    ("RNN", dict(input_size=3, hidden_size=4)),
    ("RNN", dict(input_size=3, hidden_size=4, nonlinearity="relu", num_layers=2)),
    ("LSTM", dict(input_size=3, hidden_size=4)),
    ("LSTM", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True,
                  batch_first=True)),
    ("LSTM", dict(input_size=3, hidden_size=5, proj_size=2)),
    ("GRU", dict(input_size=3, hidden_size=4, bias=False)),
    ("GRU", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)),
]


@pytest.mark.parametrize("name,kw", CONFIGS, ids=[f"{n}{i}" for i, (n, _) in enumerate(CONFIGS)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_recurrent_layer_matches_torch(name, kw, with_h0):
    e, t = getattr(ember.nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(e) == repr(t)
    _load(e, t)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 3) if kw.get("batch_first") else (5, 2, 3)).astype(np.float32)
    d = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", 1)
    out_size = kw.get("proj_size") or kw["hidden_size"]
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    args_e, args_t = [ex], [tx]
    if with_h0:
        h0 = rng.standard_normal((layers * d, 2, out_size)).astype(np.float32)
        if name == "LSTM":
            c0 = rng.standard_normal((layers * d, 2, kw["hidden_size"])).astype(np.float32)
            args_e.append((ember.tensor(h0), ember.tensor(c0)))
            args_t.append((torch.tensor(h0), torch.tensor(c0)))
        else:
            args_e.append(ember.tensor(h0))
            args_t.append(torch.tensor(h0))
    eo, eh = e(*args_e)
    to, th = t(*args_t)
    np.testing.assert_allclose(_np(eo), _np(to), rtol=1e-5, atol=1e-5)
    for a, b in zip(eh if name == "LSTM" else (eh,), th if name == "LSTM" else (th,)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-5)
    up = rng.standard_normal(tuple(to.shape)).astype(np.float32)
    (eo * ember.tensor(up)).sum().backward()
    (to * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n, p), (_, q) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=n)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_packed_sequences_match_torch(name):
    e = getattr(ember.nn, name)(3, 4, bidirectional=True, batch_first=True)
    t = getattr(torch.nn, name)(3, 4, bidirectional=True, batch_first=True)
    _load(e, t)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 6, 3)).astype(np.float32)
    lengths = [4, 6, 2]
    ep = ernn.pack_padded_sequence(ember.tensor(x), lengths, batch_first=True,
                                   enforce_sorted=False)
    tp = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), lengths, batch_first=True,
                                                 enforce_sorted=False)
    np.testing.assert_array_equal(ep.batch_sizes.numpy(), tp.batch_sizes.numpy())
    eo, eh = e(ep)
    to, th = t(tp)
    np.testing.assert_allclose(_np(eo.data), _np(to.data), rtol=1e-5, atol=1e-5)
    eh, th = (eh[0], th[0]) if name == "LSTM" else (eh, th)
    np.testing.assert_allclose(_np(eh), _np(th), rtol=1e-5, atol=1e-5)
    epad, elen = ernn.pad_packed_sequence(eo, batch_first=True)
    tpad, tlen = torch.nn.utils.rnn.pad_packed_sequence(to, batch_first=True)
    np.testing.assert_allclose(_np(epad), _np(tpad), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(elen.numpy(), tlen.numpy())


def test_pad_and_pack_sequence_helpers_match_torch():
    seqs = [np.arange(n * 2, dtype=np.float32).reshape(n, 2) for n in (3, 1, 2)]
    e = ernn.pad_sequence([ember.tensor(s) for s in seqs], batch_first=True, padding_value=-1)
    t = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True,
                                        padding_value=-1)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    ep = ernn.pack_sequence([ember.tensor(s) for s in seqs], enforce_sorted=False)
    tp = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    np.testing.assert_array_equal(ep.data.numpy(), tp.data.numpy())
    np.testing.assert_array_equal(ep.sorted_indices.numpy(), tp.sorted_indices.numpy())
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        ernn.pack_padded_sequence(ember.zeros(3, 2, 1), [1, 3])


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(name):
    e, t = getattr(ember.nn, name)(3, 4), getattr(torch.nn, name)(3, 4)
    _load(e, t)
    x = np.random.default_rng(2).standard_normal((2, 3)).astype(np.float32)
    eo, to = e(ember.tensor(x)), t(torch.tensor(x))
    if name == "LSTMCell":
        eo, to = eo[1], to[1]
    np.testing.assert_allclose(_np(eo), _np(to), rtol=1e-5, atol=1e-6)
    single = e(ember.tensor(x[0]))
    assert (single[0] if name == "LSTMCell" else single).shape == (4,)


def test_errors_match_torch():
    for nn in (ember.nn, torch.nn):
        with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
            nn.GRU(3, 4, proj_size=2)
        with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
            nn.LSTM(3, 4, proj_size=4)
    lib_e = ember.nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        lib_e(ember.zeros(5, 2, 7))
