"""ember.dtypes against PyTorch: promotion for every pair and tier, finfo/iinfo, aliases."""

from __future__ import annotations

import copy
import itertools
import pickle

import numpy as np
import pytest

import ember
from ember import dtypes as D

torch = pytest.importorskip("torch")

NAMES = ("float16", "bfloat16", "float32", "float64", "uint8", "int8", "int16", "int32",
         "int64", "bool")
PAIRS = list(itertools.product(NAMES, NAMES))
SCALARS = (True, False, 2, -3, 2.5)


def ename(d) -> str:
    return str(d).replace("torch.", "ember.")


class Operand:
    """Stands for an Ember tensor of a dtype and rank (bfloat16 tensors need ml_dtypes)."""

    def __init__(self, dtype, ndim: int) -> None:
        self.dtype, self.ndim = dtype, ndim


def test_promote_types_all_pairs():
    for a, b in PAIRS:
        expected = ename(torch.promote_types(getattr(torch, a), getattr(torch, b)))
        assert str(ember.promote_types(getattr(ember, a), getattr(ember, b))) == expected, (a, b)


@pytest.mark.parametrize("ranks", [(1, 1), (1, 0), (0, 1), (0, 0)])
def test_result_type_tensor_tiers(ranks):
    for a, b in PAIRS:
        ta = torch.zeros((2,) * ranks[0], dtype=getattr(torch, a))
        tb = torch.zeros((2,) * ranks[1], dtype=getattr(torch, b))
        got = ember.result_type(Operand(getattr(ember, a), ranks[0]),
                                Operand(getattr(ember, b), ranks[1]))
        assert str(got) == ename(torch.result_type(ta, tb)), (a, b, ranks)


@pytest.mark.parametrize("ndim", [0, 1])
def test_result_type_python_scalars(ndim):
    for a in NAMES:
        for s in SCALARS:
            t = torch.zeros((2,) * ndim, dtype=getattr(torch, a))
            got = ember.result_type(Operand(getattr(ember, a), ndim), s)
            assert str(got) == ename(torch.result_type(t, s)), (a, ndim, s)


def test_result_type_real_tensors_and_default_dtype():
    x = ember.zeros(3, dtype=ember.int32)
    assert ember.result_type(x, 2.5) is ember.float32
    assert ember.result_type(x, ember.tensor(1.0, dtype=ember.float64)) is ember.float64
    assert ember.result_type(ember.zeros(2), ember.tensor(1.0, dtype=ember.float64)) is (
        ember.float32)
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.result_type(x, 2.5) is ember.float64
        assert str(torch.result_type(torch.zeros(3, dtype=torch.int32), 2.5)) == "torch.float32"
    finally:
        ember.set_default_dtype(ember.float32)


def test_can_cast_all_pairs():
    for a, b in PAIRS:
        assert D.can_cast(getattr(ember, a), getattr(ember, b)) == torch.can_cast(
            getattr(torch, a), getattr(torch, b)), (a, b)


@pytest.mark.parametrize("name", NAMES)
def test_dtype_properties(name):
    e, t = getattr(ember, name), getattr(torch, name)
    assert repr(e) == ename(repr(t)) and str(e) == ename(str(t))
    assert e.is_floating_point == t.is_floating_point
    assert e.is_signed == t.is_signed
    assert e.is_complex == t.is_complex
    assert e.itemsize == t.itemsize
    assert pickle.loads(pickle.dumps(e)) is e
    assert copy.deepcopy(e) is e and copy.copy(e) is e
    assert hash(e) == hash(getattr(ember, name))


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith(("float", "bfloat"))])
def test_finfo(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, field) == getattr(t, field), field
    assert repr(e) == repr(t)
    assert e == ember.finfo(getattr(ember, name))


def test_finfo_defaults_and_python_types():
    assert repr(ember.finfo()) == repr(torch.finfo())
    assert repr(ember.finfo(float)) == repr(torch.finfo(float))
    assert repr(ember.iinfo(int)) == repr(torch.iinfo(int))


