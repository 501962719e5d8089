"""nn.Module, Parameter and containers against PyTorch: registration, iteration, state_dict,
load_state_dict errors, hooks and printed forms. The same model code runs on both libraries."""

import pickle

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")


def build(lib):
    """A small model written once, instantiated with ``lib`` = ember or torch."""
    nn = lib.nn

    class Lin(nn.Module):
        def __init__(self, i, o):
            super().__init__()
            self.weight = nn.Parameter(lib.ones(o, i) * 0.5)
            self.bias = nn.Parameter(lib.zeros(o))
            self.in_features, self.out_features = i, o

        def forward(self, x):
            return x @ self.weight.t() + self.bias

        def extra_repr(self):
            return f"in_features={self.in_features}, out_features={self.out_features}"

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = Lin(3, 2)
            self.seq = nn.Sequential(Lin(2, 2), Lin(2, 1))
            self.heads = nn.ModuleList([Lin(1, 1), Lin(1, 1)])
            self.table = nn.ModuleDict({"a": Lin(1, 1)})
            self.register_buffer("running", lib.zeros(2))
            self.register_buffer("scratch", lib.zeros(1), persistent=False)
            self.scale = nn.Parameter(lib.ones(1))

        def forward(self, x):
            h = self.seq(self.fc(x)) * self.scale
            for head in self.heads:
                h = head(h)
            return self.table["a"](h)

    return Net, Lin


def _repr(x) -> str:
    return repr(x).replace("torch.", "ember.").replace("torch", "ember")


def test_names_order_and_repr_match_torch():
    e, t = build(ember)[0](), build(torch)[0]()
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in e.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in e.named_parameters(prefix="m")] == [
        n for n, _ in t.named_parameters(prefix="m")
    ]
    assert repr(e) == _repr(t)


def test_forward_backward_and_zero_grad():
    e, t = build(ember)[0](), build(torch)[0]()
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    e(ember.tensor(x)).sum().backward()
    t(torch.tensor(x)).sum().backward()
    for (n1, p1), (_, p2) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-6, err_msg=n1)
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())


def test_load_state_dict_errors_match_torch():
    e, t = build(ember)[0](), build(torch)[0]()
    bad_e = {"fc.weight": ember.zeros(3, 3), "extra": ember.zeros(1)}
    bad_t = {"fc.weight": torch.zeros(3, 3), "extra": torch.zeros(1)}
    with pytest.raises(RuntimeError) as ee:
        e.load_state_dict(bad_e)
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(bad_t)
    assert str(ee.value) == str(te.value).replace("torch.", "ember.")
    r_e = e.load_state_dict({"fc.weight": ember.zeros(2, 3)}, strict=False)
    r_t = t.load_state_dict({"fc.weight": torch.zeros(2, 3)}, strict=False)
    assert r_e.missing_keys == r_t.missing_keys and r_e.unexpected_keys == r_t.unexpected_keys
    assert (e.fc.weight.detach().numpy() == 0).all()


def test_state_dict_round_trip_between_libraries():
    e, t = build(ember)[0](), build(torch)[0]()
    sd = {k: torch.tensor(v.numpy() + 1) for k, v in e.state_dict().items()}
    assert t.load_state_dict(sd) is not None
    back = {k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()}
    assert repr(e.load_state_dict(back)) == "<All keys matched successfully>"
    assert (e.running.numpy() == 1).all()


def test_state_dict_detaches_unless_keep_vars():
    e = build(ember)[0]()
    assert not e.state_dict()["fc.weight"].requires_grad
    assert e.state_dict(keep_vars=True)["fc.weight"] is e.fc.weight


def test_registration_errors_match_torch():
    for lib in (ember, torch):
        m = lib.nn.Module()
        with pytest.raises(TypeError, match="cannot assign '.*FloatTensor' object to parameter"):
            m.register_parameter("w", lib.zeros(1))
        with pytest.raises(KeyError, match="contain"):
            m.register_buffer("a.b", lib.zeros(1))
        m.x = 1
        with pytest.raises(KeyError, match="attribute 'x' already exists"):
            m.register_buffer("x", lib.zeros(1))
        with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
            _ = m.nope
        with pytest.raises(NotImplementedError, match='missing the required "forward"'):
            m(lib.zeros(1))


def test_assignment_rules():
    m = ember.nn.Module()
    m.register_buffer("b", ember.zeros(2))
    m.b = ember.ones(2)
    assert "b" in m._buffers and m._buffers["b"].sum().item() == 2
    m.p = ember.nn.Parameter(ember.zeros(1))
    with pytest.raises(TypeError, match="cannot assign"):
        m.p = ember.zeros(1)
    m.p = None
    assert m.p is None and list(m.parameters()) == []
    del m.b
    assert "b" not in m._buffers


