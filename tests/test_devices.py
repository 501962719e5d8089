"""Devices and ``ember.cuda`` against PyTorch's CPU-only build."""

from __future__ import annotations

import copy
import pickle

import pytest

import ember

torch = pytest.importorskip("torch")

GOOD = ["cpu", "cuda", "cuda:0", "cuda:3", "cpu:0", "cpu:1", "meta", "mps", "xpu", "hip",
        "fpga:3", "privateuseone"]
BAD = [" cuda", "cuda:-1", "cuda:x", "CUDA", "foo", "cuda:01", "cuda:0:1", "", "cuda: 1",
       "cuda1", "foo:1", "cu_da", "cuda:", ":1", "1", "cuda:0x1", "cuda:1 ", "cuda::1",
       "cuda:99999999999"]


def outcome(fn):
    try:
        return repr(fn())
    except Exception as e:  # noqa: BLE001 - comparing whatever each library raises
        return type(e).__name__, str(e).replace("torch", "ember")


@pytest.mark.parametrize("text", GOOD)
def test_parse_good(text):
    e, t = ember.device(text), torch.device(text)
    assert (repr(e), str(e), e.type, e.index) == (repr(t), str(t), t.type, t.index)
    assert f"{e}" == f"{t}"
    assert pickle.loads(pickle.dumps(e)) == e
    assert copy.deepcopy(e) == e and hash(copy.deepcopy(e)) == hash(e)


@pytest.mark.parametrize("text", BAD)
def test_parse_bad(text):
    assert outcome(lambda: ember.device(text)) == outcome(lambda: torch.device(text))


@pytest.mark.parametrize("args", [("cuda", 1), ("cpu", 0), ("cuda:1", 1), ("cuda", -1), (3,),
                                  (-1,), (None,), (1.5,)])
def test_constructor_forms(args):
    e, t = outcome(lambda: ember.device(*args)), outcome(lambda: torch.device(*args))
    if isinstance(t, tuple) and t[0] == "TypeError":
        assert e[0] == "TypeError" and e[1].split(" - ")[0] == t[1].split(" - ")[0]
    else:
        assert e == t


def test_keywords_and_copy_constructor():
    assert ember.device(type="cuda", index=2) == ember.device("cuda:2")
    assert ember.device(ember.device("cuda:2")) == ember.device("cuda", 2)


@pytest.mark.parametrize("a,b", [("cuda", "cuda"), ("cuda", "cuda:0"), ("cpu", "cpu:0"),
                                 ("cpu", "cpu"), ("cuda:1", "cuda:1")])
def test_equality(a, b):
    assert (ember.device(a) == ember.device(b)) == (torch.device(a) == torch.device(b))
    # NOTE: a device never equals a string in PyTorch; Ember keeps that.
    assert (ember.device(a) == b) == (torch.device(a) == b)
    assert (ember.device(a) != b) == (torch.device(a) != b)


def test_tensor_device():
    x = ember.zeros(2)
    assert x.device == ember.device("cpu") and str(x.device) == "cpu"
    assert (x.device == "cpu") == (torch.zeros(2).device == "cpu")
    assert x.get_device() == torch.zeros(2).get_device()
    assert not x.is_cuda and x.is_cpu
    assert x.to("cpu") is x and x.to(ember.device("cpu")) is x and x.cpu() is x
    assert ember.zeros(2, device="cpu").device.type == "cpu"
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device("cpu")


@pytest.mark.parametrize("call", [
    lambda L: L.zeros(1).cuda(), lambda L: L.zeros(1).to("cuda"), lambda L: L.zeros(1).to("cuda:0"),
    lambda L: L.tensor(1.0, device="cuda"), lambda L: L.zeros(2, device="cuda:0"),
    lambda L: L.zeros(1).to(L.device("cuda")), lambda L: L.cuda.current_device(),
    lambda L: L.cuda.get_device_name(), lambda L: L.cuda.get_device_name(0),
    lambda L: L.cuda.synchronize(), lambda L: L.cuda.get_device_properties(0),
    lambda L: L.cuda.initial_seed(), lambda L: L.cuda.init(),
])
def test_cuda_use_raises_not_compiled(call):
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        call(torch)
    # Ember's error is PyTorch's AssertionError and also a RuntimeError.
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled") as e:
        call(ember)
    assert isinstance(e.value, RuntimeError)


def test_cuda_queries_without_cuda():
    for name in ("is_available", "device_count", "is_initialized", "memory_allocated",
                 "max_memory_allocated", "memory_reserved", "max_memory_reserved",
                 "get_rng_state_all", "is_bf16_supported", "empty_cache", "seed", "seed_all"):
        assert getattr(ember.cuda, name)() == getattr(torch.cuda, name)(), name
    assert ember.cuda.manual_seed(1) is None and ember.cuda.manual_seed_all(1) is None
    assert ember.cuda.set_rng_state(ember.zeros(3, dtype=ember.uint8)) is None


def test_cuda_device_context_and_set_device():
    with pytest.raises(RuntimeError, match="compiled without CUDA"), ember.cuda.device(0):
        pass
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        ember.cuda.set_device("cpu")
    with pytest.raises(RuntimeError, match="not compiled with CUDA"):
        ember.cuda.set_device(0)


def test_other_backends_raise():
    with pytest.raises(RuntimeError, match="mps"):
        ember.zeros(1, device="mps")
    with pytest.raises(RuntimeError, match="meta"):
        ember.zeros(1).to("meta")
    with pytest.raises(RuntimeError, match="not compiled with CUDA"):
        ember.set_default_device("cuda")


def test_module_cuda_raises():
    with pytest.raises(RuntimeError, match="not compiled with CUDA"):
        ember.nn.Linear(2, 2).cuda()
