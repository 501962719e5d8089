"""Pointwise ops against PyTorch: promotion over every dtype pair, errors, grad_fn names,
silent inf/NaN, operator protocol details. Values per op are in tests/op_rows/pointwise_rows.py."""

import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch (the oracle) is not installed")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 3, -2, 2.5]
_VALUES = np.array([1, 3, 2, 5])  # non-zero: integer division by zero is tested on its own


def _pair(dtype: str, zero_d: bool):
    a = _VALUES[:1].reshape(()) if zero_d else _VALUES
    a = a.astype(np.bool_) if dtype == "bool" else a.astype(dtype)
    return ember.tensor(a), torch.tensor(a)


def _run(fn, *args):
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - compared with torch's exception below
        return e


def _assert_same(got, want, what: str) -> None:
    if isinstance(want, Exception):
        assert isinstance(got, type(want)), f"{what}: torch raised {want!r}, ember gave {got!r}"
        return
    assert not isinstance(got, Exception), f"{what}: ember raised {got!r}, torch gave {want}"
    assert str(got.dtype).split(".")[1] == str(want.dtype).split(".")[1], (
        f"{what}: dtype {got.dtype}, torch {want.dtype}"
    )
    np.testing.assert_allclose(got.numpy().astype(float), want.numpy().astype(float),
                               rtol=1e-3, err_msg=what)


_OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "eq": lambda a, b: a == b,
}


@pytest.mark.parametrize("op", list(_OPS))
@pytest.mark.parametrize("tiers", ["dim-dim", "dim-0d", "0d-dim", "0d-0d"])
def test_promotion_tensor_pairs(op, tiers):
    fn = _OPS[op]
    za, zb = tiers.split("-")[0] == "0d", tiers.split("-")[1] == "0d"
    for da in DTYPES:
        for db in DTYPES:
            ea, ta = _pair(da, za)
            eb, tb = _pair(db, zb)
            _assert_same(_run(fn, ea, eb), _run(fn, ta, tb), f"{da}[{tiers}] {op} {db}")


@pytest.mark.parametrize("op", list(_OPS))
@pytest.mark.parametrize("zero_d", [False, True])
def test_promotion_with_python_scalars(op, zero_d):
    fn = _OPS[op]
    for d in DTYPES:
        et, tt = _pair(d, zero_d)
        for s in SCALARS:
            _assert_same(_run(fn, et, s), _run(fn, tt, s), f"{d} {op} {s!r}")
            _assert_same(_run(fn, s, et), _run(fn, s, tt), f"{s!r} {op} {d}")


@pytest.mark.parametrize("name", ["add", "mul", "div", "eq", "sub", "remainder", "maximum",
                                  "atan2", "pow", "fmod"])
def test_function_forms_promote_like_operators(name):
    for da, db in [("int32", "float64"), ("uint8", "int8"), ("bool", "int16"),
                   ("float16", "int64"), ("int64", "float32")]:
        ea, ta = _pair(da, False)
        eb, tb = _pair(db, False)
        _assert_same(_run(getattr(ember, name), ea, eb), _run(getattr(torch, name), ta, tb),
                     f"{name}({da}, {db})")


def _same_error(fn, *args):
    """Run ``fn(lib, *args)`` in both libraries; both must raise the same class and message."""
    with pytest.raises(Exception) as want:  # noqa: PT011 - the class comes from torch
        fn(torch, *args)
    with pytest.raises(type(want.value)) as got:
        fn(ember, *args)
    return str(got.value), str(want.value)