@pytest.mark.parametrize("name", [n for n in NAMES if n[0] in "ui"])
def test_iinfo(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    for field in ("bits", "max", "min", "dtype"):
        assert getattr(e, field) == getattr(t, field), field
    assert repr(e) == repr(t)


@pytest.mark.parametrize("call", [
    lambda L: L.finfo(L.int32), lambda L: L.finfo(L.bool), lambda L: L.iinfo(L.float32),
    lambda L: L.iinfo(L.bool), lambda L: L.finfo("float32"), lambda L: L.iinfo(3),
])
def test_info_errors(call):
    with pytest.raises(TypeError) as t:
        call(torch)
    with pytest.raises(TypeError) as e:
        call(ember)
    assert str(e.value).split("ember")[0] == str(t.value).split("torch")[0]


def test_aliases():
    assert ember.float is ember.float32 and ember.double is ember.float64
    assert ember.half is ember.float16 and ember.long is ember.int64
    assert ember.int is ember.int32 and ember.short is ember.int16
    for alias in ("float", "double", "half", "long", "int", "short"):
        assert str(getattr(ember, alias)) == ename(str(getattr(torch, alias)))


@pytest.mark.parametrize("text", ["torch.float32", "ember.float32", "float32", "float"])
def test_string_parsing(text):
    assert D.parse(text) is ember.float32


def test_parse_other_spellings():
    assert D.parse("ember.long") is ember.int64
    assert D.parse(np.float64) is ember.float64
    assert D.parse(np.dtype("int16")) is ember.int16
    assert D.parse(int) is ember.int64 and D.parse(bool) is ember.bool
    assert D.parse(float) is ember.get_default_dtype()
    with pytest.raises(TypeError, match="invalid dtype name"):
        D.parse("torch.float31")
    with pytest.raises(TypeError):
        D.parse(np.complex64)


def test_numpy_dtype_mapping():
    for name in NAMES:
        if name == "bfloat16":
            continue
        e = getattr(ember, name)
        assert D.from_numpy_dtype(np.dtype(name if name != "bool" else "bool")) is e
        assert ember.zeros(1, dtype=e).numpy().dtype == np.dtype(name)
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.uint16"):
        D.from_numpy_dtype(np.uint16)


def test_default_dtype():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.5]).dtype is ember.float64
        assert ember.tensor([1]).dtype is ember.int64
        assert ember.zeros(2).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.5]).dtype is ember.float32


@pytest.mark.parametrize("arg", ["int64", "float", "float64", "class_float"])
def test_set_default_dtype_errors(arg):
    pick = {"int64": lambda L: L.int64, "float": lambda L: L.float64.__class__,
            "float64": lambda L: "float64", "class_float": lambda L: float}[arg]
    with pytest.raises(TypeError) as t:
        torch.set_default_dtype(pick(torch))
    with pytest.raises(TypeError) as e:
        ember.set_default_dtype(pick(ember))
    assert str(e.value) == str(t.value)
    assert ember.get_default_dtype() is ember.float32


@pytest.mark.skipif(D.bfloat16.np is not None, reason="ml_dtypes installed: bfloat16 works")
def test_bfloat16_without_ml_dtypes():
    assert str(ember.bfloat16) == "ember.bfloat16"
    assert ember.bfloat16.is_floating_point and ember.bfloat16.itemsize == 2
    for make in (lambda: ember.zeros(2, dtype=ember.bfloat16),
                 lambda: ember.tensor([1.0], dtype=ember.bfloat16),
                 lambda: ember.ones(2).bfloat16(),
                 lambda: ember.BFloat16Tensor([1.0]),
                 lambda: ember.set_default_dtype(ember.bfloat16)):
        with pytest.raises(TypeError, match="ml_dtypes"):
            make()
    assert ember.get_default_dtype() is ember.float32
