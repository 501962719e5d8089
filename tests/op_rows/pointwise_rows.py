"""Rows for the pointwise ops: arithmetic and promotion, unary math, comparisons and logic,
pow/clamp/where/lerp and friends, Python operators and in-place forms."""

import numpy as np

from tests.oracle import Arg, Row

P = dict(low=0.2, high=3.0)  # positive domain
U = dict(low=-0.9, high=0.9)  # inside (-1, 1)
I64 = dict(dtype="int64", low=-5, high=6)


def _fn(name):
    return lambda L, *xs: getattr(L, name)(*xs)


def _method(name):
    return lambda L, x, *rest: getattr(x, name)(*rest)


def _inplace(name):
    return lambda L, x, *rest: getattr(x * 1, name + "_")(*rest)  # x * 1: not a leaf


_SMOOTH_UNARY = [
    ("exp", {}), ("exp2", {}), ("expm1", {}), ("log", P), ("log2", P), ("log10", P),
    ("log1p", P), ("sqrt", P), ("rsqrt", P), ("reciprocal", P), ("sin", {}), ("cos", {}),
    ("tan", U), ("asin", U), ("acos", U), ("atan", {}), ("sinh", {}), ("cosh", {}),
    ("tanh", {}), ("asinh", {}), ("acosh", dict(low=1.2, high=3)), ("atanh", U),
    ("sigmoid", {}), ("erf", {}), ("erfc", {}), ("erfinv", U), ("square", {}),
    ("logit", dict(low=0.1, high=0.9)), ("neg", {}), ("negative", {}), ("positive", {}),
    ("arcsin", U), ("arccos", U), ("arctan", {}), ("arcsinh", {}),
    ("arccosh", dict(low=1.2, high=3)), ("arctanh", U),
]
# PyTorch has no derivative for these in-place forms ("inplace version of asinh")
_NO_INPLACE_GRAD = {"asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh"}
_KINKED_UNARY = ["abs", "absolute", "relu", "floor", "ceil", "trunc", "fix", "frac", "sign",
                 "sgn", "round"]


def _kink_order(name):
    return 0 if name == "sgn" else 1  # PyTorch's sgn gradient is a ZeroTensor (no .numpy())


_FLOAT_VALUED = ["exp", "log1p", "sqrt", "sin", "tanh", "sigmoid", "erf", "erfc", "atan",
                 "reciprocal", "expm1", "exp2"]

ROWS = (
    [Row(f"pw_{n}", _fn(n), [Arg((3, 4), **dom)]) for n, dom in _SMOOTH_UNARY]
    + [Row(f"pw_{n}_method", _method(n), [Arg((5,), **dom)]) for n, dom in _SMOOTH_UNARY]
    + [Row(f"pw_{n}_", _inplace(n), [Arg((5,), **dom)],
           order=0 if n in _NO_INPLACE_GRAD else 2) for n, dom in _SMOOTH_UNARY
       if n != "positive"]
    + [Row(f"pw_{n}", _fn(n), [Arg((3, 4), unique=True)], order=_kink_order(n))
       for n in _KINKED_UNARY]
    + [Row(f"pw_{n}_", _inplace(n), [Arg((5,), unique=True)], order=_kink_order(n))
       for n in _KINKED_UNARY]
    + [Row(f"pw_int_{n}", _fn(n), [Arg((6,), **I64)], order=0) for n in _FLOAT_VALUED]
    + [Row(f"pw_bool_{n}", _fn(n), [Arg((6,), "bool")], order=0) for n in _FLOAT_VALUED]
    + [Row(f"pw_int_{n}", _fn(n), [Arg((6,), **I64)], order=0)
       for n in ["abs", "neg", "sign", "sgn", "floor", "ceil", "trunc", "round", "square",
                 "relu", "positive"]]
)

