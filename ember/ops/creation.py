"""Tensor creation: from data (``tensor``, ``from_numpy``...) and by shape (``zeros``...)."""

from __future__ import annotations

import math

import numpy as np

from .. import devices
from .. import dtypes as _dt
from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..random import np_rng
from ..tensor import Tensor, register_methods
from ._util import np_dtype, shape_arg


def _check_layout(layout) -> None:
    if layout is not None and getattr(layout, "name", "strided") != "strided":
        raise NotImplementedError(
            f"layout={layout} is not supported by Ember: only ember.strided tensors exist"
        )


def _finish(arr: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    devices.parse(device)
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_array(data) -> np.ndarray:
    """Nested Python data -> an array with PyTorch's inferred dtype (floats -> default)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, (list, tuple)):
        data = _unwrap(data)
    try:
        arr = np.asarray(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists: {e}") from None
    if arr.dtype.kind == "f" and not isinstance(data, np.generic):
        arr = arr.astype(_dt.get_default_dtype().np, copy=False)
    elif arr.dtype.kind == "O" or arr.dtype.kind in "USV":
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    elif arr.dtype.kind == "c":
        raise TypeError("complex tensors are not supported by Ember")
    elif arr.dtype.kind in "iu" and arr.dtype != np.uint8 and not isinstance(data, np.generic):
        arr = arr.astype(np.int64, copy=False)
    return arr


def _unwrap(data):
    """Replace Tensors inside nested lists with their Python values."""
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    if isinstance(data, Tensor):
        return data._data if data._data.ndim else data._data.item()
    return data


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor copied from ``data`` (nested lists, NumPy arrays, numbers, tensors)."""
    if isinstance(data, Tensor):
        import warnings

        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone()."
            "detach() or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    arr = _infer_array(data)
    dt = np_dtype(dtype)
    arr = np.array(arr, dtype=dt, copy=True) if dt is not None else np.array(arr, copy=True)
    _dt.from_numpy_dtype(arr.dtype)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or NumPy array when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        _dt.from_numpy_dtype(data.dtype)
        dt = np_dtype(dtype)
        return _finish(data if dt is None else data.astype(dt, copy=False), False, device)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    """``as_tensor`` with PyTorch's ``copy=`` switch."""
    if copy:
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    t = as_tensor(obj, dtype=dtype, device=device)
    return t.requires_grad_(True) if requires_grad else t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (writes go both ways)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _factory(fill, size, dtype, device, requires_grad, layout=None, default=None):
    _check_layout(layout)
    shape = shape_arg(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}"
        )
    dt = np_dtype(dtype) if dtype is not None else (default or _dt.get_default_dtype().np)
    return _finish(fill(shape, dt), requires_grad, device)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of zeros of the given shape."""
    return _factory(np.zeros, size, dtype, device, requires_grad, layout)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of ones of the given shape."""
    return _factory(np.ones, size, dtype, device, requires_grad, layout)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None) -> Tensor:
    """An uninitialised tensor (zero-filled in Ember, so runs stay reproducible)."""
    return _factory(np.zeros, size, dtype, device, requires_grad, layout)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64, float)."""
    default = None
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        default = _dt.scalar_dtype(fill_value).np
    return _factory(lambda s, d: np.full(s, fill_value, d), (size,), dtype, device,
                    requires_grad, layout, default)


def _like(fill, input: Tensor, dtype, requires_grad, layout=None, device=None):
    _check_layout(layout)
    dt = np_dtype(dtype) if dtype is not None else input._data.dtype
    return _finish(fill(input._data.shape, dt), requires_grad, device)


def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return _like(np.zeros, input, dtype, requires_grad, layout, device)


def ones_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return _like(np.ones, input, dtype, requires_grad, layout, device)


def empty_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None) -> Tensor:
    return _like(np.zeros, input, dtype, requires_grad, layout, device)


def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None) -> Tensor:
    return _like(lambda s, d: np.full(s, fill_value, d), input, dtype, requires_grad, layout,
                 device)


def _legacy_new(cls, dtype: _dt.dtype, args, kwargs) -> Tensor:
    """PyTorch's legacy constructor: ``Tensor(2, 3)`` (a shape) or ``Tensor([1, 2])`` (data)."""
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    devices.parse(device)
    npd = _dt.to_numpy_dtype(dtype)
    if not args:
        arr = np.zeros((0,), npd)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        if args[0]._data.dtype != npd:
            raise TypeError(
                f"expected {dtype} (got {args[0].dtype})"
            )
        return args[0]
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or (
        len(args) == 1 and type(args[0]).__name__ == "Size"
    ):
        arr = np.zeros(shape_arg(args), npd)
    elif len(args) == 1:
        arr = np.array(_infer_array(args[0]), dtype=npd)
    else:
        raise TypeError(f"new() received an invalid combination of arguments: {args!r}")
    t = object.__new__(cls)
    t._data = arr
    return t


