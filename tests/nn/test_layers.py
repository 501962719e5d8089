"""Layers against PyTorch: the same constructor call in both libraries must give the same repr,
state_dict keys and shapes and the same init scale; with PyTorch's weights loaded, the same
outputs and gradients."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")

# (constructor, input shapes, kwargs for the call); layers built identically in both libraries
LAYERS = [
    (lambda nn: nn.Linear(5, 3), [(4, 5)]),
    (lambda nn: nn.Linear(5, 3, bias=False), [(2, 4, 5)]),
    (lambda nn: nn.Bilinear(2, 3, 4), [(5, 2), (5, 3)]),
    (lambda nn: nn.Conv1d(3, 4, 3, stride=2, padding=1), [(2, 3, 9)]),
    (lambda nn: nn.Conv2d(3, 6, 3), [(2, 3, 7, 6)]),
    (lambda nn: nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, groups=2, bias=False), [(1, 4, 6, 7)]),
    (lambda nn: nn.Conv2d(2, 3, 3, padding="same", padding_mode="reflect"), [(1, 2, 5, 5)]),
    (lambda nn: nn.Conv2d(2, 3, 3, padding=2, padding_mode="circular"), [(1, 2, 5, 5)]),
    (lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="replicate"), [(2, 5, 5)]),
    (lambda nn: nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1), [(1, 4, 3, 3)]),
    (lambda nn: nn.ConvTranspose1d(2, 4, 2, stride=2), [(2, 2, 5)]),
    (lambda nn: nn.MaxPool2d(2), [(2, 3, 6, 6)]),
    (lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True), [(1, 2, 7, 7)]),
    (lambda nn: nn.AvgPool2d(3, stride=2, padding=1), [(1, 2, 7, 7)]),
    (lambda nn: nn.AdaptiveAvgPool2d((1, 1)), [(2, 3, 5, 4)]),
    (lambda nn: nn.AdaptiveMaxPool2d(2), [(2, 3, 5, 4)]),
    (lambda nn: nn.Flatten(), [(2, 3, 4)]),
    (lambda nn: nn.Unflatten(1, (2, 3)), [(4, 6)]),
    (lambda nn: nn.Identity(), [(3,)]),
    (lambda nn: nn.Softmax(dim=1), [(3, 4)]),
    (lambda nn: nn.LogSoftmax(dim=-1), [(3, 4)]),
    (lambda nn: nn.ZeroPad2d((1, 2, 0, 1)), [(1, 1, 3, 3)]),
    (lambda nn: nn.ReflectionPad1d(2), [(1, 2, 5)]),
    (lambda nn: nn.Fold((4, 5), 2), [(2, 12, 12)]),
    (lambda nn: nn.Unfold(2, padding=1), [(2, 3, 4, 4)]),
    (lambda nn: nn.ReLU(), [(3, 4)]),
    (lambda nn: nn.ReLU6(), [(3, 4)]),
    (lambda nn: nn.LeakyReLU(0.2), [(3, 4)]),
    (lambda nn: nn.PReLU(3), [(2, 3, 4)]),
    (lambda nn: nn.ELU(0.5), [(3, 4)]),
    (lambda nn: nn.SELU(), [(3, 4)]),
    (lambda nn: nn.CELU(2.0), [(3, 4)]),
    (lambda nn: nn.GELU(), [(3, 4)]),
    (lambda nn: nn.GELU("tanh"), [(3, 4)]),
    (lambda nn: nn.SiLU(), [(3, 4)]),
    (lambda nn: nn.Mish(), [(3, 4)]),
    (lambda nn: nn.Sigmoid(), [(3, 4)]),
    (lambda nn: nn.Tanh(), [(3, 4)]),
    (lambda nn: nn.Hardtanh(-0.5, 0.7), [(3, 4)]),
    (lambda nn: nn.Hardsigmoid(), [(3, 4)]),
    (lambda nn: nn.Hardswish(), [(3, 4)]),
    (lambda nn: nn.Softplus(beta=2, threshold=1), [(3, 4)]),
    (lambda nn: nn.Softsign(), [(3, 4)]),
    (lambda nn: nn.Tanhshrink(), [(3, 4)]),
    (lambda nn: nn.Threshold(0.1, 20.0), [(3, 4)]),
    (lambda nn: nn.LogSigmoid(), [(3, 4)]),
    (lambda nn: nn.Hardshrink(0.3), [(3, 4)]),
    (lambda nn: nn.Softshrink(0.3), [(3, 4)]),
    (lambda nn: nn.GLU(1), [(3, 4)]),
    (lambda nn: nn.BatchNorm1d(3), [(5, 3)]),
    (lambda nn: nn.BatchNorm2d(3), [(4, 3, 2, 2)]),
    (lambda nn: nn.BatchNorm2d(3, affine=False, track_running_stats=False), [(4, 3, 2, 2)]),
    (lambda nn: nn.LayerNorm(4), [(3, 4)]),
    (lambda nn: nn.LayerNorm([3, 4], elementwise_affine=False), [(2, 3, 4)]),
    (lambda nn: nn.GroupNorm(2, 4), [(3, 4, 2, 3)]),
    (lambda nn: nn.InstanceNorm2d(3, affine=True), [(2, 3, 4, 4)]),
    (lambda nn: nn.LocalResponseNorm(3), [(2, 5, 3, 3)]),
    (lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"), [(1, 2, 3, 3)]),
    (lambda nn: nn.PixelShuffle(2), [(1, 8, 2, 2)]),
    (lambda nn: nn.L1Loss(), [(3, 4), (3, 4)]),
    (lambda nn: nn.SmoothL1Loss(beta=0.5), [(3, 4), (3, 4)]),
    (lambda nn: nn.BCEWithLogitsLoss(), [(3, 4), (3, 4)]),
    (lambda nn: nn.KLDivLoss(reduction="batchmean", log_target=True), [(3, 4), (3, 4)]),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(36, 10), nn.LogSoftmax(1)), [(2, 1, 8, 8)]),
]


def _to_ember(sd):
    return {k: ember.tensor(v.detach().numpy()) for k, v in sd.items()}


@pytest.mark.parametrize("make,shapes", LAYERS, ids=lambda x: "" if callable(x) else str(x))
def test_layer_matches_torch(make, shapes):
    e, t = make(ember.nn), make(torch.nn)
    assert repr(e) == repr(t).replace("torch.", "ember.")
    e_sd, t_sd = e.state_dict(), t.state_dict()
    assert list(e_sd) == list(t_sd)
    assert [tuple(v.shape) for v in e_sd.values()] == [tuple(v.shape) for v in t_sd.values()]
    e.load_state_dict(_to_ember(t_sd))
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_out, t_out = e(*e_in), t(*t_in)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5,
                               atol=1e-5)
    up = rng.standard_normal(tuple(t_out.shape)).astype(np.float32)
    (e_out * ember.tensor(up)).sum().backward()
    (t_out * torch.tensor(up)).sum().backward()
    for a, b in zip(e_in, t_in):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (name, p), (_, q) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)


@pytest.mark.parametrize("make", [
    lambda nn: nn.Linear(300, 200),
    lambda nn: nn.Conv2d(16, 32, 3),
    lambda nn: nn.ConvTranspose2d(16, 32, 3),
    lambda nn: nn.Bilinear(20, 30, 40),
    lambda nn: nn.Embedding(500, 64),
])
def test_default_init_has_torchs_scale(make):
    ember.manual_seed(0)
    torch.manual_seed(0)
    e, t = make(ember.nn), make(torch.nn)
    for (name, p), (_, q) in zip(e.named_parameters(), t.named_parameters()):
        a, b = p.detach().numpy(), q.detach().numpy()
        assert a.dtype == b.dtype == np.float32
        if a.size >= 1000:  # enough samples for the spread to be a stable estimate
            np.testing.assert_allclose(a.std(), b.std(), rtol=0.1, err_msg=name)
        np.testing.assert_allclose(np.abs(a).max(), np.abs(b).max(), rtol=0.25, err_msg=name)


def test_embedding_padding_and_pretrained():
    emb = ember.nn.Embedding(5, 3, padding_idx=1)
    assert (emb.weight.detach().numpy()[1] == 0).all()
    out = emb(ember.tensor([[1, 2], [1, 4]]))
    out.sum().backward()
    g = emb.weight.grad.numpy()
    assert (g[1] == 0).all() and (g[2] == 1).all() and (g[0] == 0).all()
    pre = ember.nn.Embedding.from_pretrained(ember.ones(4, 2))
    assert not pre.weight.requires_grad and repr(pre) == "Embedding(4, 2)"
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(ember.tensor([7]))


def test_dropout_train_eval():
    ember.manual_seed(0)
    d = ember.nn.Dropout(0.25)
    x = ember.ones(10000)
    y = d(x).numpy()
    assert set(np.unique(y).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    assert abs((y == 0).mean() - 0.25) < 0.02
    d.eval()
    assert d(x) is x
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        ember.nn.Dropout(1.5)
    d2 = ember.nn.Dropout2d(0.5)
    y2 = d2(ember.ones(4, 8, 3, 3)).numpy()
    assert all(len(np.unique(y2[i, c])) == 1 for i in range(4) for c in range(8))


def test_conv_constructor_errors_match_torch():
    for nn in (ember.nn, torch.nn):
        with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
            nn.Conv2d(3, 6, 3, groups=2)
        with pytest.raises(ValueError, match="padding_mode must be one of"):
            nn.Conv2d(3, 6, 3, padding_mode="bad")
        with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
            nn.Conv2d(3, 6, 3, stride=2, padding="same")


def test_losses_modules_match_torch():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    t = rng.integers(0, 4, 6)
    w = np.array([1.0, 2.0, 0.5, 1.5], np.float32)
    for make in (lambda nn, L: nn.CrossEntropyLoss(weight=L.tensor(w), label_smoothing=0.1),
                 lambda nn, L: nn.NLLLoss(reduction="sum"),
                 lambda nn, L: nn.CrossEntropyLoss(ignore_index=2)):
        e = make(ember.nn, ember)(ember.tensor(x), ember.tensor(t))
        tt = make(torch.nn, torch)(torch.tensor(x), torch.tensor(t))
        np.testing.assert_allclose(e.item(), tt.item(), rtol=1e-5)
    e = ember.nn.MSELoss()(ember.tensor(x), ember.zeros(6, 4))
    np.testing.assert_allclose(e.item(), (x**2).mean(), rtol=1e-5)
    assert "weight" in dict(ember.nn.CrossEntropyLoss(weight=ember.ones(3)).named_buffers())


def test_batchnorm_running_stats_and_eval_match_torch():
    rng = np.random.default_rng(3)
    for momentum in (0.1, None):
        e = ember.nn.BatchNorm2d(3, momentum=momentum)
        t = torch.nn.BatchNorm2d(3, momentum=momentum)
        for _ in range(3):
            x = rng.standard_normal((4, 3, 5, 5)).astype(np.float32) * 2 + 1
            e(ember.tensor(x))
            t(torch.tensor(x))
        for key in ("running_mean", "running_var", "num_batches_tracked"):
            np.testing.assert_allclose(e.state_dict()[key].numpy(), t.state_dict()[key].numpy(),
                                       rtol=1e-5, err_msg=key)
        e.eval()
        t.eval()
        x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
        np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(),
                                   t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kw", [dict(), dict(batch_first=True), dict(bias=False),
                                dict(kdim=3, vdim=5)])
def test_multihead_attention_matches_torch(kw):
    e, t = ember.nn.MultiheadAttention(8, 2, **kw), torch.nn.MultiheadAttention(8, 2, **kw)
    e.load_state_dict(_to_ember(t.state_dict()))
    rng = np.random.default_rng(4)
    bf = kw.get("batch_first", False)
    shape = lambda n, d: (2, n, d) if bf else (n, 2, d)  # noqa: E731
    q = rng.standard_normal(shape(4, 8)).astype(np.float32)
    k = rng.standard_normal(shape(6, kw.get("kdim", 8))).astype(np.float32)
    v = rng.standard_normal(shape(6, kw.get("vdim", 8))).astype(np.float32)
    mask = np.zeros((2, 6), bool)
    mask[1, 4:] = True
    eo, ew = e(ember.tensor(q), ember.tensor(k), ember.tensor(v),
               key_padding_mask=ember.tensor(mask))
    to, tw = t(torch.tensor(q), torch.tensor(k), torch.tensor(v),
               key_padding_mask=torch.tensor(mask))
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ew.detach().numpy(), tw.detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_matches_torch(norm_first):
    e_layer = ember.nn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first)
    t_layer = torch.nn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first)
    e = ember.nn.TransformerEncoder(e_layer, 2)
    t = torch.nn.TransformerEncoder(t_layer, 2, enable_nested_tensor=False)
    assert list(e.state_dict()) == list(t.state_dict())
    e.load_state_dict(_to_ember(t.state_dict()))
    e.eval(), t.eval()
    x = np.random.default_rng(5).standard_normal((5, 3, 8)).astype(np.float32)
    causal = np.triu(np.full((5, 5), -np.inf, np.float32), 1)
    eo = e(ember.tensor(x), mask=ember.tensor(causal))
    to = t(torch.tensor(x), mask=torch.tensor(causal))
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_bce_gradient_stays_finite_at_saturation_like_torch():
    p = np.array([1.0, 0.0, 0.5, 1.0], np.float32)
    y = np.array([1.0, 0.0, 1.0, 0.0], np.float32)
    grads = []
    for lib in (ember, torch):
        pt = lib.tensor(p, requires_grad=True)
        loss = lib.nn.functional.binary_cross_entropy(pt, lib.tensor(y))
        loss.backward()
        grads.append((loss.item(), pt.grad.numpy().copy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-6)


def test_max_pool_with_nan_returns_the_last_nan_like_torch():
    x = np.array([[[[np.nan, 1.0, np.nan, 2.0], [0.0, 5.0, 1.0, 1.0]]]], np.float32)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(x), (1, 4), return_indices=True)
    ey, ei = ember.nn.functional.max_pool2d(ember.tensor(x), (1, 4), return_indices=True)
    np.testing.assert_array_equal(ey.numpy(), ty.numpy())
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