@pytest.mark.parametrize("case", [
    lambda L: L.ones(2, 3) + L.ones(4, 1, 2),
    lambda L: L.maximum(L.ones(2), L.ones(3)),
    lambda L: L.where(L.ones(2) > 0, L.ones(2), L.ones(3)),
    lambda L: L.tensor([True]) - L.tensor([False]),
    lambda L: -L.tensor([True]),
    lambda L: +L.tensor([True]),
    lambda L: L.tensor([1, 2]) // L.tensor([1, 0]),
    lambda L: L.tensor([1, 2]) % 0,
    lambda L: L.div(L.tensor([1, 2]), 0, rounding_mode="trunc"),
    lambda L: L.fmod(L.tensor([1, 2]), L.tensor([0, 1])),
    lambda L: L.tensor([2, 3]) ** -1,
    lambda L: L.clamp(L.ones(2)),
    lambda L: L.where(L.ones(2), 1.0, 0.0),
    lambda L: L.isclose(L.ones(2), L.ones(2, dtype=L.float64)),
    lambda L: L.lerp(L.ones(2), L.ones(2, dtype=L.float64), 0.5),
    lambda L: L.arange(3).add_(1.5),
    lambda L: L.ones(2).add_(L.ones(2, 2)),
    lambda L: L.ones(2, requires_grad=True).mul_(2),
    lambda L: L.ones(2) & L.ones(2),
    lambda L: L.ones(2).bitwise_not(),
    lambda L: L.hypot(L.arange(2), L.arange(2)),
    lambda L: L.arange(3).frac(),
    lambda L: L.relu(L.tensor([True])),
    lambda L: L.tensor([True]).abs(),
    lambda L: L.maximum(L.ones(2), 2),
    lambda L: L.atan2(2.0, L.ones(2)),
    lambda L: L.logical_and(L.ones(2), True),
    lambda L: L.add(L.arange(2), 1, alpha=0.5),
    lambda L: L.add(L.ones(2), 1, alpha=True),
    lambda L: L.div(L.ones(2), 2, rounding_mode="round"),
    lambda L: L.exp(L.arange(3), out=L.zeros(3, dtype=L.int64)),
    lambda L: L.exp(L.ones(2, requires_grad=True), out=L.zeros(2, requires_grad=True)),
    lambda L: L.ones(2).float_power_(2),
    lambda L: L.tensor([True]) ** L.tensor([True]),
    lambda L: L.round(L.arange(3), decimals=1),
])
def test_errors_match_torch(case):
    got, want = _same_error(case)
    assert got == want


def test_error_messages_name_the_shapes():
    got, want = _same_error(lambda L: L.ones(2, 3) * L.ones(4, 1, 2))
    assert "size of tensor a (3)" in got and got == want