# ---- ranges --------------------------------------------------------------------------------


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """[start, end) in steps of ``step``; int64 for integer arguments, else the default float."""
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    all_int = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end, step))
    dt = np_dtype(dtype) if dtype is not None else (
        np.dtype(np.int64) if all_int else _dt.get_default_dtype().np)
    n = math.ceil((end - start) / step)
    values = start + np.arange(n, dtype=np.float64 if not all_int else np.int64) * step
    return _factory(lambda s, d: values.astype(d), (n,), dt, device, requires_grad, layout)


def range(start, end, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A001
    """Deprecated [start, end] *inclusive* range (always floating), as torch.range."""
    import warnings

    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior "
        "is inconsistent with Python's range builtin. Instead, use torch.arange, which produces "
        "values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    n = int(math.floor((end - start) / step)) + 1
    dt = np_dtype(dtype) or _dt.get_default_dtype().np
    return _factory(lambda s, d: (start + np.arange(n) * step).astype(d), (n,), dt, device,
                    requires_grad)


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = _num(start), _num(end)
    dt = np_dtype(dtype) or _dt.get_default_dtype().np
    return _factory(lambda s, d: np.linspace(start, end, steps).astype(d), (steps,), dt,
                    device, requires_grad, layout)


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, layout=None,
             device=None, requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps)."""
    dt = np_dtype(dtype) or _dt.get_default_dtype().np
    return _factory(lambda s, d: np.logspace(_num(start), _num(end), steps, base=base).astype(d),
                    (steps,), dt, device, requires_grad, layout)


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix."""
    m = n if m is None else m
    if n < 0 or m < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {min(n, m)}")
    return _factory(lambda s, d: np.eye(n, m, dtype=d), (n, m), dtype, device, requires_grad,
                    layout)


# ---- random sampling ------------------------------------------------------------------------


def _sample_dtype(dt):
    """NumPy samples float32 and float64 natively; other floats go through float32."""
    return dt if dt in (np.float32, np.float64) else np.dtype(np.float32)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1)."""
    rng = np_rng(generator)
    return _factory(lambda s, d: rng.random(s, dtype=_sample_dtype(d)).astype(d, copy=False),
                    size, dtype, device, requires_grad, layout)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples."""
    rng = np_rng(generator)
    return _factory(
        lambda s, d: rng.standard_normal(s, dtype=_sample_dtype(d)).astype(d, copy=False),
        size, dtype, device, requires_grad, layout)


def rand_like(input: Tensor, *, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype=None, layout=None, device=None,
               requires_grad: bool = False, memory_format=None) -> Tensor:
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint(low, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad: bool = False) -> Tensor:
    """Integers uniform in [low, high) (int64 by default)."""
    if size is None:
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    rng = np_rng(generator)
    dt = np_dtype(dtype) or np.dtype(np.int64)
    return _factory(lambda s, d: rng.integers(low, high, s).astype(d), (size,), dt, device,
                    requires_grad, layout)


