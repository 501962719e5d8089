"""The oracle harness: run one op through Ember and PyTorch on the same NumPy inputs and compare.

A row is ``Row(name, fn, inputs, ...)`` where ``fn(lib, *tensors)`` calls the op through
``lib`` (``ember`` or ``torch``) and ``inputs`` lists input specs:

- a shape tuple: a random float input of that shape (standard normal);
- ``Arg(shape, dtype=..., low=..., high=..., grad=...)`` for a domain, an integer/bool input,
  or an input that must not be differentiated (indices, masks);
- a NumPy array: used as it is.

``check(row)`` compares, for each dtype in ``row.dtypes``: forward values, shapes and dtypes;
then in float64 the gradients for a random upstream gradient; then (``row.order >= 2``) second
derivatives, by differentiating ``sum(grad_inputs * v)`` once more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import ember

try:
    import torch
except ImportError:  # the tests that use this module skip without torch
    torch = None


@dataclass
class Arg:
    shape: tuple
    dtype: str = "float"
    low: float | None = None
    high: float | None = None
    grad: bool | None = None  # None: differentiate when floating
    unique: bool = False  # distinct values (no ties for max/sort gradients)


@dataclass
class Row:
    name: str
    fn: object
    inputs: list
    order: int = 2  # 0: forward only, 1: + gradient, 2: + second derivative
    dtypes: tuple = ("float32", "float64")
    rtol: float = 1e-5
    atol: float = 1e-6
    seed: int = 0
    marks: list = field(default_factory=list)

    def __repr__(self) -> str:
        return self.name


def _spec(x) -> Arg | np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, Arg):
        return x
    return Arg(tuple(x))


def make_arrays(row: Row, float_dtype: str) -> list:
    rng = np.random.default_rng(row.seed)
    out = []
    for s in map(_spec, row.inputs):
        if isinstance(s, np.ndarray):
            out.append(s.astype(float_dtype) if s.dtype.kind == "f" else s)
            continue
        kind = s.dtype
        if kind == "float":
            lo = -2.0 if s.low is None else s.low
            hi = 2.0 if s.high is None else s.high
            if s.unique:
                n = int(np.prod(s.shape))
                a = lo + (hi - lo) * (rng.permutation(n) + rng.uniform(0.2, 0.8, n)) / max(n, 1)
                a = a.reshape(s.shape)
            elif s.low is None and s.high is None:
                a = rng.standard_normal(s.shape)
            else:
                a = rng.uniform(lo, hi, s.shape)
            out.append(np.asarray(a, dtype=float_dtype))
        elif kind == "bool":
            out.append(rng.random(s.shape) < 0.5)
        else:
            lo = 0 if s.low is None else int(s.low)
            hi = 5 if s.high is None else int(s.high)
            out.append(rng.integers(lo, hi, s.shape).astype(kind))
    return out


def _wants_grad(spec, arr) -> bool:
    if isinstance(spec, Arg) and spec.grad is not None:
        return spec.grad
    return arr.dtype.kind == "f"


def _flat(out) -> list:
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [out]


def _to_np(x):
    if isinstance(x, ember.Tensor):
        return x.detach().numpy()
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def _dtype_name(x) -> str:
    if isinstance(x, (ember.Tensor,)) or (torch is not None and isinstance(x, torch.Tensor)):
        return str(x.dtype).split(".")[-1]
    return type(x).__name__


def _compare(name, got, want, rtol, atol) -> None:
    g, w = _flat(got), _flat(want)
    assert len(g) == len(w), f"{name}: {len(g)} outputs, torch gives {len(w)}"
    for i, (a, b) in enumerate(zip(g, w)):
        assert _dtype_name(a) == _dtype_name(b), (
            f"{name} output {i}: dtype {_dtype_name(a)}, torch gives {_dtype_name(b)}"
        )
        na, nb = _to_np(a), _to_np(b)
        assert na.shape == nb.shape, f"{name} output {i}: shape {na.shape}, torch {nb.shape}"
        if na.dtype.kind == "f" or nb.dtype.kind == "f":
            np.testing.assert_allclose(na, nb, rtol=rtol, atol=atol, err_msg=f"{name} output {i}")
        else:
            np.testing.assert_array_equal(na, nb, err_msg=f"{name} output {i}")


def _tensors(lib, arrays, specs, requires_grad: bool):
    out = []
    for a, s in zip(arrays, specs):
        t = lib.tensor(a.copy()) if lib is ember else torch.tensor(a.copy())
        if requires_grad and _wants_grad(s, a):
            t.requires_grad_(True)
        out.append(t)
    return out


def _diff_outputs(outs) -> list:
    return [o for o in _flat(outs) if getattr(o, "requires_grad", False)]


def check(row: Row) -> None:
    """Compare ``row`` between Ember and PyTorch: forward, gradient, second derivative."""
    specs = [_spec(x) for x in row.inputs]
    for fd in row.dtypes:
        arrays = make_arrays(row, fd)
        e_out = row.fn(ember, *_tensors(ember, arrays, specs, False))
        t_out = row.fn(torch, *_tensors(torch, arrays, specs, False))
        tol = (row.rtol, row.atol) if fd == "float64" else (max(row.rtol, 1e-5), max(row.atol, 1e-5))
        _compare(f"{row.name}[{fd}] forward", e_out, t_out, *tol)
    if row.order < 1:
        return
    arrays = make_arrays(row, "float64")
    e_in = _tensors(ember, arrays, specs, True)
    t_in = _tensors(torch, arrays, specs, True)
    e_diff = [t for t in e_in if t.requires_grad]
    t_diff = [t for t in t_in if t.requires_grad]
    if not t_diff:
        return
    e_outs = _diff_outputs(row.fn(ember, *e_in))
    t_outs = _diff_outputs(row.fn(torch, *t_in))
    assert len(e_outs) == len(t_outs), f"{row.name}: differentiable outputs differ"
    if not t_outs:
        return
    rng = np.random.default_rng(row.seed + 1)
    ups = [rng.standard_normal(tuple(o.shape)) for o in t_outs]
    create = row.order >= 2
    e_g = ember.autograd.grad(e_outs, e_diff, [ember.tensor(u) for u in ups],
                              create_graph=create, allow_unused=True)
    t_g = torch.autograd.grad(t_outs, t_diff, [torch.tensor(u) for u in ups],
                              create_graph=create, allow_unused=True)
    for i, (a, b) in enumerate(zip(e_g, t_g)):
        assert (a is None) == (b is None), f"{row.name}: grad {i} is None in only one"
        if b is not None:
            _compare(f"{row.name} grad {i}", a, b, row.rtol, row.atol)
    if not create:
        return
    # A gradient that PyTorch marks differentiable may be a constant in Ember (e.g. a bias
    # gradient that is just a sum of the upstream gradient): it then contributes zero below.
    pairs = [(a, b) for a, b in zip(e_g, t_g) if b is not None and b.requires_grad]
    if not pairs:
        return
    vs = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    e_terms = [(a * ember.tensor(v)).sum() for (a, _), v in zip(pairs, vs) if a.requires_grad]
    t_s = sum((b * torch.tensor(v)).sum() for (_, b), v in zip(pairs, vs))
    t_gg = torch.autograd.grad(t_s, t_diff, allow_unused=True)
    if not e_terms:
        e_gg = [None] * len(e_diff)
    else:
        e_gg = ember.autograd.grad(sum(e_terms), e_diff, allow_unused=True)
    for i, (a, b) in enumerate(zip(e_gg, t_gg)):
        if b is None or a is None:
            other = a if b is None else b
            assert other is None or np.allclose(_to_np(other), 0), f"{row.name}: grad-grad {i}"
            continue
        _compare(f"{row.name} grad-grad {i}", a, b, row.rtol, row.atol)
