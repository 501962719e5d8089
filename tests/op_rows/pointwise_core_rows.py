"""Rows for the pointwise ops (unary math, comparisons, pow, clamp, where, ...)."""

from tests.oracle import Arg, Row

P = dict(low=0.2, high=3.0)  # positive domain
U = dict(low=-0.9, high=0.9)  # inside (-1, 1)

ROWS = [
    Row(f"pw_{name}", (lambda n: lambda L, x: getattr(L, n)(x))(name), [Arg((3, 4), **dom)])
    for name, dom in [
        ("exp", {}), ("exp2", {}), ("expm1", {}), ("log", P), ("log2", P), ("log10", P),
        ("log1p", P), ("sqrt", P), ("rsqrt", P), ("reciprocal", P), ("sin", {}), ("cos", {}),
        ("tan", U), ("asin", U), ("acos", U), ("atan", {}), ("sinh", {}), ("cosh", {}),
        ("tanh", {}), ("asinh", {}), ("acosh", dict(low=1.2, high=3)), ("atanh", U),
        ("sigmoid", {}), ("erf", {}), ("erfc", {}), ("square", {}), ("logit", dict(low=0.1,
                                                                                   high=0.9)),
    ]
] + [
    Row(f"pw_{name}", (lambda n: lambda L, x: getattr(L, n)(x))(name), [Arg((3, 4), unique=True)],
        order=1)
    for name in ("abs", "relu", "floor", "ceil", "trunc", "frac", "sign", "round")
] + [
    Row("pw_round_decimals", lambda L, x: L.round(x * 100, decimals=1), [(5,)], order=1),
    Row("pw_int_exp", lambda L, x: L.exp(x), [Arg((4,), "int64")], order=0),
    Row("pw_int_abs", lambda L, x: x.abs() + x.sign(), [Arg((4,), "int32", low=-3, high=3)],
        order=0),
    Row("pw_pow_scalar", lambda L, x: x**3 + x**0.5 + x**-1, [Arg((3, 4), **P)]),
    Row("pw_pow_zero", lambda L, x: x**0, [(3,)]),
    Row("pw_rpow", lambda L, x: 2**x + 0.5**x, [(3, 4)]),
    Row("pw_pow_tensor", lambda L, a, b: a**b, [Arg((3, 4), **P), (4,)]),
    Row("pw_pow_int", lambda L, a: a**2, [Arg((4,), "int64")], order=0),
    Row("pw_maximum", lambda L, a, b: L.maximum(a, b), [Arg((3, 4), unique=True), (4,)],
        order=1),
    Row("pw_minimum", lambda L, a, b: L.minimum(a, b), [Arg((3, 4), unique=True), (3, 1)],
        order=1),
    Row("pw_atan2", lambda L, a, b: L.atan2(a, b), [(3, 4), Arg((3, 4), **P)]),
    Row("pw_remainder", lambda L, a, b: L.remainder(a, b), [(3, 4), Arg((3, 4), **P)],
        order=1),
    Row("pw_remainder_int", lambda L, a: a % 3 + (-a) % 4, [Arg((6,), "int64", low=-9,
                                                                   high=9)], order=0),
    Row("pw_fmod", lambda L, a, b: L.fmod(a, b), [(3, 4), Arg((3, 4), **P)], order=1),
    Row("pw_clamp", lambda L, x: L.clamp(x, -0.5, 0.7), [Arg((3, 4), unique=True)], order=1),
    Row("pw_clamp_tensor", lambda L, x, lo: x.clamp(min=lo), [Arg((3, 4), unique=True),
                                                               Arg((4,), unique=True)], order=1),
    Row("pw_clamp_max", lambda L, x: x.clamp(max=0.1), [Arg((5,), unique=True)], order=1),
    Row("pw_where", lambda L, c, a, b: L.where(c, a, b), [Arg((3, 4), "bool"), (3, 4), (4,)]),
    Row("pw_where_scalar", lambda L, c, a: L.where(c, a, 0.0), [Arg((3, 4), "bool"), (3, 4)]),
    Row("pw_lerp", lambda L, a, b: L.lerp(a, b, 0.3), [(3, 4), (3, 4)]),
    Row("pw_lerp_tensor", lambda L, a, b, w: L.lerp(a, b, w), [(3, 4), (3, 4), (3, 4)]),
    Row("pw_compare", lambda L, a, b: (a < b, a <= b, a > b, a >= b, a == b, a != b),
        [Arg((3, 4), "int64"), Arg((4,), "int64")], order=0),
    Row("pw_compare_scalar", lambda L, a: (a > 0, a == 0.5, 1 < a), [(5,)], order=0),  # noqa: SIM300
    Row("pw_logical", lambda L, a, b: (L.logical_and(a, b), L.logical_or(a, b),
                                       L.logical_xor(a, b), L.logical_not(a), a & b, a | b,
                                       a ^ b, ~a), [Arg((3, 4), "bool"), Arg((3, 4), "bool")],
        order=0),
    Row("pw_bitwise", lambda L, a, b: (a & b, a | b, a ^ b, ~a, a << 1, a >> 1),
        [Arg((5,), "int32", high=100), Arg((5,), "int32", high=100)], order=0),
    Row("pw_isnan_isinf", lambda L, a: (L.isnan(a.log()), L.isinf(1 / (a * 0)),
                                        L.isfinite(a.log())), [(5,)], order=0),
    Row("pw_nan_to_num", lambda L, a: L.nan_to_num((a * 1e30) * 1e30, nan=0.0), [(5,)],
        order=0),
    Row("pw_hypot_copysign", lambda L, a, b: (L.hypot(a, b), L.copysign(a, b)), [(4,), (4,)],
        order=1),
    Row("pw_inplace_exp_", lambda L, a: (a * 1).exp_() * 2, [(3, 4)]),
    Row("pw_inplace_mul_", lambda L, a, b: (a * 1).mul_(b).sin_(), [(3, 4), (4,)]),
    Row("pw_inplace_clamp_", lambda L, a: (a * 1).clamp_(-0.2, 0.2), [Arg((3, 4), unique=True)],
        order=1),
    Row("pw_mod", lambda L, a: a % 0.7, [(6,)], order=1),
    Row("pw_floordiv", lambda L, a: a // 0.7, [(6,)], order=0),
    Row("pw_promote_int_float", lambda L, a: a + 2.5, [Arg((3,), "int32")], order=0),
    Row("pw_promote_uint8_int8", lambda L, a, b: a + b, [Arg((3,), "uint8"), Arg((3,), "int8")],
        order=0),
    Row("pw_promote_bool_bool", lambda L, a, b: a + b, [Arg((3,), "bool"), Arg((3,), "bool")],
        order=0),
    Row("pw_promote_f16_int", lambda L, a, b: a * b, [Arg((3,), "float16"),
                                                      Arg((3,), "int64")], order=0,
        dtypes=("float32",)),
]