def randint_like(input: Tensor, low, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad: bool = False, memory_format=None) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype)


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    rng = np_rng(generator)
    dt = np_dtype(dtype) or np.dtype(np.int64)
    return _factory(lambda s, d: rng.permutation(n).astype(d), (n,), dt, device, requires_grad,
                    layout)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad: bool = False) -> Tensor:
    """Normal samples; ``mean`` and ``std`` may be tensors (broadcast together) or floats."""
    rng = np_rng(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() missing required argument 'size' when mean and std are "
                            "floats")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dt = np_dtype(dtype) or _dt.get_default_dtype().np
        z = rng.standard_normal(shape_arg((size,)), dtype=_sample_dtype(dt))
        return _finish((z * std + mean).astype(dt, copy=False), requires_grad, device)
    m = mean._data if mt else np.asarray(mean)
    s = std._data if st else np.asarray(std)
    if (s < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    dt = (mean if mt else std)._data.dtype
    if dt.kind != "f":
        raise RuntimeError(
            f"normal expects floating point mean and std, got {(mean if mt else std).dtype}"
        )
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    z = rng.standard_normal(shape, dtype=_sample_dtype(dt))
    return Tensor._make((z * s + m).astype(dt, copy=False))


def bernoulli(input: Tensor, p=None, *, generator=None, out=None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0; same dtype as ``input``."""
    probs = input._data if p is None else np.full(input.shape, p)
    if ((probs < 0) | (probs > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = np_rng(generator).random(input.shape)
    return Tensor._make((u < probs).astype(input._data.dtype))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None,
                out=None) -> Tensor:
    """Indices sampled from the rows of ``input`` (unnormalised probabilities)."""
    p = input._data.astype(np.float64)
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if (p < 0).any() or not np.isfinite(p).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = p.reshape(-1, p.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    rng = np_rng(generator)
    out_rows = []
    for r in rows:
        total = r.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and (r > 0).sum() < num_samples:
            raise RuntimeError("invalid multinomial distribution (with replacement=False, not "
                               "enough non-negative category to sample)")
        out_rows.append(rng.choice(len(r), num_samples, replace=replacement, p=r / total))
    res = np.asarray(out_rows, np.int64)
    return Tensor._make(res[0] if p.ndim == 1 else res)


def poisson(input: Tensor, generator=None) -> Tensor:
    """Poisson samples with rates ``input`` (same dtype)."""
    return Tensor._make(np_rng(generator).poisson(input._data).astype(input._data.dtype))


# ---- in-place fills and samplers (Tensor methods) --------------------------------------------


def _write(self: Tensor, values) -> Tensor:
    """Overwrite ``self`` in place (outside the graph), with PyTorch's leaf check."""
    if self._rg and self.grad_fn is None and state.enabled:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    self._data[...] = values
    if self._ver is None:
        self._ver = [1]
    else:
        self._ver[0] += 1
    if state.enabled and self._base is not None and (self._rg or self._base._rg):
        from .indexing import rebase_view  # a write into a view: the base's graph changes

        rebase_view(self, Tensor._make(self._data))
    elif self._rg and state.enabled:  # the old graph no longer produced these values
        self.grad_fn = None
        self._rg = False
    return self


def fill_(self: Tensor, value) -> Tensor:
    """Fill with ``value`` in place."""
    return _write(self, _num(value))


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place."""
    return _write(self, 0)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    z = np_rng(generator).standard_normal(self.shape, dtype=_sample_dtype(self._data.dtype))
    return _write(self, z * std + mean)


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
    u = np_rng(generator).random(self.shape, dtype=_sample_dtype(self._data.dtype))
    return _write(self, u * (b - a) + a)


def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    probs = p._data if isinstance(p, Tensor) else p
    return _write(self, np_rng(generator).random(self.shape) < probs)


def random_(self: Tensor, start: int = 0, to=None, *, generator=None) -> Tensor:
    if to is None:
        start, to = 0, start if start else 2**24 if self._data.dtype.kind == "f" else 2**31
    return _write(self, np_rng(generator).integers(start, to, self.shape))


def exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    return _write(self, np_rng(generator).exponential(1.0 / lambd, self.shape))


def geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    return _write(self, np_rng(generator).geometric(p, self.shape))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None):
    return _write(self, np_rng(generator).lognormal(mean, std, self.shape))


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None):
    return _write(self, median + sigma * np_rng(generator).standard_cauchy(self.shape))


class CopyFrom(Op):
    """``self.copy_(src)``: the result is ``src`` broadcast and cast to self's shape/dtype."""

    _name = "CopyBackwards"

    @staticmethod
    def forward(ctx, src, shape, dtype):
        return np.broadcast_to(src, shape).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None, None


def copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self``; gradient flows to ``src``."""
    from .pointwise import _inplace

    if not isinstance(src, Tensor):
        src = Tensor._make(np.asarray(src))
    try:
        result = CopyFrom.apply(src, self._data.shape, self._data.dtype)
    except ValueError:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(np.broadcast_shapes(self.shape, src.shape))}"
        ) from None
    return _inplace(self, result)


register_methods(fill_, zero_, normal_, uniform_, bernoulli_, random_, exponential_, geometric_,
                 log_normal_, cauchy_, copy_, bernoulli=bernoulli, multinomial=multinomial)

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "empty", "full",
    "zeros_like", "ones_like", "empty_like", "full_like", "arange", "range", "linspace",
    "logspace", "eye", "rand", "randn", "rand_like", "randn_like", "randint", "randint_like",
    "randperm", "normal", "bernoulli", "multinomial", "poisson",
]