ROWS += [
    Row("pw_kinks_at_zero", lambda L, x: (L.abs(x * 0), L.relu(x * 0), L.sign(x * 0)), [(4,)],
        order=1),
    Row("pw_round_decimals", lambda L, x: L.round(x * 100, decimals=1), [(5,)], order=1),
    Row("pw_round_neg_decimals", lambda L, x: L.round(x * 1000, decimals=-2), [(5,)],
        order=1),
    Row("pw_round_half_even", lambda L, x: L.round(x), [np.array([0.5, 1.5, 2.5, -0.5, -1.5])],
        order=1),
    Row("pw_logit_eps", lambda L, x: L.logit(x, eps=0.25), [Arg((3, 4), low=0.05, high=0.95,
                                                                unique=True)], order=1),
    Row("pw_erf_wide", lambda L, x: (L.erf(x), L.erfc(x)), [Arg((40,), low=-6, high=6)],
        rtol=1e-7, atol=1e-12),
    Row("pw_erfinv_edges", lambda L, x: L.erfinv(x), [Arg((20,), low=-0.999, high=0.999)],
        rtol=1e-7),
    Row("pw_int32_abs_sign", lambda L, x: x.abs() + x.sign(), [Arg((4,), "int32", low=-3, high=3)],
        order=0),
    Row("pw_nan_to_num", lambda L, a: L.nan_to_num((a * 1e30) * 1e30, nan=0.0), [(5,)],
        order=0, dtypes=("float32",)),
    Row("pw_nan_to_num_grad", lambda L, a: L.nan_to_num(a.log(), nan=1.0, neginf=-3.0),
        [np.array([1.5, -1.0, 0.0, 2.0, 0.3])], order=1),
    Row("pw_nan_to_num_method_", lambda L, a: (a * 1).log().nan_to_num_(posinf=2.0),
        [np.array([1.5, -1.0, 0.0, 2.0])], order=1),
]

