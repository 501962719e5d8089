"""Legacy tensor types (``ember.FloatTensor`` ...), ``Tensor.type`` and the ``Tensor`` constructor,
against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from ember import legacy

torch = pytest.importorskip("torch")

TYPES = ("FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor",
         "ShortTensor", "IntTensor", "LongTensor", "BoolTensor")
DTYPES = ("float32", "float64", "float16", "uint8", "int8", "int16", "int32", "int64", "bool")


@pytest.fixture(autouse=True)
def _restore_default():
    yield
    torch.set_default_dtype(torch.float32)
    ember.set_default_dtype(ember.float32)


def same(make, values: bool = True) -> None:
    """Same class, dtype, shape and (unless ``values`` is False: uninitialised in PyTorch)
    values."""
    t, e = make(torch), make(ember)
    assert type(e) is ember.Tensor and type(t) is torch.Tensor
    assert str(e.dtype) == str(t.dtype).replace("torch", "ember")
    assert e.shape == t.shape
    if values:
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def raises_like(make, exc) -> None:
    with pytest.raises(exc) as t:
        make(torch)
    with pytest.raises(exc) as e:
        make(ember)
    assert str(e.value).split("\n")[0][:40] == str(t.value).split("\n")[0][:40]


@pytest.mark.parametrize("name", TYPES)
def test_constructors(name):
    same(lambda L: getattr(L, name)([1, 0, 2]))
    same(lambda L: getattr(L, name)([[1.0, 2.0], [3.0, 0.0]]))
    same(lambda L: getattr(L, name)(np.array([1.0, 2.0])))
    same(lambda L: getattr(L, name)())
    same(lambda L: getattr(L, name)(2, 0))
    same(lambda L: getattr(L, name)(2, 3), values=False)
    e, t = getattr(ember, name)(2, 3), getattr(torch, name)(2, 3)
    assert e.dtype.name == str(t.dtype).split(".")[1] and tuple(e.shape) == (2, 3)
    e = getattr(ember, name)(ember.Size([4]))
    assert tuple(e.shape) == (4,)


@pytest.mark.parametrize("name,dtype", zip(TYPES, DTYPES))
def test_isinstance_and_attributes(name, dtype):
    cls = getattr(ember, name)
    x = ember.zeros(2, dtype=getattr(ember, dtype))
    assert isinstance(x, cls) and isinstance(x, ember.Tensor)
    assert isinstance(ember.nn.Parameter(ember.zeros(1)), cls) == (dtype == "float32")
    others = [getattr(ember, n) for n in TYPES if n != name]
    assert not any(isinstance(x, o) for o in others)
    assert not isinstance(x, getattr(ember.cuda, name))
    assert not isinstance(3, cls) and not isinstance(x.numpy(), cls)
    assert cls.dtype is getattr(ember, dtype) and not cls.is_cuda and not cls.is_sparse
    assert repr(cls) == repr(getattr(torch, name)).replace("torch", "ember")
    assert repr(getattr(ember.cuda, name)) == repr(getattr(torch.cuda, name)).replace("torch",
                                                                                        "ember")
    assert getattr(ember.cuda, name).is_cuda and getattr(ember.cuda, name).dtype is cls.dtype
    assert cls.add is ember.Tensor.add


def test_same_type_tensor_passes_through_and_others_raise():
    y = ember.tensor([1.0, 2.0])
    assert ember.FloatTensor(y) is y
    assert ember.Tensor(ember.tensor([1, 2])).dtype is ember.int64
    raises_like(lambda L: L.FloatTensor(L.tensor([1, 2])), TypeError)


@pytest.mark.parametrize("make,exc", [
    (lambda L: L.FloatTensor(-1), RuntimeError),
    (lambda L: L.FloatTensor("a"), TypeError),
    (lambda L: L.FloatTensor(2.5), TypeError),
    (lambda L: L.FloatTensor(True), TypeError),
    (lambda L: L.Tensor(np.float64(2.0)), TypeError),
    (lambda L: L.Tensor(2, 3.0), TypeError),
    (lambda L: L.FloatTensor(2, device="cuda"), RuntimeError),
    (lambda L: L.Tensor(requires_grad=True), TypeError),
    (lambda L: L.FloatTensor(2, dtype=L.float64), TypeError),
])
def test_constructor_errors(make, exc):
    raises_like(make, exc)


def test_legacy_constructor_values():
    assert ember.IntTensor([1.7, -1.7]).tolist() == torch.IntTensor([1.7, -1.7]).tolist()
    assert ember.FloatTensor((2, 3)).tolist() == [2.0, 3.0]
    assert ember.FloatTensor(2, device="cpu").tolist() == [0.0, 0.0]


@pytest.mark.parametrize("name", TYPES)
def test_cuda_types_cannot_be_built(name):
    with pytest.raises(TypeError, match="not available. Torch not compiled with CUDA"):
        getattr(torch.cuda, name)(2)
    with pytest.raises(RuntimeError, match="not available. Torch not compiled with CUDA") as e:
        getattr(ember.cuda, name)(2)
    assert isinstance(e.value, TypeError)
    assert str(e.value) == f"type ember.cuda.{name} not available. Torch not compiled with " \
                           "CUDA enabled."


@pytest.mark.parametrize("dtype", DTYPES)
def test_type_name(dtype):
    e = ember.zeros(1, dtype=getattr(ember, dtype)).type()
    assert e == torch.zeros(1, dtype=getattr(torch, dtype)).type().replace("torch", "ember")
    assert ember.typename(ember.zeros(1, dtype=getattr(ember, dtype))) == e


@pytest.mark.parametrize("target", ["torch.DoubleTensor", "ember.DoubleTensor", "DoubleTensor_cls",
                                    "float64", "torch.LongTensor", "int32", "torch.Tensor",
                                    "Tensor_cls"])
def test_type_casts(target):
    def pick(L):
        if target.endswith("_cls"):
            return getattr(L, target[:-4])
        if target.startswith("ember."):
            return target if L is ember else target.replace("ember", "torch")
        return target if "." in target else getattr(L, target)

    x = [1.5, -2.0]
    same(lambda L: L.tensor(x).type(pick(L)))


def test_type_same_returns_self_and_records_graph():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    assert x.type(ember.float32) is x and x.type("torch.FloatTensor") is x
    assert x.type(ember.FloatTensor) is x
    y = x.type(ember.float64)
    assert y.dtype is ember.float64 and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.dtype is ember.float32 and x.grad.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("arg,exc", [("torch.float64", ValueError), ("FloatTensor", ValueError),
                                     ("float", ValueError), (float, ValueError), (int, ValueError),
                                     (3, TypeError)])
def test_type_errors(arg, exc):
    raises_like(lambda L: L.tensor([1.0]).type(arg), exc)


def test_type_to_cuda_raises():
    with pytest.raises(RuntimeError, match="CUDA"):
        ember.tensor([1.0]).type("torch.cuda.DoubleTensor")
    with pytest.raises(RuntimeError, match="CUDA"):
        ember.tensor([1.0]).type(ember.cuda.DoubleTensor)


def test_set_default_tensor_type():
    legacy._warned = False
    for lib, arg in ((torch, torch.DoubleTensor), (ember, ember.DoubleTensor)):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.set_default_tensor_type(arg)
        assert w and "set_default_tensor_type() is deprecated" in str(w[0].message)
        assert w[0].category is UserWarning
    assert ember.get_default_dtype() is ember.float64
    assert ember.tensor([1.0]).dtype is ember.float64 and ember.Tensor(2).dtype is ember.float64
    assert ember.FloatTensor(2).dtype is ember.float32
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ember.set_default_tensor_type("torch.FloatTensor")
    assert not w  # warned once, as PyTorch
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_tensor_type("ember.DoubleTensor")
    assert ember.get_default_dtype() is ember.float64


@pytest.mark.parametrize("arg", ["LongTensor", "float64", "float", "str_long"])
def test_set_default_tensor_type_errors(arg):
    def pick(L):
        return {"LongTensor": L.LongTensor, "float64": L.float64, "float": float,
                "str_long": "torch.LongTensor"}[arg]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda L: L.set_default_tensor_type(pick(L)), TypeError)
        raises_like(lambda L: L.set_default_tensor_type("torch.foo"), AttributeError)
        with pytest.raises(RuntimeError, match="CUDA"):
            ember.set_default_tensor_type(ember.cuda.FloatTensor)
    assert ember.get_default_dtype() is ember.float32


def test_tensor_constructor():
    same(lambda L: L.Tensor(2, 3), values=False)
    same(lambda L: L.Tensor([1, 2]))
    same(lambda L: L.Tensor())
    same(lambda L: L.Tensor([[1, 2], [3, 4]]))
    assert isinstance(ember.Tensor([1]), ember.Tensor)
    assert not isinstance(np.zeros(1), ember.Tensor)

    class MyTensor(ember.Tensor):
        pass

    m = MyTensor([1.0, 2.0])
    assert type(m) is MyTensor and m.tolist() == [1.0, 2.0]
