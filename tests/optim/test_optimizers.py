"""Every optimizer and option against PyTorch: 50 steps from the same weights and data must
agree to 1e-5 relative in float32 and 1e-10 in float64; state_dict round trips continue
identically; bad hyperparameters raise PyTorch's errors."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, amsgrad=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.5, amsgrad=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.002, alpha=0.9, momentum=0.5, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.002, centered=True, momentum=0.9, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-4, 0.1), maximize=True)),
    ("ASGD", dict(lr=0.01)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1)),
]


def _init(dtype):
    rng = np.random.default_rng(0)
    shapes = [(5, 4), (4,), (4, 3)]
    weights = [rng.standard_normal(s).astype(dtype) * 0.5 for s in shapes]
    x = rng.standard_normal((8, 5)).astype(dtype)
    return weights, x


def _loss(lib, params, x, step, sign=1, model=False):
    """An elementwise loss, whose gradients round identically in both libraries; or (``model``)
    a small two-layer model, where BLAS summation order differs by an ulp between the two and
    adaptive optimizers amplify that over 50 steps."""
    w1, b1, w2 = params
    if not model:
        loss = sum(((w - 0.3) * (w - 0.3) * (w * w + 1)).sum() for w in params)
    else:
        h = x @ w1 + b1
        out = (h * h) @ w2
        loss = (out * out).mean()
    return loss * (sign * (1 + 0.1 * step))


def run(lib, name, kwargs, dtype, steps=50, split_at=None, model=False):
    """Train ``steps`` steps; with ``split_at``, rebuild the optimizer from its state_dict there."""
    weights, x = _init(dtype)
    params = [lib.tensor(w, requires_grad=True) for w in weights]
    xt = lib.tensor(x)
    opt = getattr(lib.optim, name)(params, **kwargs)
    for step in range(steps):
        if step == split_at:
            sd = opt.state_dict()
            opt = getattr(lib.optim, name)(params, **kwargs)
            opt.load_state_dict(sd)
        opt.zero_grad()
        _loss(lib, params, xt, step, -1 if kwargs.get("maximize") else 1, model).backward()
        opt.step()
    return [p.detach().numpy().copy() for p in params], opt


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
@pytest.mark.parametrize("dtype,rtol", [("float32", 1e-5), ("float64", 1e-10)])
def test_matches_torch_over_50_steps(name, kwargs, dtype, rtol):
    got, _ = run(ember, name, kwargs, dtype)
    want, _ = run(torch, name, kwargs, dtype)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and np.isfinite(w).all()
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize("name,kwargs", CASES[:5] + CASES[6:8], ids=str)
def test_matches_torch_on_a_model_float64(name, kwargs):
    got, _ = run(ember, name, kwargs, "float64", model=True)
    want, _ = run(torch, name, kwargs, "float64", model=True)
    for g, w in zip(got, want):
        assert np.isfinite(w).all()
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,kwargs", CASES[1::2], ids=[f"{n}-{k}" for n, k in CASES[1::2]])
def test_state_dict_round_trip_continues_identically(name, kwargs):
    # float32: PyTorch's load_state_dict casts float state (NAdam's mu_product, ASGD's eta) to
    # the parameter dtype, so a float64 run would not continue bit-identically in PyTorch either
    straight, _ = run(ember, name, kwargs, "float32", steps=20)
    resumed, _ = run(ember, name, kwargs, "float32", steps=20, split_at=10)
    for a, b in zip(straight, resumed):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_state_dict_layout_matches_torch(name, kwargs):
    _, e_opt = run(ember, name, kwargs, "float32", steps=2)
    _, t_opt = run(torch, name, kwargs, "float32", steps=2)
    e_sd, t_sd = e_opt.state_dict(), t_opt.state_dict()
    assert e_sd["param_groups"] == t_sd["param_groups"]
    assert e_sd["state"].keys() == t_sd["state"].keys()
    for k in t_sd["state"]:
        assert e_sd["state"][k].keys() == t_sd["state"][k].keys()
        for key, tv in t_sd["state"][k].items():
            ev = e_sd["state"][k][key]
            assert str(ev.dtype).split(".")[-1] == str(tv.dtype).split(".")[-1], key
            np.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    "name,kwargs,message",
    [
        ("SGD", dict(lr=-1), "Invalid learning rate: -1"),
        ("SGD", dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
        ("SGD", dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum"),
        ("Adam", dict(lr=0.1, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        ("Adam", dict(lr=0.1, eps=-1.0), "Invalid epsilon value: -1.0"),
        ("AdamW", dict(weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
        ("RMSprop", dict(alpha=-1.0), "Invalid alpha value: -1.0"),
        ("Adagrad", dict(lr_decay=-1.0), "Invalid lr_decay value: -1.0"),
        ("Adagrad", dict(initial_accumulator_value=-1.0), "Invalid initial_accumulator_value"),
        ("Adadelta", dict(rho=1.5), "Invalid rho value: 1.5"),
        ("Adamax", dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
        ("NAdam", dict(momentum_decay=-1.0), "Invalid momentum_decay value: -1.0"),
        ("Rprop", dict(etas=(1.5, 1.2)), "Invalid eta values: 1.5, 1.2"),
        ("LBFGS", dict(lr=-1.0), "Invalid learning rate: -1.0"),
    ],
)
def test_bad_hyperparameters_raise_like_torch(name, kwargs, message):
    for lib in (ember, torch):
        p = lib.zeros(2, requires_grad=True)
        with pytest.raises(ValueError, match=message):
            getattr(lib.optim, name)([p], **kwargs)


def test_parameter_list_errors_like_torch():
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
            lib.optim.SGD([], lr=0.1)
        p = lib.zeros(2, requires_grad=True)
        with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
            lib.optim.SGD(p, lr=0.1)
        with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
            lib.optim.SGD([p * 2], lr=0.1)
        with pytest.raises(ValueError, match="more than one parameter group"):
            lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
        with pytest.warns(UserWarning, match="duplicate parameters"):
            lib.optim.SGD([p, p], lr=0.1)


def test_param_groups_options_and_skip_none_grads():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    opt = ember.optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.9
    (a * 2).sum().backward()  # b.grad stays None: b must be skipped
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.8, 0.8])
    np.testing.assert_array_equal(b.detach().numpy(), [1.0, 1.0])
    assert b not in opt.state


def test_step_hooks_and_closure():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.5)
    calls = []
    opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    h = opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 5.0 and calls == ["pre", "post"]
    np.testing.assert_allclose(p.detach().numpy(), [0.0, 0.0])
    h.remove()
    opt.step(closure)
    assert calls == ["pre", "post", "pre"]


def test_update_bumps_version_and_builds_no_graph():
    p = ember.ones(3, requires_grad=True)
    opt = ember.optim.Adam([p], lr=0.1)
    (p * 3).sum().backward()
    v = p._version
    opt.step()
    assert p._version == v + 1 and p.grad_fn is None and p.is_leaf


def test_himmelblau_with_adam_reaches_3_2_like_torch():
    """Note 004: Adam, lr 1e-3, 20000 steps from [0, 0] finds the minimum (3, 2)."""
    ends = {}
    for lib in (ember, torch):
        x = lib.tensor([0.0, 0.0], requires_grad=True)
        opt = lib.optim.Adam([x], lr=1e-3)
        for _ in range(20000):
            a = x[0] * x[0] + x[1] - 11
            b = x[0] + x[1] * x[1] - 7
            loss = a * a + b * b
            opt.zero_grad()
            loss.backward()
            opt.step()
        ends[lib.__name__] = x.detach().numpy().copy()
    np.testing.assert_allclose(ends["ember"], [3.0, 2.0], atol=1e-3)
    np.testing.assert_allclose(ends["ember"], ends["torch"], rtol=1e-5)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("dtype,rtol", [("float32", 1e-5), ("float64", 1e-10)])
def test_lbfgs_matches_torch(line_search_fn, dtype, rtol):
    results = {}
    for lib in (ember, torch):
        weights, x = _init(dtype)
        params = [lib.tensor(w, requires_grad=True) for w in weights]
        opt = lib.optim.LBFGS(params, lr=0.5, max_iter=10, history_size=5,
                              line_search_fn=line_search_fn)

        def closure(lib=lib, params=params, opt=opt):
            opt.zero_grad()
            loss = _loss(lib, params, None, 0)
            loss.backward()
            return loss

        losses = [float(opt.step(closure).detach()) for _ in range(4)]
        results[lib.__name__] = ([p.detach().numpy().copy() for p in params], losses,
                                 opt.state[params[0]]["func_evals"])
    (e_p, e_l, e_n), (t_p, t_l, t_n) = results["ember"], results["torch"]
    assert e_n == t_n
    np.testing.assert_allclose(e_l, t_l, rtol=rtol)
    for a, b in zip(e_p, t_p):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 1e-2)