# ---- binary arithmetic ---------------------------------------------------------------------
ROWS += [
    Row("pw_add", lambda L, a, b: L.add(a, b), [(3, 4), (4,)]),
    Row("pw_add_alpha", lambda L, a, b: L.add(a, b, alpha=2.5), [(3, 4), (3, 1)]),
    Row("pw_add_scalar_first", lambda L, b: L.add(2, b, alpha=3), [(3,)]),
    Row("pw_sub", lambda L, a, b: L.sub(a, b), [(2, 3), (2, 3)]),
    Row("pw_sub_alpha", lambda L, a, b: a.sub(b, alpha=-0.5), [(2, 3), (3,)]),
    Row("pw_subtract", lambda L, a, b: L.subtract(a, b, alpha=2), [(2, 3), (2, 3)]),
    Row("pw_mul", lambda L, a, b: L.mul(a, b), [(2, 1, 3), (4, 1)]),
    Row("pw_multiply", lambda L, a, b: L.multiply(a, b), [(3,), (3,)]),
    Row("pw_div", lambda L, a, b: L.div(a, b), [(3, 4), Arg((4,), **P)]),
    Row("pw_divide", lambda L, a, b: L.divide(a, b), [(3, 4), Arg((4,), **P)]),
    Row("pw_true_divide", lambda L, a, b: L.true_divide(a, b), [(3,), Arg((3,), **P)]),
    Row("pw_div_trunc", lambda L, a, b: L.div(a * 5, b, rounding_mode="trunc"),
        [(3, 4), Arg((4,), **P)], order=1),
    Row("pw_div_floor", lambda L, a, b: L.div(a * 5, b, rounding_mode="floor"),
        [(3, 4), Arg((4,), **P)], order=1),
    Row("pw_div_int", lambda L, a, b: (a / b, L.div(a, b, rounding_mode="trunc"),
                                       L.div(a, b, rounding_mode="floor"), a // b),
        [Arg((8,), "int64", low=-9, high=9), Arg((8,), "int64", low=1, high=4)], order=0),
    Row("pw_floor_divide", lambda L, a, b: L.floor_divide(a * 5, b), [(6,), Arg((6,), **P)],
        order=0),
    Row("pw_div_by_zero_float", lambda L, a: (a / 0, a // 0, a % 0, L.fmod(a, 0.0)),
        [np.array([1.0, -1.0, 0.0])], order=0),
    Row("pw_remainder", lambda L, a, b: L.remainder(a, b), [(3, 4), Arg((3, 4), **P)],
        order=1),
    Row("pw_remainder_neg", lambda L, a, b: L.remainder(a * 3, -b), [(6,), Arg((6,), **P)],
        order=1),
    Row("pw_remainder_scalar_first", lambda L, b: L.remainder(2.5, b), [Arg((4,), **P)],
        order=0),  # PyTorch has no derivative for remainder(Scalar, Tensor)
    Row("pw_remainder_int", lambda L, a: a % 3 + (-a) % 4 + L.remainder(a, -3),
        [Arg((6,), "int64", low=-9, high=9)], order=0),
    Row("pw_fmod", lambda L, a, b: L.fmod(a, b), [(3, 4), Arg((3, 4), **P)], order=1),
    Row("pw_fmod_int", lambda L, a: (L.fmod(a, 3), L.fmod(a, -4)),
        [Arg((6,), "int64", low=-9, high=9)], order=0),
    Row("pw_mod", lambda L, a: a % 0.7, [(6,)], order=1),
    Row("pw_floordiv", lambda L, a: (a // 0.7, 2.0 // (a + 3)), [(6,)], order=0),
]

# ---- pow --------------------------------------------------------------------------------------
ROWS += [
    Row("pw_pow_scalar", lambda L, x: x**3 + x**0.5 + x**-1, [Arg((3, 4), **P)]),
    Row("pw_pow_zero", lambda L, x: x**0, [(3,)]),
    Row("pw_pow_fn", lambda L, x: L.pow(x, 2.5) + x.pow(2), [Arg((3,), **P)]),
    Row("pw_rpow", lambda L, x: 2**x + 0.5**x, [(3, 4)]),
    Row("pw_rpow_fn", lambda L, x: L.pow(3.0, x), [(4,)]),
    Row("pw_pow_tensor", lambda L, a, b: a**b, [Arg((3, 4), **P), (4,)]),
    Row("pw_pow_tensor_fn", lambda L, a, b: L.pow(a, b), [Arg((3,), **P), (3,)]),
    Row("pw_pow_int", lambda L, a: (a**2, a**0, 2**a), [Arg((4,), "int64")], order=0),
    Row("pw_pow_int_tensor_neg", lambda L, a, b: (a**b, 2**b),
        [Arg((8,), "int64", low=-2, high=3), Arg((8,), "int64", low=-2, high=3)], order=0),
    Row("pw_pow_int_float_exp", lambda L, a: (a**0.5, a**-1.0), [Arg((4,), "int64", low=1)],
        order=0),
    Row("pw_float_power", lambda L, a, b: (L.float_power(a, 2), L.float_power(a, b)),
        [Arg((3,), **P), (3,)], dtypes=("float32",)),
    Row("pw_pow_", lambda L, x: (x * 1).pow_(2), [(3,)]),
    Row("pw_ipow", lambda L, x: _iop(x * 1, "__ipow__", 3), [(3,)]),
]

# ---- max/min, atan2, hypot, copysign, lerp, clamp, where -----------------------------------
ROWS += [
    Row("pw_maximum", lambda L, a, b: L.maximum(a, b), [Arg((3, 4), unique=True), (4,)],
        order=1),
    Row("pw_minimum", lambda L, a, b: L.minimum(a, b), [Arg((3, 4), unique=True), (3, 1)],
        order=1),
    Row("pw_maximum_ties", lambda L, a, b: (L.maximum(a, b), L.minimum(a, b)),
        [np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])], order=1),
    Row("pw_maximum_nan", lambda L, a, b: (L.maximum(a, b), L.fmax(a, b), L.fmin(a, b)),
        [np.array([1.0, np.nan, np.nan, 0.5]), np.array([np.nan, 2.0, np.nan, 0.7])],
        order=0),
    Row("pw_fmax", lambda L, a, b: L.fmax(a, b), [Arg((3, 4), unique=True), (4,)], order=1),
    Row("pw_fmin", lambda L, a, b: L.fmin(a, b), [Arg((3, 4), unique=True), (4,)], order=1),
    Row("pw_atan2", lambda L, a, b: L.atan2(a, b), [(3, 4), Arg((3, 4), **P)]),
    Row("pw_arctan2", lambda L, a, b: L.arctan2(a, b), [(3,), (3,)]),
    Row("pw_atan2_", lambda L, a, b: (a * 1).atan2_(b), [(3,), (3,)]),
    Row("pw_atan2_int", lambda L, a, b: L.atan2(a, b), [Arg((5,), **I64), Arg((5,), **I64)],
        order=0),
    Row("pw_hypot", lambda L, a, b: L.hypot(a, b), [(3, 4), (4,)]),
    Row("pw_copysign", lambda L, a, b: L.copysign(a, b), [(3, 4), (4,)], order=1),
    Row("pw_copysign_scalar", lambda L, a: (L.copysign(a, -1.0), a.copysign(2)), [(5,)],
        order=1),
    Row("pw_xlogy", lambda L, a, b: L.xlogy(a, b), [(3, 4), Arg((4,), **P)]),
    Row("pw_xlogy_zeros", lambda L, a, b: L.xlogy(a * 0, b), [(2, 3), Arg((2, 3), **P)],
        order=1),
    Row("pw_xlogy_nan_zero", lambda L: L.xlogy(L.tensor([0.0, 0.0, 1.0]),
                                               L.tensor([float("nan"), 0.0, 0.0])), [], order=0),
    Row("pw_xlogy_scalars", lambda L, a, b: (L.xlogy(2.0, b), L.xlogy(a, 3), b.xlogy(a * a)),
        [(5,), Arg((5,), **P)]),
    Row("pw_xlogy_", lambda L, a, b: (a * 1).xlogy_(b), [(3,), Arg((3,), **P)]),
    Row("pw_xlogy_int", lambda L, a, b: L.xlogy(a, b), [Arg((5,), **I64), Arg((5,), **I64)],
        order=0),
    Row("pw_ldexp", lambda L, a, b: L.ldexp(a, b), [(3, 4), (4,)]),
    # exponents >= 0: PyTorch 2.13's gradient is 0 for negative integer exponents (its
    # integer exp2 in backward); Ember's is 2**e there
    Row("pw_ldexp_int_exp", lambda L, a, b: (L.ldexp(a, b), (a * 1).ldexp_(b)),
        [(2, 5), Arg((5,), dtype="int64", low=0, high=6)]),
    Row("pw_ldexp_int", lambda L, a, b: L.ldexp(a, b), [Arg((5,), **I64), Arg((5,), **I64)],
        order=0),
    Row("pw_lerp", lambda L, a, b: L.lerp(a, b, 0.3), [(3, 4), (3, 4)]),
    Row("pw_lerp_high_weight", lambda L, a, b: L.lerp(a, b, 0.8), [(3, 4), (4,)]),
    Row("pw_lerp_tensor", lambda L, a, b, w: L.lerp(a, b, w), [(3, 4), (3, 4), (3, 4)]),
    Row("pw_lerp_", lambda L, a, b: (a * 1).lerp_(b, 0.25), [(3,), (3,)]),
    Row("pw_clamp", lambda L, x: L.clamp(x, -0.5, 0.7), [Arg((3, 4), unique=True)], order=1),
    Row("pw_clamp_at_bounds", lambda L, x: L.clamp(x, -1.0, 1.0),
        [np.array([-2.0, -1.0, 0.0, 1.0, 2.0])], order=1),
    Row("pw_clamp_tensor", lambda L, x, lo: x.clamp(min=lo), [Arg((3, 4), unique=True),
                                                               Arg((4,), unique=True)], order=1),
    Row("pw_clamp_tensor_both", lambda L, x, lo, hi: L.clamp(x, lo, hi),
        [Arg((3, 4), unique=True), Arg((4,), low=-2, high=-0.1), Arg((3, 1), low=0.1,
                                                                       high=2)], order=1),
    Row("pw_clamp_max", lambda L, x: x.clamp(max=0.1), [Arg((5,), unique=True)], order=1),
    Row("pw_clamp_min_gt_max", lambda L, x: L.clamp(x, 1.0, -1.0), [(5,)], order=1),
    Row("pw_clip", lambda L, x: (L.clip(x, -0.3, 0.3), x.clamp_min(0.1), x.clamp_max(0.1)),
        [Arg((6,), unique=True)], order=1),
    Row("pw_clamp_int", lambda L, x: (L.clamp(x, -2, 2), L.clamp(x, 0.5)),
        [Arg((6,), **I64)], order=0),
    Row("pw_where", lambda L, c, a, b: L.where(c, a, b), [Arg((3, 4), "bool"), (3, 4), (4,)]),
    Row("pw_where_scalar", lambda L, c, a: L.where(c, a, 0.0), [Arg((3, 4), "bool"), (3, 4)]),
    Row("pw_where_scalar_first", lambda L, c, b: L.where(c, 1.5, b), [Arg((4,), "bool"),
                                                                      (4,)]),
    Row("pw_where_method", lambda L, a: a.where(a > 0, -a), [(5,)], order=1),
    Row("pw_where_promote", lambda L, c, a: (L.where(c, a, 2.5), L.where(c, 1, 2),
                                             L.where(c, 1.0, 2), L.where(c, a, 7)),
        [Arg((5,), "bool"), Arg((5,), "int32")], order=0),
    Row("pw_where_mixed_float", lambda L, c, a, b: L.where(c, a, b.double()),
        [Arg((4,), "bool"), (4,), (4,)], dtypes=("float32",)),
    Row("pw_where_nonzero", lambda L, a: L.where(a > 0), [(3, 4)], order=0),
]

# ---- comparisons, logic, bitwise ----------------------------------------------------------
ROWS += [
    Row("pw_compare", lambda L, a, b: (a < b, a <= b, a > b, a >= b, a == b, a != b),
        [Arg((3, 4), "int64"), Arg((4,), "int64")], order=0),
    Row("pw_compare_fns", lambda L, a, b: (L.eq(a, b), L.ne(a, b), L.lt(a, b), L.le(a, b),
                                           L.gt(a, b), L.ge(a, b)),
        [Arg((3, 4), "int64"), Arg((3, 4), "int64")], order=0),
    Row("pw_compare_aliases", lambda L, a, b: (L.greater(a, b), L.greater_equal(a, b),
                                               L.less(a, b), L.less_equal(a, b),
                                               L.not_equal(a, b), a.greater(b)),
        [Arg((5,), "int32"), Arg((5,), "int32")], order=0),
    Row("pw_compare_scalar", lambda L, a: (a > 0, a == 0.5, 1 < a), [(5,)], order=0),  # noqa: SIM300
    Row("pw_compare_promote", lambda L, a, b: (a < b, a == b.double(), a >= 1),
        [Arg((5,), "int64"), (5,)], order=0),
    Row("pw_compare_uint8_neg", lambda L, a: (a > -1, a == 255 - 256), [Arg((4,), "uint8")],
        order=0),
    Row("pw_compare_", lambda L, a, b: ((a * 1).lt_(b), (a * 1).eq_(0.5), (a * 1).ge_(b)),
        [(4,), (4,)], order=0),
    Row("pw_equal", lambda L, a, b: (L.equal(a, a), L.equal(a, b), a.equal(a * 1)),
        [(3,), (3,)], order=0),
    Row("pw_isclose", lambda L, a: (L.isclose(a, a + 1e-6), L.isclose(a, a + 1e-2, atol=0.1),
                                    L.allclose(a, a + 1e-9), L.allclose(a, a + 1.0)),
        [(5,)], order=0),
    Row("pw_isclose_nan", lambda L, a: (L.isclose(a, a), L.isclose(a, a, equal_nan=True)),
        [np.array([1.0, np.nan, np.inf, -np.inf])], order=0),
    Row("pw_logical", lambda L, a, b: (L.logical_and(a, b), L.logical_or(a, b),
                                       L.logical_xor(a, b), L.logical_not(a), a & b, a | b,
                                       a ^ b, ~a), [Arg((3, 4), "bool"), Arg((3, 4), "bool")],
        order=0),
    Row("pw_logical_nonbool", lambda L, a, b: (L.logical_and(a, b), L.logical_not(b),
                                               L.logical_or(b, a)),
        [(5,), Arg((5,), "int64", low=0, high=2)], order=0),
    Row("pw_logical_", lambda L, a, b: ((a * 1).logical_and_(b), (a * 1).logical_not_()),
        [(4,), (4,)], order=0),
    Row("pw_bitwise", lambda L, a, b: (a & b, a | b, a ^ b, ~a, a << 1, a >> 1),
        [Arg((5,), "int32", high=100), Arg((5,), "int32", high=100)], order=0),
    Row("pw_bitwise_fns", lambda L, a, b: (L.bitwise_and(a, b), L.bitwise_or(a, b),
                                           L.bitwise_xor(a, b), L.bitwise_not(a),
                                           L.bitwise_left_shift(a, b),
                                           L.bitwise_right_shift(a, b)),
        [Arg((6,), "int64", low=-50, high=50), Arg((6,), "int64", low=0, high=5)], order=0),
    Row("pw_bitwise_scalar", lambda L, a: (a & 6, 3 | a, a ^ 1, 1 << a, 64 >> a),
        [Arg((5,), "int64", low=0, high=5)], order=0),
    Row("pw_shift_out_of_range", lambda L, a: (a << 70, a >> 70, a >> -1),
        [np.array([-8, 2, 0, 5])], order=0),
    Row("pw_bitwise_uint8", lambda L, a: (a & -1, a | 1, ~a), [Arg((4,), "uint8", high=255)],
        order=0),
    Row("pw_bitwise_", lambda L, a, b: (_iop(a * 1, "__iand__", b), _iop(a * 1, "__ior__", b),
                                        _iop(a * 1, "__ixor__", b), (a * 1).bitwise_not_()),
        [Arg((5,), "int32", high=60), Arg((5,), "int32", high=60)], order=0),
    Row("pw_isnan_isinf", lambda L, a: (L.isnan(a.log()), L.isinf(1 / (a * 0)),
                                        L.isfinite(a.log()), L.isposinf(1 / (a * 0)),
                                        L.isneginf(1 / (a * 0))), [(5,)], order=0),
    Row("pw_isnan_int", lambda L, a: (L.isnan(a), L.isinf(a), L.isfinite(a), L.isposinf(a),
                                      L.isneginf(a)), [Arg((4,), "int64")], order=0),
]


def _iop(x, name, other):
    """``x op= other`` through the dunder (a lambda cannot hold an augmented assignment)."""
    return getattr(x, name)(other)


# ---- Python operators, reflected and in-place forms ------------------------------------------
ROWS += [
    Row("pw_operators", lambda L, a, b: a + b * a - b / a, [Arg((3, 4), **P), (4,)]),
    Row("pw_operators_reflected", lambda L, a: (2 + a, 2 - a, 2 * a, 2 / a, -a, +a),
        [Arg((5,), **P)]),
    Row("pw_operators_reflected_int", lambda L, a: (2 + a, 2 - a, 2 * a, 2 / a, 7 // a,
                                                    7 % a, 2**a, -a),
        [Arg((5,), "int64", low=1, high=5)], order=0),
    Row("pw_abs_operator", lambda L, a: abs(a), [Arg((5,), unique=True)], order=1),
    Row("pw_iadd", lambda L, a, b: _iop(a * 1, "__iadd__", b), [(3, 4), (4,)]),
    Row("pw_isub", lambda L, a, b: _iop(a * 1, "__isub__", b), [(3, 4), (4,)]),
    Row("pw_imul", lambda L, a, b: _iop(a * 1, "__imul__", b), [(3, 4), (4,)]),
    Row("pw_itruediv", lambda L, a, b: _iop(a * 1, "__itruediv__", b),
        [(3, 4), Arg((4,), **P)]),
    Row("pw_ifloordiv_imod", lambda L, a: (_iop(a * 1, "__ifloordiv__", 0.3),
                                           _iop(a * 1, "__imod__", 0.3)), [(5,)], order=0),
    Row("pw_inplace_int", lambda L, a: (_iop(a * 1, "__iadd__", 2), _iop(a * 1, "__imul__", 3),
                                        _iop(a * 1, "__ifloordiv__", 2),
                                        _iop(a * 1, "__imod__", 3),
                                        _iop(a * 1, "__ipow__", 2),
                                        _iop(a * 1, "__ilshift__", 1),
                                        _iop(a * 1, "__irshift__", 1)),
        [Arg((5,), "int64", low=0, high=9)], order=0),
    Row("pw_add_", lambda L, a, b: (a * 1).add_(b, alpha=2), [(3, 4), (4,)]),
    Row("pw_sub_", lambda L, a, b: (a * 1).sub_(b), [(3, 4), (4,)]),
    Row("pw_mul_", lambda L, a, b: (a * 1).mul_(b).sin_(), [(3, 4), (4,)]),
    Row("pw_div_", lambda L, a, b: (a * 1).div_(b), [(3, 4), Arg((4,), **P)]),
    Row("pw_div_floor_", lambda L, a: (a * 1).div_(0.4, rounding_mode="floor"), [(4,)],
        order=1),
    Row("pw_clamp_", lambda L, a: (a * 1).clamp_(-0.2, 0.2), [Arg((3, 4), unique=True)],
        order=1),
    Row("pw_exp_chain_", lambda L, a: (a * 1).exp_() * 2, [(3, 4)]),
    Row("pw_inplace_float_into_int", lambda L, a: (a * 1).add_(3).mul_(2),
        [Arg((4,), "int32")], order=0),
    Row("pw_inplace_downcast", lambda L, a, b: (a * 1).add_(b.double()), [(4,), (4,)],
        dtypes=("float32",)),
]

# ---- promotion ------------------------------------------------------------------------------
ROWS += [
    Row("pw_promote_int_float", lambda L, a: (a + 2.5, a * 2.5, a - 0.5, a / 2),
        [Arg((3,), "int32")], order=0),
    Row("pw_promote_int_int_scalar", lambda L, a: (a + 2, a * 3, a - 1, a // 2),
        [Arg((3,), "int32")], order=0),
    Row("pw_promote_uint8_int8", lambda L, a, b: (a + b, a * b, a - b, L.add(a, b, alpha=2)),
        [Arg((3,), "uint8", high=255), Arg((3,), "int8", low=-100, high=100)], order=0),
    Row("pw_promote_uint8_neg_scalar", lambda L, a: (a + -1, a * -1, a - 300, a / -1),
        [Arg((3,), "uint8", high=255)], order=0),
    Row("pw_promote_bool_bool", lambda L, a, b: (a + b, a * b, a == b, L.add(a, b, alpha=3)),
        [Arg((3,), "bool"), Arg((3,), "bool")], order=0),
    Row("pw_promote_bool_int", lambda L, a: (a + 1, a * 2.5, a + True), [Arg((3,), "bool")],
        order=0),
    Row("pw_promote_f16_int", lambda L, a, b: (a * b, a + 1, a / b), [Arg((3,), "float16"),
                                                                      Arg((3,), "int64",
                                                                          low=1)],
        order=0, dtypes=("float32",), rtol=1e-3, atol=1e-3),
    Row("pw_promote_0d_f64_times_f32", lambda L, a, b: (a.double().sum() * b, b * a.double()
                                                        .sum()), [(2,), (3,)]),
    Row("pw_promote_0d_int_tensor_f32", lambda L, a, b: a * b,
        [Arg((), "int64", low=1, high=4), (3,)]),
    Row("pw_promote_f32_f64", lambda L, a, b: a + b.double(), [(3,), (3,)],
        dtypes=("float32",)),
    Row("pw_promote_int32_int64", lambda L, a, b: (a + b, a * b, a < b),
        [Arg((3,), "int32"), Arg((3,), "int64")], order=0),
    Row("pw_promote_float_0d_int", lambda L, a, b: (a + b, a * b, a / b),
        [Arg((), "int64", low=1, high=4), Arg((3,), "int32", low=1)], order=0),
]