@pytest.mark.parametrize("expr", [
    "x + y", "x - y", "x * y", "x / y", "2 - x", "2 / x", "-x", "x ** 2", "x ** y", "2 ** x",
    "x.square()", "x.exp()", "x.sqrt()", "x.abs()", "x.relu()", "x.sigmoid()", "x.tanh()",
    "x.erf()", "x.erfc()", "x.erfinv()", "x.logit()", "x.logit(0.1)", "x.round()",
    "x.round(decimals=2)", "x.clamp(0.1)", "x.clamp(y)", "x.nan_to_num()", "x.lerp(y, 0.3)",
    "x.lerp(y, y)", "torch.where(x > 0, x, y)", "torch.fmax(x, y)", "torch.hypot(x, y)",
    "torch.copysign(x, y)", "torch.copysign(x, 2.0)", "torch.maximum(x, y)",
    "torch.atan2(x, y)", "x % y", "x.fmod(y)", "x.sign()", "x.frac()", "x.fix()",
    "x.expm1()", "x.rsqrt()", "x.reciprocal()", "torch.div(x, y, rounding_mode='trunc')",
    "x.add(y, alpha=2)",
])
def test_grad_fn_names(expr):
    def name(lib):
        x = lib.tensor([0.3, 0.6], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([0.5, 0.2], dtype=lib.float64, requires_grad=True)
        out = eval(expr, {"torch": lib, "x": x, "y": y})
        return type(out.grad_fn).__name__ if lib is torch else out.grad_fn.name()

    assert name(ember) == name(torch)


_SILENT = [
    lambda x: x / 0, lambda x: x.log(), lambda x: x * 1e30 * 1e30, lambda x: x.exp() * x.exp(),
    lambda x: x.sqrt(), lambda x: x.rsqrt(), lambda x: x.reciprocal(), lambda x: x % 0,
    lambda x: x // 0, lambda x: x.fmod(0), lambda x: x**-1, lambda x: x.atanh(),
    lambda x: x.acosh(), lambda x: x.logit(), lambda x: x.erfinv(),
    lambda x: x - x * 1e30 * 1e30, lambda x: (x + 1) ** 1e9, lambda x: x**x,
    lambda x: x.sinh() * 1e38, lambda x: (x * 1e5).cosh(), lambda x: (x * 1e30).tan(),
    lambda x: 2 ** (x * 1e9), lambda x: x.pow(x * -1e9), lambda x: x.sigmoid(),
    lambda x: (x * 1e30).expm1(), lambda x: x.div(0, rounding_mode="trunc"),
]


@pytest.mark.parametrize("fn", _SILENT)
def test_inf_and_nan_results_are_silent(fn):
    """PyTorch gives inf/NaN without warnings; NumPy would warn."""
    data = [0.0, -1.0, 1e30, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = fn(ember.tensor(data))
    want = fn(torch.tensor(data))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_erf_family_accuracy_float64():
    x = np.linspace(-8, 8, 20001)
    for name in ("erf", "erfc"):
        got = getattr(ember, name)(ember.tensor(x)).numpy()
        want = getattr(torch, name)(torch.tensor(x)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-300, err_msg=name)
    p = np.concatenate([np.linspace(-0.999999, 0.999999, 20001), [1 - 2**-53, -1.0, 1.0]])
    np.testing.assert_allclose(ember.erfinv(ember.tensor(p)).numpy(),
                               torch.erfinv(torch.tensor(p)).numpy(), rtol=1e-7)


def test_integer_and_bool_inputs_of_float_functions():
    for d in ["bool", "uint8", "int32", "int64"]:
        e, t = _pair(d, False)
        for name in ("exp", "sqrt", "sigmoid", "erf", "log1p", "sin"):
            _assert_same(getattr(e, name)(), getattr(t, name)(), f"{name}({d})")
        for name in ("floor", "ceil", "trunc", "round", "sign", "sgn"):
            _assert_same(_run(getattr(e, name)), _run(getattr(t, name)), f"{name}({d})")


def test_default_dtype_float64_promotion():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for expr in ("a / 2", "a + 2.5", "a.exp()", "ember.where(a > 1, 1.0, 0)"):
            e = eval(expr, {"a": ember.arange(3), "ember": ember})
            t = eval(expr, {"a": torch.arange(3), "ember": torch})
            assert str(e.dtype)[6:] == str(t.dtype)[6:], expr
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_operator_protocol():
    x = ember.ones(2)
    assert {x: 1}[x] == 1 and len({x, ember.ones(2)}) == 2  # hash by identity
    assert (x == None) is False and (x != None) is True  # noqa: E711 - torch's answers
    assert (x == "a") is False
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        x + [1.0, 2.0]
    p = ember.nn.Parameter(ember.ones(2))
    assert (p + x).grad_fn.name() == "AddBackward0"
    assert (x * np.float64(2.0)).dtype == ember.float32  # NumPy scalars act as Python numbers


def test_inplace_bumps_version_and_keeps_identity():
    x = ember.ones(3)
    y = x
    v = x._version
    x += 1
    x *= 2
    x.exp_()
    assert y is x and x._version == v + 3
    a = ember.ones(3, dtype=ember.float64, requires_grad=True)
    b = a * 1
    b.mul_(a).sin_()
    b.sum().backward()
    t = torch.ones(3, dtype=torch.float64, requires_grad=True)
    u = t * 1
    u.mul_(t).sin_()
    u.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy())


def test_saved_input_modified_in_place_raises():
    a = ember.ones(3, requires_grad=True)
    b = a * 1
    c = b * b
    b.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_out_argument():
    e_out, t_out = ember.zeros(3), torch.zeros(3)
    ember.add(ember.ones(3), 2, out=e_out)
    torch.add(torch.ones(3), 2, out=t_out)
    np.testing.assert_array_equal(e_out.numpy(), t_out.numpy())
    e_r = ember.eq(ember.arange(3), 1, out=ember.zeros(3))
    t_r = torch.eq(torch.arange(3), 1, out=torch.zeros(3))
    assert e_r.dtype == ember.float32 and e_r.tolist() == t_r.tolist()


@pytest.mark.parametrize("fn", [lambda L, x: L.floor_divide(x, 2), lambda L, x: x // 2,
                                lambda L, x: 3 // x])
def test_floor_divide_records_a_node_whose_backward_refuses(fn):
    for L in (ember, torch):
        x = L.tensor([1.5, 2.5], requires_grad=True)
        y = fn(L, x)
        assert y.grad_fn.name() == "torch::autograd::NotImplemented"
        assert repr(y.grad_fn).startswith("<NotImplemented object at")
        with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not"):
            y.sum().backward()


def test_ldexp_gradient_for_negative_integer_exponents():
    """PyTorch 2.13 gives 0 there (an integer exp2 in its backward); the derivative is 2**e."""
    x = ember.tensor([1.0, -3.0, 2.5], dtype=ember.float64, requires_grad=True)
    e = ember.tensor([-2, 0, 3])
    assert ember.autograd.gradcheck(lambda x: ember.ldexp(x, e), (x,))
    ember.ldexp(x, e).sum().backward()
    assert x.grad.tolist() == [0.25, 1.0, 8.0]