def test_train_eval_apply_requires_grad():
    e = build(ember)[0]()
    e.eval()
    assert not any(m.training for m in e.modules())
    e.train()
    assert all(m.training for m in e.modules())
    with pytest.raises(ValueError, match="boolean"):
        e.train("yes")
    seen = []
    e.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net"
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())


def test_to_double_casts_floating_state():
    e = build(ember)[0]().double()
    assert all(p.dtype == ember.float64 for p in e.parameters())
    assert e.running.dtype == ember.float64
    assert isinstance(e.fc.weight, ember.nn.Parameter)
    with pytest.raises(RuntimeError, match="CUDA"):
        e.to("cuda")


def test_get_submodule_parameter():
    e = build(ember)[0]()
    assert e.get_submodule("seq.1") is e.seq[1]
    assert e.get_parameter("seq.0.bias") is e.seq[0].bias
    with pytest.raises(AttributeError):
        e.get_submodule("seq.9")


def test_hooks_order_and_values_match_torch():
    logs = {}
    for lib in (ember, torch):
        logs[lib.__name__] = _hook_log(lib)
    assert logs["ember"] == logs["torch"]


def _hook_log(lib) -> list:
    net = build(lib)[0]()
    log = []
    net.fc.register_forward_pre_hook(lambda m, a: log.append(("pre", tuple(a[0].shape))))
    net.fc.register_forward_hook(lambda m, a, o: log.append(("fwd", tuple(o.shape))))
    net.fc.register_full_backward_pre_hook(
        lambda m, go: log.append(("bpre", round(float(go[0].sum()), 5)))
    )
    net.fc.register_full_backward_hook(
        lambda m, gi, go: log.append(("bw", round(float(gi[0].sum()), 5)))
    )
    h = net.fc.register_forward_hook(lambda m, a, o: o * 2)
    x = lib.ones(2, 3, requires_grad=True)
    net(x).sum().backward()
    h.remove()
    net(x)
    return log


def test_parameter_repr_and_pickle():
    p = ember.nn.Parameter(ember.ones(2))
    assert repr(p) == _repr(torch.nn.Parameter(torch.ones(2)))
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, ember.nn.Parameter) and q.requires_grad
    assert type(p * 2) is ember.Tensor
    with pytest.raises(TypeError):
        ember.nn.Parameter([1.0])


def test_containers_match_torch():
    for lib_e, lib_t in [(ember, torch)]:
        Lin_e, Lin_t = build(lib_e)[1], build(lib_t)[1]
        se = lib_e.nn.Sequential(Lin_e(2, 2), Lin_e(2, 3))
        st = lib_t.nn.Sequential(Lin_t(2, 2), Lin_t(2, 3))
        se.append(Lin_e(3, 1)), st.append(Lin_t(3, 1))
        se.insert(0, Lin_e(2, 2)), st.insert(0, Lin_t(2, 2))
        assert repr(se) == _repr(st) and len(se) == len(st) == 4
        assert repr(se[1:3]) == _repr(st[1:3])
        assert repr(se[-1]) == _repr(st[-1])
        del se[0], st[0]
        assert list(se.state_dict()) == list(st.state_dict())
        le = lib_e.nn.ModuleList([Lin_e(1, 1), Lin_e(1, 1), Lin_e(2, 1)])
        lt = lib_t.nn.ModuleList([Lin_t(1, 1), Lin_t(1, 1), Lin_t(2, 1)])
        assert repr(le) == _repr(lt)
        pe = lib_e.nn.ParameterList([lib_e.nn.Parameter(lib_e.ones(2, 3)), lib_e.zeros(1)])
        pt = lib_t.nn.ParameterList([lib_t.nn.Parameter(lib_t.ones(2, 3)), lib_t.zeros(1)])
        assert repr(pe) == _repr(pt)
        assert list(pe.state_dict()) == list(pt.state_dict())
        de = lib_e.nn.ParameterDict({"a": lib_e.nn.Parameter(lib_e.ones(2))})
        dt = lib_t.nn.ParameterDict({"a": lib_t.nn.Parameter(lib_t.ones(2))})
        assert repr(de) == _repr(dt)
        me = lib_e.nn.ModuleDict({"x": Lin_e(1, 2)})
        mt = lib_t.nn.ModuleDict({"x": Lin_t(1, 2)})
        assert repr(me) == _repr(mt) and list(me.keys()) == list(mt.keys())
    with pytest.raises(IndexError):
        ember.nn.Sequential()[0]
