"""Indexing: ``t[key]``, ``t[key] = value``, gather/scatter and in-place writes into views.

A key is applied in two steps, as PyTorch does: ints, slices, ``None`` and ``...`` give a NumPy
view (``GetItem``); integer tensors, lists and masks left over then index that view (``Index``,
a copy). NumPy's placement of the advanced-index dimensions equals PyTorch's once the ints are
gone. The gradient of a read is a scatter-add of ``grad`` into zeros and the gradient of that
scatter-add is a read: each op below is the backward of another, so any order of derivative works.

Writing into a view of a tensor whose graph is recorded (``y[0] += 1``, ``y[:, 0].mul_(2)``)
rewires the base's graph through ``CopySlices`` (``rebase_view``), as PyTorch does.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from .. import dtypes as _dt
from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape, wrap_dim

_SLICE_ALL = slice(None)
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))


# ---- scatter-add kernel ------------------------------------------------------------------


def _scatter_add(out: np.ndarray, dim: int, idx: np.ndarray, src: np.ndarray) -> None:
    """``out[..., idx[j], ...] += src[..., j, ...]`` along ``dim``, repeats accumulating.

    ``out`` is C-contiguous and ``idx`` holds non-negative ints. ``np.add.at`` is slow when the
    indexed dim has others before it, so rows of narrow slices go through one ``bincount`` and
    wide ones through sort + ``add.reduceat``; ``np.add.at`` remains for ints and complex.
    """
    shape = out.shape
    p = int(np.prod(shape[:dim], dtype=np.int64))
    n, q, m = shape[dim], int(np.prod(shape[dim + 1:], dtype=np.int64)), idx.size
    if m == 0 or out.size == 0:
        return
    o = out.reshape(p, n, q)
    s = np.broadcast_to(src, shape[:dim] + idx.shape + shape[dim + 1:]).reshape(p, m, q)
    idx = idx.reshape(-1)
    if out.dtype.kind != "f" or out.dtype.itemsize < 4:
        np.add.at(o, (_SLICE_ALL, idx), s)
    elif q < 32:
        flat = (np.arange(p)[:, None, None] * n + idx[None, :, None]) * q + np.arange(q)
        sums = np.bincount(flat.reshape(-1), weights=s.reshape(-1), minlength=o.size)
        o += sums.reshape(o.shape).astype(out.dtype, copy=False)
    else:
        order = np.argsort(idx)
        si = idx[order]
        starts = np.flatnonzero(np.concatenate(([True], si[1:] != si[:-1])))
        o[:, si[starts]] += np.add.reduceat(s[:, order], starts, axis=1)


def _wrap_index(idx: np.ndarray, n: int) -> np.ndarray:
    """Negative indices made non-negative (a copy only when there are any)."""
    if idx.size and idx.min() < 0:
        return np.where(idx < 0, idx + n, idx)
    return idx


def _out_of_bounds(idx: np.ndarray, n: int, negative: bool = True):
    """The first index outside ``[-n, n)`` (``[0, n)`` without ``negative``), or None."""
    if idx.size == 0:
        return None
    low = -n if negative else 0
    lo, hi = idx.min(), idx.max()
    if lo >= low and hi < n:
        return None
    return int(idx.reshape(-1)[np.argmax(((idx < low) | (idx >= n)).reshape(-1))])


def _bounds_msg(v: int, dim: int, n: int) -> str:
    return f"index {v} is out of bounds for dimension {dim} with size {n}"


# ---- t[key] ------------------------------------------------------------------------------


def _seq_as_tuple(seq) -> bool:
    """PyTorch reads a short list holding sequences, slices, ``None`` or ``...`` as a tuple."""
    if len(seq) >= 32:
        return False
    for k in seq:
        if isinstance(k, (Tensor, list, tuple, np.ndarray, slice)) or k is None or k is Ellipsis:
            return True
    return False


def _index_array(k) -> np.ndarray:
    """A list / tuple / ndarray index as an int64 or bool array."""
    if isinstance(k, np.ndarray):
        a = k
    else:
        a = np.asarray(_tensor_free(k))
    if a.dtype == np.bool_:
        return a
    if a.dtype.kind in "iuf" or a.size == 0:
        return a.astype(np.int64, copy=False)
    raise IndexError(
        "tensors used as indices must be long, int, byte or bool tensors"
    )


def _tensor_free(k):
    if isinstance(k, (list, tuple)):
        return [_tensor_free(x) for x in k]
    return k._data if isinstance(k, Tensor) else k


def _slice(s: slice) -> slice:
    start, stop, step = s.start, s.stop, s.step
    if step is not None:
        step = operator.index(step)
        if step <= 0:
            raise ValueError("slice step cannot be zero" if step == 0 else
                             "step must be greater than zero")
    if isinstance(start, Tensor) or isinstance(stop, Tensor):
        start = None if start is None else operator.index(start)
        stop = None if stop is None else operator.index(stop)
    return slice(start, stop, step)


def _items(key) -> list:
    """The key as a list of normalised items: ('i', int), ('s', slice), ('n',), ('e',),
    ('b', bool), ('a', int array), ('m', bool array)."""
    if isinstance(key, tuple):
        pass
    elif isinstance(key, (list, np.ndarray)) and _seq_as_tuple(key):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
            "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this "
            "will be interpreted as tensor index, x[torch.tensor(seq)], which will result either "
            "in an error or a different result",
            UserWarning,
            stacklevel=4,
        )
        key = tuple(key)
    else:
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, Tensor):
            a = k._data
            if a.dtype not in _INDEX_DTYPES and a.dtype.kind != "b" and a.dtype != np.uint8:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if a.dtype.kind == "b" or a.dtype == np.uint8:
                if a.dtype == np.uint8:
                    warnings.warn(
                        "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                        "torch.bool instead.", UserWarning, stacklevel=4,
                    )
                    a = a.astype(np.bool_)
                out.append(("b", bool(a)) if a.ndim == 0 else ("m", a))
            elif a.ndim == 0:
                out.append(("i", int(a)))
            else:
                out.append(("a", a))
        elif isinstance(k, (bool, np.bool_)):
            out.append(("b", bool(k)))
        elif isinstance(k, (int, np.integer)):
            out.append(("i", int(k)))
        elif isinstance(k, slice):
            out.append(("s", _slice(k)))
        elif k is None:
            out.append(("n",))
        elif k is Ellipsis:
            out.append(("e",))
        elif isinstance(k, (list, tuple, np.ndarray)):
            a = _index_array(k)
            out.append(("m", a) if a.dtype == np.bool_ else ("a", a))
        elif isinstance(k, str):
            raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                f"are valid indices (got {type(k).__name__})"
            )
    return out


def _split_key(key, shape: tuple):
    """A PyTorch key as (NumPy basic key, [(view dim, int or bool array)], grad_fn name)."""
    items = _items(key)
    ndim = len(shape)
    used = 0
    for it in items:
        t = it[0]
        if t in "isa":
            used += 1
        elif t == "m":
            used += it[1].ndim
    if used > ndim:
        if ndim == 0 and items[0][0] == "i":
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        if ndim == 0 and items[0][0] == "s":
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, adv = [], []
    dim = vdim = 0
    name = "AliasBackward0"
    ellipsis_done = False
    for it in items:
        t = it[0]
        if t == "i":
            i, n = it[1], shape[dim]
            if not -n <= i < n:
                raise IndexError(_bounds_msg(i, vdim, n))
            basic.append(i)
            dim += 1
            name = "SelectBackward0"
        elif t == "s":
            s = it[1]
            basic.append(s)
            if len(items) == 1 or s != _SLICE_ALL:
                name = "SliceBackward0"
            dim += 1
            vdim += 1
        elif t == "n":
            basic.append(None)
            vdim += 1
            name = "UnsqueezeBackward0"
        elif t == "e":
            if not ellipsis_done:
                k = ndim - used
                basic.extend([_SLICE_ALL] * k)
                dim += k
                vdim += k
                ellipsis_done = True
        elif t == "b":
            basic.append(None)
            adv.append((vdim, np.zeros(1 if it[1] else 0, np.int64)))
            vdim += 1
        elif t == "a":
            basic.append(_SLICE_ALL)
            adv.append((vdim, it[1]))
            dim += 1
            vdim += 1
        else:
            k = it[1].ndim
            basic.extend([_SLICE_ALL] * k)
            adv.append((vdim, it[1]))
            dim += k
            vdim += k
    while basic and basic[-1] is _SLICE_ALL:
        basic.pop()
    return tuple(basic), adv, name


def _adv_key(adv: list, vshape: tuple):
    """The advanced part of a key, checked as PyTorch checks it, as a NumPy key on the view.

    Returns (key, unique): ``unique`` is True when no element can be picked twice (masks)."""
    key: list = []
    arrays = []
    unique = True
    for vdim, a in adv:
        key.extend([_SLICE_ALL] * (vdim - len(key)))
        if a.dtype == np.bool_:
            mshape = vshape[vdim:vdim + a.ndim]
            for j, (m, n) in enumerate(zip(a.shape, mshape)):
                if m != n:
                    raise IndexError(
                        f"The shape of the mask {fmt_shape(a.shape)} at index {j} does not match "
                        f"the shape of the indexed tensor {fmt_shape(vshape)} at index {vdim + j}"
                    )
            nz = np.nonzero(a) if a.ndim else (np.zeros(int(a), np.int64),)
            key.extend(nz)
            arrays.extend(nz)
        else:
            bad = _out_of_bounds(a, vshape[vdim])
            if bad is not None:
                raise IndexError(_bounds_msg(bad, len(arrays), vshape[vdim]))
            key.append(a)
            arrays.append(a)
            unique = False
    if len(arrays) > 1:
        try:
            np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            shapes = ", ".join(fmt_shape(a.shape) for a in arrays)
            raise IndexError(
                f"shape mismatch: indexing tensors could not be broadcast together with shapes "
                f"{shapes}"
            ) from None
    return tuple(key), unique


class GetItem(Op):
    """``x[key]`` for a basic key: a view."""

    _name = "SliceBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, key, name="SliceBackward0"):
        key = key if isinstance(key, tuple) else (key,)
        ctx.shape, ctx.key, ctx._name = x.shape, key, name
        return x[key + (Ellipsis,)]  # all-int keys give a 0-d view, not a NumPy scalar

    @staticmethod
    def backward(ctx, grad):
        # a view picks elements: its gradient puts grad back in their places
        return IndexAdd.apply(grad, ctx.shape, ctx.key, True), None


class Index(Op):
    """``x[key]`` with integer arrays or masks: a copy."""

    @staticmethod
    def forward(ctx, x, key, unique=False):
        ctx.shape, ctx.key, ctx.unique = x.shape, key, unique
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        # each picked element's gradient adds into its source (repeats accumulate)
        return IndexAdd.apply(grad, ctx.shape, ctx.key, ctx.unique), None, None


class IndexAdd(Op):
    """Zeros of ``shape`` with ``grad`` added at ``key``; ``unique`` keys are simply assigned."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, key, unique):
        ctx.key, ctx.unique = key, unique
        out = np.zeros(shape, g.dtype)
        if unique:
            out[key] = g
        else:
            _add_at_key(out, key, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        # the adjoint of a scatter-add is the read at the same key
        if ctx.unique and _is_basic(ctx.key):
            return GetItem.apply(grad, ctx.key), None, None, None
        return Index.apply(grad, ctx.key), None, None, None


def _is_whole(key) -> bool:
    return isinstance(key, tuple) and len(key) == 1 and key[0] is Ellipsis


def _is_basic(key) -> bool:
    return all(not isinstance(k, np.ndarray) for k in key)


def _add_at_key(out: np.ndarray, key: tuple, g: np.ndarray) -> None:
    """``out[key] += g`` with repeated elements accumulating; fast when the arrays are adjacent."""
    pos = [i for i, k in enumerate(key) if isinstance(k, np.ndarray)]
    if pos != list(range(pos[0], pos[-1] + 1)):
        np.add.at(out, key, g)
        return
    d0, d1 = pos[0], pos[-1] + 1
    arrays = np.broadcast_arrays(*(_wrap_index(key[i], out.shape[i]) for i in pos))
    lin = np.ravel_multi_index(arrays, out.shape[d0:d1]) if len(pos) > 1 else arrays[0]
    merged = out.reshape(out.shape[:d0] + (-1,) + out.shape[d1:])
    _scatter_add(merged, d0, lin, g)


def _fast_basic(key, shape: tuple):
    """(key, grad_fn name) for the common keys made only of in-range ints and plain slices."""
    if key.__class__ is not tuple:
        key = (key,)
    if len(key) > len(shape):
        return None
    name = None
    for k, n in zip(key, shape):
        c = k.__class__
        if c is int:
            if not -n <= k < n:
                return None
            name = "SelectBackward0"
        elif c is slice:
            if k.step is not None and (k.step.__class__ is not int or k.step <= 0):
                return None
            if k.start.__class__ not in _PLAIN or k.stop.__class__ not in _PLAIN:
                return None
            if len(key) == 1 or k != _SLICE_ALL:
                name = "SliceBackward0"
        else:
            return None
    return (key, name) if name else None


_PLAIN = (int, type(None))


def getitem(input: Tensor, key) -> Tensor:
    """``input[key]`` with PyTorch's rules (see the module docstring)."""
    shape = input._data.shape
    fast = _fast_basic(key, shape)
    if fast is not None:
        return GetItem.apply(input, fast[0], fast[1])
    basic, adv, name = _split_key(key, shape)
    out = GetItem.apply(input, basic, name) if basic or not adv else input
    if not adv:
        return out
    k, unique = _adv_key(adv, out._data.shape)
    return Index.apply(out, k, unique)


# ---- t[key] = value ----------------------------------------------------------------------

_CTYPES = {"int64": "int64_t", "int32": "int", "int16": "short", "int8": "int8_t",
           "uint8": "uint8_t", "bool": "bool", "float32": "float", "float64": "double",
           "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def _scalar_for(value, dt: np.dtype):
    """A Python number as a NumPy scalar of ``dt`` (floats truncate toward zero into ints)."""
    if isinstance(value, complex) and dt.kind != "c":
        if value.imag == 0:
            value = value.real
        else:
            raise RuntimeError(
                f"value cannot be converted to type {_CTYPES.get(dt.name, dt.name)} without "
                "overflow"
            )
    if dt.kind in "iu" and isinstance(value, float):
        info = np.iinfo(dt)
        if not np.isfinite(value) or not info.min <= value <= info.max:
            raise RuntimeError(
                f"value cannot be converted to type {_CTYPES[dt.name]} without overflow"
            )
        value = int(value)
    if dt.kind in "iu" and isinstance(value, int) and not isinstance(value, bool):
        info = np.iinfo(dt)
        if not info.min <= value <= info.max:
            raise RuntimeError(
                f"value cannot be converted to type {_CTYPES[dt.name]} without overflow"
            )
    return np.array(value).astype(dt)


def _value_array(value, dt: np.dtype) -> np.ndarray:
    """What ``t[key] = value`` writes, as an array of ``t``'s dtype."""
    if isinstance(value, Tensor):
        v = value._data
        return v if v.dtype == dt else v.astype(dt)
    if isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        return _scalar_for(value.item() if isinstance(value, np.generic) else value, dt)
    if isinstance(value, (list, tuple, np.ndarray)):
        return np.asarray(_tensor_free(value)).astype(dt)
    raise TypeError(
        f"can't assign a {type(value).__name__} to a ember.{_dt._FROM_NP[dt]._legacy}"
    )


def _strip_leading_ones(v: np.ndarray, ndim: int) -> np.ndarray:
    while v.ndim > ndim and v.shape[0] == 1:
        v = v[0]
    return v


def _write(target: np.ndarray, key, v: np.ndarray, accumulate: bool = False) -> None:
    """``target[key] = v`` (or ``+=``), with PyTorch's shape errors."""
    if _is_whole(key):
        key = Ellipsis
    if key is Ellipsis and not accumulate:
        try:
            target[...] = v
        except ValueError:
            _expand_error(v, target.shape)
            raise
        return
    if accumulate:
        shape = target[key].shape
        v = _broadcast_value(v, shape)
        _add_at_key(target, key, v) if not _is_basic(key) else np.add(
            target[key], v, out=target[key]
        )
        return
    try:
        target[key] = v
    except ValueError:
        shape = target[key].shape
        _broadcast_value(v, shape)
        raise


def _expand_error(v: np.ndarray, shape: tuple) -> None:
    """PyTorch's error for a value that does not expand to the written region."""
    v = _strip_leading_ones(v, len(shape))
    if v.ndim > len(shape):
        raise RuntimeError(
            f"expand(ember.{_dt._FROM_NP[v.dtype]._legacy}{{{fmt_shape(v.shape)}}}, "
            f"size={fmt_shape(shape)}): the number of sizes provided ({len(shape)}) must be "
            f"greater or equal to the number of dimensions in the tensor ({v.ndim})"
        )
    lead = len(shape) - v.ndim
    for k, (a, b) in enumerate(zip(shape[lead:], v.shape)):
        if b not in (1, a):
            raise RuntimeError(
                f"The expanded size of the tensor ({a}) must match the existing size ({b}) at "
                f"non-singleton dimension {lead + k}.  Target sizes: {fmt_shape(shape)}.  "
                f"Tensor sizes: {fmt_shape(v.shape)}"
            )


def _broadcast_value(v: np.ndarray, shape: tuple) -> np.ndarray:
    v = _strip_leading_ones(v, len(shape))
    try:
        return np.broadcast_to(v, shape)
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {fmt_shape(v.shape)} cannot be broadcast "
            f"to indexing result of shape {fmt_shape(shape)}"
        ) from None


def _bump(t: Tensor) -> None:
    if t._ver is None:
        t._ver = [1]
    else:
        t._ver[0] += 1


class IndexPut(Op):
    """``x[basic][adv] = v`` (or ``+=``): x's gradient loses the written places; v's is the read."""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, v, basic, adv, accumulate, inplace, name="IndexPutBackward0"):
        ctx.basic, ctx.adv, ctx.accumulate, ctx._name = basic, adv, accumulate, name
        ctx.vshape = np.shape(v)
        out = x if inplace else x.copy()
        target = out[basic] if basic else out
        _write(target, adv, v if isinstance(v, np.ndarray) else np.asarray(v, x.dtype), accumulate)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 where not overwritten (everywhere when accumulating); d/dv: the read at key
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = grad if ctx.accumulate else IndexPut.apply(
                grad, 0.0, ctx.basic, ctx.adv, False, False
            )
        if ctx.needs_input_grad[1]:
            gv = GetItem.apply(grad, ctx.basic) if ctx.basic else grad
            if ctx.adv and not _is_whole(ctx.adv):
                gv = Index.apply(gv, ctx.adv)
            gv = _unstrip(gv, ctx.vshape)
        return gx, gv, None, None, None, None


def _unstrip(g: Tensor, shape: tuple) -> Tensor:
    """Give back the leading 1-dims a written value had beyond the indexed shape."""
    extra = len(shape) - g._data.ndim
    return g.reshape((1,) * extra + g._data.shape) if extra > 0 else g


def setitem(input: Tensor, key, value) -> None:
    """Write ``value`` into ``input[key]`` in place (cast to input's dtype, broadcast)."""
    a = input._data
    fast = _fast_basic(key, a.shape)
    basic, adv = (fast[0], None) if fast is not None else _split_key(key, a.shape)[:2]
    view = a[basic + (Ellipsis,)] if basic else a
    akey, _ = _adv_key(adv, view.shape) if adv else ((), True)
    if not view.flags.writeable:
        _read_only(view)
    v = _value_array(value, a.dtype)
    value_rg = isinstance(value, Tensor) and value._rg
    record = state.enabled and a.dtype.kind == "f" and (input._rg or value_rg)
    if not record:
        _write(view, akey if adv else Ellipsis, v)
        _bump(input)
        return
    if input._rg and input.grad_fn is None:
        raise RuntimeError(
            f"a {'view of a ' if basic else ''}leaf Variable that requires grad is being used in "
            "an in-place operation."
        )
    vt = value if value_rg else v
    if value_rg and value._data.dtype != a.dtype:
        from .pointwise import _cast

        vt = _cast(value, a.dtype)
    if input._base is None and not basic:
        # a write into the tensor itself: one IndexPut node, computed in place
        name = "IndexPutBackward0"
        if not adv:
            akey = (Ellipsis,)
            name = "CopyBackwards" if isinstance(value, Tensor) else "FillBackward3"
        out = IndexPut.apply(input, vt, (), akey, False, True, name=name)
        _bump(input)
        input.grad_fn, input._out_idx, input._rg = out.grad_fn, 0, True
        return
    vw = GetItem.apply(input, basic) if basic else input
    result = IndexPut.apply(vw, vt, (), akey if adv else (Ellipsis,), False, False)
    np.copyto(vw._data, result._data)
    _bump(input)
    rebase_view(vw, result)
    if vw is not input and input._base is not None:
        _refresh_view(input)


_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


def _read_only(view: np.ndarray, one_value: bool = False) -> None:
    """Refuse a write into a read-only (expanded) array, with PyTorch's error when it overlaps.

    ``one_value``: the write stores one value everywhere (fill_, zero_), which PyTorch allows.
    """
    if not one_value and any(s == 0 and n > 1 for s, n in zip(view.strides, view.shape)):
        raise RuntimeError(_OVERLAP)
    raise NotImplementedError(
        "Ember cannot write into an expanded (or read-only NumPy) tensor; clone() it first"
    )


# ---- in-place writes into views: CopySlices ----------------------------------------------


def _addresses(a: np.ndarray) -> np.ndarray:
    """Byte offset of every element of ``a`` from its first one, in C order."""
    off = np.zeros(a.shape, np.int64)
    for d, (n, s) in enumerate(zip(a.shape, a.strides)):
        off = off + (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (a.ndim - d - 1))
    return off


def _positions(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Flat C-order positions in ``base`` of the elements of ``view``, which lies in its memory."""
    item = base.itemsize
    start = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if view.itemsize != item or start % item or any(s % item for s in view.strides):
        raise NotImplementedError(
            "Ember cannot record an in-place write into a view that reinterprets its base's "
            "dtype; clone the view first"
        )
    if base.flags.c_contiguous:
        flat = np.arange(base.size, dtype=np.int64)
        if view.size and not 0 <= start // item < base.size:
            raise NotImplementedError("Ember cannot locate this view inside its base tensor")
        strides = tuple(s // item * flat.itemsize for s in view.strides)
        pos = np.lib.stride_tricks.as_strided(flat[start // item:], view.shape, strides)
        return np.array(pos)
    addr = _addresses(base).reshape(-1)
    order = np.argsort(addr)
    want = (_addresses(view) + start).reshape(-1)
    at = np.minimum(np.searchsorted(addr[order], want), addr.size - 1)
    if addr.size == 0 or (addr[order][at] != want).any():
        raise NotImplementedError("Ember cannot locate this view inside its base tensor")
    return order[at].reshape(view.shape)


class CopySlices(Op):
    """The base after a write into its view: ``result`` at ``pos``, the old base elsewhere."""

    _name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base, result, pos):
        ctx.pos = pos
        mask = np.zeros(base.shape, np.bool_)
        mask.reshape(-1)[pos.reshape(-1)] = True
        ctx.mask = mask
        return base

    @staticmethod
    def backward(ctx, grad):
        # d/d old base: 1 outside the view; d/d result: 1 at the view's positions
        gb = masked_fill(grad, Tensor._make(ctx.mask), 0.0) if ctx.needs_input_grad[0] else None
        gr = Take.apply(grad, ctx.pos, True) if ctx.needs_input_grad[1] else None
        return gb, gr, None


class AsStrided(Op):
    """A view re-read from its (rewritten) base through flat positions."""

    _name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, pos, view):
        ctx.pos, ctx.shape = pos, base.shape
        return view

    @staticmethod
    def backward(ctx, grad):
        # the view's elements are the base's at pos
        return TakeBackward.apply(grad, ctx.pos, ctx.shape, True), None, None


def rebase_view(view: Tensor, result: Tensor) -> None:
    """Record that ``view`` (already holding ``result``'s values) was written in place.

    Its base gets a ``CopySlices`` node and the view a node reading from the new base, so
    gradients flow as in PyTorch. Other views of the same base made before are re-pointed when
    next used (autograd.node._fresh).
    """
    base = view._base
    # a view that requires grad of a base that does not: an intermediate view was made a leaf
    if (base._rg and base.grad_fn is None) or (view._rg and not base._rg):
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    pos = _positions(view._data, base._data)
    if pos.size > 1 and np.unique(pos).size != pos.size:
        raise RuntimeError(_OVERLAP)
    out = CopySlices.apply(base, result if result._rg else None, pos)
    base.grad_fn, base._out_idx, base._rg = out.grad_fn, 0, True
    _refresh_view(view, pos)


def _refresh_view(view: Tensor, pos: np.ndarray | None = None) -> None:
    """Point ``view``'s grad_fn at its base's current graph."""
    if pos is None:
        pos = _positions(view._data, view._base._data)
    out = AsStrided.apply(view._base, pos, view._data)
    view.grad_fn, view._out_idx, view._rg = out.grad_fn, 0, out._rg
    view._view_ver = view._ver[0]


# ---- flat take / put ---------------------------------------------------------------------


class Take(Op):
    """``x.reshape(-1)[idx]`` (non-negative ``idx``)."""

    @staticmethod
    def forward(ctx, x, idx, unique=False):
        ctx.idx, ctx.shape, ctx.unique = idx, x.shape, unique
        return x.reshape(-1)[idx]

    @staticmethod
    def backward(ctx, grad):
        # each taken element's gradient adds into its flat position
        return TakeBackward.apply(grad, ctx.idx, ctx.shape, ctx.unique), None, None


class TakeBackward(Op):
    """Zeros of ``shape`` with ``g`` added at flat positions ``idx``."""

    _name = "PutBackward0"

    @staticmethod
    def forward(ctx, g, idx, shape, unique):
        ctx.idx, ctx.unique = idx, unique
        out = np.zeros(shape, g.dtype)
        if unique:
            out.reshape(-1)[idx.reshape(-1)] = g.reshape(-1)
        else:
            _scatter_add(out.reshape(-1), 0, idx, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        return Take.apply(grad, ctx.idx, ctx.unique), None, None, None


def _flat_index(input: Tensor, index: Tensor, name: str) -> np.ndarray:
    i = index._data
    if i.dtype != np.int64:
        raise RuntimeError(
            f"{name}(): Expected a long tensor for index, but got {index.dtype._legacy[:-6]}"
        )
    n = input._data.size
    bad = _out_of_bounds(i, n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return _wrap_index(i, n)


def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of ``input`` read as 1-D at ``index``; the result has ``index``'s shape."""
    return Take.apply(input, _flat_index(input, index, "take"))


class Put(Op):
    """``x`` with flat positions ``idx`` set to (or increased by) ``src``."""

    @staticmethod
    def forward(ctx, x, src, idx, accumulate):
        ctx.idx, ctx.accumulate, ctx.shape = idx, accumulate, src.shape
        out = x.copy()
        flat = out.reshape(-1)
        if accumulate:
            _scatter_add(flat, 0, idx, src)
        else:
            flat[idx.reshape(-1)] = src.reshape(-1)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 except where overwritten; d/dsrc: the gradient read at idx
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = grad
            if not ctx.accumulate:
                zeros = np.zeros(ctx.idx.shape, grad._data.dtype)
                gx = Put.apply(grad, Tensor._make(zeros), ctx.idx, False)
        if ctx.needs_input_grad[1]:
            gs = Take.apply(grad, ctx.idx).reshape(ctx.shape)
        return gx, gs, None, None


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` (read as 1-D) with ``index`` set to ``source`` (or increased, ``accumulate``)."""
    idx = _flat_index(input, index, "put_")
    if source._data.size != idx.size:
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source._data.size}, index.numel() = {idx.size}"
        )
    _same_dtype(input, source, "put_(): self and source expected to have the same dtype, but "
                f"got (self) {input.dtype._legacy[:-6]} and (source) "
                f"{source.dtype._legacy[:-6]}")
    return Put.apply(input, source, idx, bool(accumulate))


def put_(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    return _inplace(self, put(self, index, source, accumulate))


def _same_dtype(a: Tensor, b: Tensor, msg: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(msg)


def _inplace(self: Tensor, result: Tensor) -> Tensor:
    from .pointwise import _inplace as inplace

    return inplace(self, result)


# ---- along one dim: index_select / index_add / index_copy / index_fill -------------------


def _dim_index(input: Tensor, dim: int, index: Tensor, name: str, dtypes=_INDEX_DTYPES):
    """(wrapped dim, 1-D non-negative index array) with PyTorch's checks for ``name``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    i = index._data
    if i.dtype not in dtypes:
        exc = IndexError if name == "index_fill_" else RuntimeError
        raise exc(_DTYPE_MSG[name].format(index.dtype._legacy[:-6]))
    ndim = input._data.ndim
    d = wrap_dim(dim, ndim)
    if i.ndim > 1:
        exc = RuntimeError if name == "index_fill_" else IndexError
        raise exc(_VECTOR_MSG[name].format(i.ndim, fmt_shape(i.shape)))
    i = i.reshape(-1)
    n = input._data.shape[d] if ndim else 1
    bad = _out_of_bounds(i, n, negative=name == "index_fill_")
    if bad is not None:
        if name == "index_select":
            if bad < 0:
                raise RuntimeError(
                    f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}"
                )
            raise IndexError("index out of range in self")
        prefix = "index_copy_(): " if name == "index_copy_" else ""
        exc = IndexError if name in ("index_copy_", "index_fill_") else RuntimeError
        raise exc(prefix + _bounds_msg(bad, d, n))
    return d, _wrap_index(i, n)


_DTYPE_MSG = {
    "index_select": "index_select(): Expected dtype int32 or int64 for index",
    "index_add_": "index_add_(): Expected dtype int32/int64 for index but got: {}",
    "index_copy_": "index_copy_(): Expected a long tensor for index, but got {}",
    "index_fill_": "index_fill_(): Expected dtype int64 for index.",
}
_VECTOR_MSG = {
    "index_select": "index_select(): Index is supposed to be a vector",
    "index_add_": "index_add_(): Index is supposed to be a vector, but got dim: {0} with type: "
                  "Long and size: {1}",
    "index_copy_": "index_copy_(): Index should have dimension 1 or 0 (got {0})",
    "index_fill_": "Index has to be a vector/scalar",
}


def _lead(dim: int) -> tuple:
    return (_SLICE_ALL,) * dim


class IndexSelect(Op):
    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return np.take(x, idx, axis=dim) if x.ndim else x.reshape(1)[idx].reshape(idx.shape[:0])

    @staticmethod
    def backward(ctx, grad):
        # each selected slice's gradient adds into its source slice
        return IndexSelectBackward.apply(grad, ctx.idx, ctx.dim, ctx.shape), None, None


class IndexSelectBackward(Op):
    """Zeros of ``shape`` with the slices of ``g`` added at ``idx`` along ``dim``."""

    _name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, g, idx, dim, shape):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, g.dtype)
        if out.ndim:
            _scatter_add(out, dim, idx, g)
        else:
            out += g.sum()
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexSelect.apply(grad, ctx.idx, ctx.dim), None, None, None


def index_select(input: Tensor, dim: int, index: Tensor, *, out=None) -> Tensor:
    """Slices of ``input`` along ``dim`` at ``index`` (1-D or 0-d, int32/int64)."""
    d, i = _dim_index(input, dim, index, "index_select")
    if input._data.ndim == 0:
        return IndexSelect.apply(input.reshape(1), i, 0).reshape(())
    return _out(IndexSelect.apply(input, i, d), out)


def _out(result: Tensor, out) -> Tensor:
    if out is None:
        return result
    from .pointwise import _out as pout

    return pout(result, out)


def _check_source(input: Tensor, d: int, idx: np.ndarray, source: Tensor, name: str) -> None:
    xs, ss = input._data.shape, source._data.shape
    n_src = ss[d] if len(ss) > d else 1
    if n_src != idx.size:
        raise RuntimeError(
            f"{name}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
            f"({n_src}), for dim: {d}"
        )
    differ = len(ss) != len(xs) or any(a != b for k, (a, b) in enumerate(zip(xs, ss)) if k != d)
    if differ and len(ss) and len(xs):
        raise RuntimeError(
            f"{name}(): Source/destination tensor must have same slice shapes. Destination "
            f"slice shape: {fmt_shape(xs[:d] + xs[d + 1:])} at dimension {d} and source "
            f"slice shape: {fmt_shape(ss[:d] + ss[d + 1:])} at dimension {d}."
        )


class IndexAddDim(Op):
    _name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, x, src, idx, dim, alpha):
        ctx.idx, ctx.dim, ctx.alpha = idx, dim, alpha
        out = x.copy()
        s = src if alpha == 1 else src * np.asarray(alpha, x.dtype)
        _scatter_add(out, dim, idx, s.reshape(out.shape[:dim] + idx.shape + out.shape[dim + 1:]))
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx = 1; d/dsrc = alpha * grad's slices at idx
        gs = None
        if ctx.needs_input_grad[1]:
            gs = IndexSelect.apply(grad, ctx.idx, ctx.dim)
            if ctx.alpha != 1:
                gs = gs * ctx.alpha
        return grad, gs, None, None, None


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1,
              out=None) -> Tensor:
    """``input`` with ``alpha * source``'s slices added at ``index`` along ``dim``."""
    d, i = _dim_index(input, dim, index, "index_add_")
    if input._data.dtype != source._data.dtype:
        raise RuntimeError(
            f"index_add_(): self ({input.dtype._legacy[:-6]}) and source "
            f"({source.dtype._legacy[:-6]}) must have the same scalar type"
        )
    _check_source(input, d, i, source, "index_add_")
    x, s = _at_least_1d(input), _at_least_1d(source)
    r = IndexAddDim.apply(x, s, i, d, alpha)
    return _out(r.reshape(()) if input._data.ndim == 0 else r, out)


def _at_least_1d(t: Tensor) -> Tensor:
    return t.reshape(1) if t._data.ndim == 0 else t


class IndexCopy(Op):
    @staticmethod
    def forward(ctx, x, src, idx, dim):
        ctx.idx, ctx.dim = idx, dim
        out = x.copy()
        out[_lead(dim) + (idx,)] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 except the overwritten slices; d/dsrc: grad's slices at idx
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = IndexFill.apply(grad, None, ctx.idx, ctx.dim, 0.0)
        if ctx.needs_input_grad[1]:
            gs = IndexSelect.apply(grad, ctx.idx, ctx.dim)
        return gx, gs, None, None


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``input`` with the slices at ``index`` along ``dim`` replaced by ``source``'s."""
    d, i = _dim_index(input, dim, index, "index_copy_", (np.dtype(np.int64),))
    if input._data.dtype != source._data.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{input.dtype._legacy[:-6]} and (source) {source.dtype._legacy[:-6]}"
        )
    _check_source(input, d, i, source, "index_copy_")
    r = IndexCopy.apply(_at_least_1d(input), _at_least_1d(source), i, d)
    return r.reshape(()) if input._data.ndim == 0 else r


class IndexFill(Op):
    """``x`` with the slices at ``idx`` along ``dim`` set to a scalar or a 0-d tensor ``v``."""

    @staticmethod
    def forward(ctx, x, v, idx, dim, value):
        ctx.idx, ctx.dim = idx, dim
        ctx._name = "IndexFillBackward0" if v is None else "IndexFillBackward1"
        out = x.copy()
        out[_lead(dim) + (idx,)] = value if v is None else v.astype(x.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 except the filled slices; d/dv: the sum of grad over them
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = IndexFill.apply(grad, None, ctx.idx, ctx.dim, 0.0)
        if ctx.needs_input_grad[1]:
            gv = IndexSelect.apply(grad, np.unique(ctx.idx), ctx.dim).sum()
        return gx, gv, None, None, None


def _fill_value(value, input: Tensor, name: str):
    """(0-d tensor or None, Python scalar) for a fill value given as a number or 0-d tensor."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                f"{name} only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        if input._data.dtype.kind != "f":
            return None, _scalar_for(value._data.item(), input._data.dtype)
        return value, 0.0
    return None, _scalar_for(value, input._data.dtype)


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    d, i = _dim_index(input, dim, index, "index_fill_", (np.dtype(np.int64),))
    vt, v = _fill_value(value, input, "index_fill_")
    r = IndexFill.apply(_at_least_1d(input), vt, i, d, v)
    return r.reshape(()) if input._data.ndim == 0 else r


# ---- gather / scatter --------------------------------------------------------------------


def _dim_positions(idx: np.ndarray, dim: int, shape: tuple) -> np.ndarray:
    """Flat positions in an array of ``shape`` of ``idx`` placed along ``dim``."""
    grids = list(np.indices(idx.shape, sparse=True))
    grids[dim] = idx
    return np.ravel_multi_index(tuple(grids), shape) if idx.size else np.zeros(idx.shape, int)


def _gs_index(input: Tensor, dim: int, index: Tensor, name: str, src=None):
    """(wrapped dim, non-negative index) with gather/scatter's checks."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    i = index._data
    if i.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    xs = input._data.shape
    d = wrap_dim(dim, len(xs))
    if i.ndim != len(xs) and not (i.ndim <= 1 and len(xs) <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    xs1, is1 = xs or (1,), i.shape or (1,)
    for k, (a, b) in enumerate(zip(is1, xs1)):
        if k != d and a > b and src is None:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {fmt_shape(i.shape)} "
                f"to be no larger than self {fmt_shape(xs)} apart from dimension {d}"
            )
    if src is not None:
        ss = src._data.shape or (1,)
        if any((k != d and a > b) for k, (a, b) in enumerate(zip(is1, xs1))) or any(
            a > b for a, b in zip(is1, ss)
        ):
            raise RuntimeError(
                f"Expected index {fmt_shape(i.shape)} to be no larger than self {fmt_shape(xs)} "
                f"apart from dimension {d} and to be no larger size than src "
                f"{fmt_shape(src._data.shape)}"
            )
    n = xs1[d]
    bad = _out_of_bounds(i, n, negative=False)
    if bad is not None:
        raise RuntimeError(_bounds_msg(bad, d, n))
    return d, i.astype(np.int64, copy=False).reshape(is1)


class Gather(Op):
    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.pos = pos = _dim_positions(idx, dim, x.shape)
        ctx.shape = x.shape
        return x.reshape(-1)[pos] if x.flags.c_contiguous else np.ascontiguousarray(x).reshape(
            -1)[pos]

    @staticmethod
    def backward(ctx, grad):
        # each gathered element's gradient adds into its source
        return TakeBackward.apply(grad, ctx.pos, ctx.shape, False), None, None


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out=None) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (and likewise for other dims)."""
    d, i = _gs_index(input, dim, index, "gather")
    x = _at_least_1d(input)
    r = Gather.apply(x, i, d)
    if index._data.ndim == 0:
        r = r.reshape(())
    return _out(r, out)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *,
                   out=None) -> Tensor:
    """``gather`` along ``dim`` after broadcasting input and indices (flattened when dim=None)."""
    if indices._data.dtype != np.int64:
        raise RuntimeError(
            "torch.take_along_dim(): dtype of indices should be Long but got "
            f"{indices.dtype._legacy[:-6]}"
        )
    if dim is None:
        n = input._data.size
        i = Tensor._make(_wrap_index(indices._data.reshape(-1), n))
        return _out(gather(input.reshape(-1), 0, i), out)
    d = wrap_dim(dim, input._data.ndim)
    indices = Tensor._make(_wrap_index(indices._data, input._data.shape[d]))
    xs, ids = list(input._data.shape), list(indices._data.shape)
    if len(xs) != len(ids):
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {len(xs)} dimensions for input, and {len(ids)} dimensions for "
            "indices"
        )
    xs[d] = ids[d] = 1
    shape = np.broadcast_shapes(tuple(xs), tuple(ids))
    x = input.expand(shape[:d] + (input._data.shape[d],) + shape[d + 1:])
    i = indices.expand(shape[:d] + (indices._data.shape[d],) + shape[d + 1:])
    return _out(gather(x, d, i), out)


class Scatter(Op):
    """``x`` with ``src`` (a tensor, or the scalar ``value``) written at ``idx`` along ``dim``."""

    @staticmethod
    def forward(ctx, x, src, pos, value, reduce):
        ctx.pos, ctx.reduce = pos, reduce
        ctx._name = "ScatterBackward1" if src is None else "ScatterBackward0"
        if reduce is not None:
            ctx._name = "torch::autograd::NotImplemented"
        out = x.copy()
        flat = out.reshape(-1)
        p = pos.reshape(-1)
        v = np.asarray(value, x.dtype) if src is None else src.reshape(-1)
        if reduce is None:
            flat[p] = v
        elif reduce == "add":
            np.add.at(flat, p, np.broadcast_to(v, p.shape))
        else:
            np.multiply.at(flat, p, np.broadcast_to(v, p.shape))
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 except where written; d/dsrc: grad read at the written places
        if ctx.reduce is not None:
            raise RuntimeError("the derivative for 'scatter' with reduce is not implemented")
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = Scatter.apply(grad, None, ctx.pos, 0.0, None)
        if ctx.needs_input_grad[1]:
            gs = Take.apply(grad, ctx.pos)
        return gx, gs, None, None, None


def _src_prefix(src: Tensor, shape: tuple) -> Tensor:
    """The leading block of ``src`` that an index of ``shape`` reads (a view)."""
    if src._data.shape == shape:
        return src
    return getitem(src, tuple(slice(0, n) for n in shape))


def scatter(input: Tensor, dim: int, index: Tensor, src=None, *, value=None,
            reduce: str | None = None) -> Tensor:
    """``input`` with ``src[i][j]`` written to ``[index[i][j]][j]`` (``dim=0``), or ``value``."""
    if src is None and value is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    if value is None and not isinstance(src, Tensor):
        src, value = None, src
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    d, pos = _scatter_positions(input, dim, index, "scatter", src)
    x = _at_least_1d(input)
    if src is not None:
        if reduce is not None:
            warnings.warn(
                "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
                "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
                "reduction options.", UserWarning, stacklevel=2,
            )
        _same_dtype(input, src, "scatter(): Expected self.dtype to be equal to src.dtype")
        s = _src_prefix(_at_least_1d(src), pos.shape)
        r = Scatter.apply(x, s, pos, 0.0, reduce)
    else:
        r = Scatter.apply(x, None, pos, _scalar_for(_number(value), input._data.dtype), reduce)
    return r.reshape(()) if input._data.ndim == 0 else r


def _number(v):
    return v.item() if isinstance(v, (Tensor, np.generic)) else v


def _scatter_positions(input, dim, index, name, src):
    d, i = _gs_index(input, dim, index, name, src if isinstance(src, Tensor) else None)
    return d, _dim_positions(i, d, input._data.shape or (1,))


class ScatterAdd(Op):
    @staticmethod
    def forward(ctx, x, src, pos):
        ctx.pos = pos
        out = x.copy()
        _scatter_add(out.reshape(-1), 0, pos, src)
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx = 1; d/dsrc: grad read at the places src was added to
        gs = Take.apply(grad, ctx.pos) if ctx.needs_input_grad[1] else None
        return grad, gs, None


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` with ``src[i][j]`` added to ``[index[i][j]][j]`` (``dim=0``); repeats add up."""
    if not isinstance(src, Tensor):
        raise TypeError(
            f"scatter_add(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}"
        )
    _same_dtype(input, src, "scatter(): Expected self.dtype to be equal to src.dtype")
    d, pos = _scatter_positions(input, dim, index, "scatter_add", src)
    s = _src_prefix(_at_least_1d(src), pos.shape)
    r = ScatterAdd.apply(_at_least_1d(input), s, pos)
    return r.reshape(()) if input._data.ndim == 0 else r


_REDUCE_UFUNC = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum,
                 "amin": np.minimum}


class ScatterReduce(Op):
    """``scatter_reduce``: every place of ``x`` hit by ``idx`` becomes the reduction of what
    lands there (and of itself, ``include_self``)."""

    @staticmethod
    def forward(ctx, x, src, pos, reduce, include_self):
        p = pos.reshape(-1)
        s = src.reshape(-1)
        out = x.copy()
        flat = out.reshape(-1)
        hit = np.zeros(x.size, np.bool_)
        hit[p] = True
        if not include_self:
            init = {"sum": 0, "mean": 0, "prod": 1}.get(reduce)
            if init is None:
                init = _extreme(x.dtype, reduce == "amax")
            flat[hit] = init
        _REDUCE_UFUNC[reduce].at(flat, p, s)
        count = None
        if reduce == "mean":
            count = np.bincount(p, minlength=x.size).astype(x.dtype) + (1 if include_self else 0)
            count = np.maximum(count, 1)
            if x.dtype.kind == "f":
                flat /= count
            else:
                np.floor_divide(flat, count.astype(x.dtype), out=flat)
        ctx.pos, ctx.reduce, ctx.include_self, ctx.hit = p, reduce, include_self, hit
        ctx.count, ctx.shape, ctx.sshape = count, x.shape, src.shape
        if reduce in ("amax", "amin", "prod"):
            ctx.xv, ctx.sv, ctx.out = x, src, out.copy()
        return out

    @staticmethod
    def backward(ctx, grad):
        # sum/mean: linear; amax/amin: grad split evenly among the elements equal to the result
        r, shape = ctx.reduce, ctx.shape
        g = grad.reshape(-1)
        keep = Tensor._make((~ctx.hit | ctx.include_self).astype(grad._data.dtype))
        if r == "sum":
            return grad * keep.reshape(shape), Take.apply(g, ctx.pos).reshape(ctx.sshape), None, \
                None, None
        if r == "mean":
            c = Tensor._make(ctx.count.astype(grad._data.dtype))
            gc = g / c
            gx = (gc * keep).reshape(shape)
            return gx, Take.apply(gc, ctx.pos).reshape(ctx.sshape), None, None, None
        if r == "prod":
            raise NotImplementedError(
                "Ember does not differentiate scatter_reduce(reduce='prod'); use 'sum', 'mean', "
                "'amax' or 'amin'"
            )
        out = ctx.out.reshape(-1)
        xs = (ctx.xv.reshape(-1) == out) & (~ctx.hit | ctx.include_self)
        ss = ctx.sv.reshape(-1) == out[ctx.pos]
        n = xs.astype(np.int64) + np.bincount(ctx.pos[ss], minlength=out.size)
        gn = g / Tensor._make(np.maximum(n, 1).astype(grad._data.dtype))
        gx = (gn * Tensor._make(xs.astype(grad._data.dtype))).reshape(shape)
        gs = Take.apply(gn, ctx.pos) * Tensor._make(ss.astype(grad._data.dtype))
        return gx, gs.reshape(ctx.sshape), None, None, None


def _extreme(dt: np.dtype, lowest: bool):
    if dt.kind == "f":
        return -np.inf if lowest else np.inf
    if dt.kind == "b":
        return not lowest
    info = np.iinfo(dt)
    return info.min if lowest else info.max


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``input`` where each place hit by ``index`` is reduced (sum/prod/mean/amax/amin) with
    the ``src`` elements that land there."""
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    _same_dtype(input, src, "scatter(): Expected self.dtype to be equal to src.dtype")
    d, pos = _scatter_positions(input, dim, index, "scatter_reduce", src)
    s = _src_prefix(_at_least_1d(src), pos.shape)
    r = ScatterReduce.apply(_at_least_1d(input), s, pos, reduce, bool(include_self))
    return r.reshape(()) if input._data.ndim == 0 else r


# ---- masks -------------------------------------------------------------------------------


def _mask(mask, name: str) -> np.ndarray:
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        if name == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(
            f"{name} only supports boolean masks, but got mask with dtype "
            f"{_dt._FROM_NP[m.dtype]._legacy[:-6].lower() if m.dtype in _dt._FROM_NP else m.dtype}"
        )
    return m


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        pass
    ra, rb = a[::-1], b[::-1]
    for k in range(min(len(a), len(b))):
        if ra[k] != rb[k] and ra[k] != 1 and rb[k] != 1:
            raise RuntimeError(
                f"The size of tensor a ({ra[k]}) must match the size of tensor b ({rb[k]}) at "
                f"non-singleton dimension {max(len(a), len(b)) - 1 - k}"
            )
    raise RuntimeError("shapes cannot be broadcast")


class MaskedFill(Op):
    @staticmethod
    def forward(ctx, x, mask, v, value):
        ctx.mask = mask
        ctx._name = "MaskedFillBackward0" if v is None else "MaskedFillBackward1"
        fill = value if v is None else v.astype(x.dtype)
        return np.where(mask, fill, x)

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 where not masked; d/dvalue: the sum of grad where masked
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = MaskedFill.apply(grad, ctx.mask, None, 0.0)
        if ctx.needs_input_grad[2]:
            gv = MaskedFill.apply(grad, ~ctx.mask, None, 0.0).sum()
        return gx, None, gv, None


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """``input`` with ``value`` (a number or 0-d tensor) where ``mask`` is True."""
    m = _mask(mask, "masked_fill_")
    vt, v = _fill_value(value, input, "masked_fill_")
    xs = input._data.shape
    shape = _broadcast_shape(m.shape, xs)
    x = input if shape == xs else input.expand(shape)
    if m.shape != shape:
        m = np.broadcast_to(m, shape)
    return MaskedFill.apply(x, m, vt, v)


def masked_fill_(self: Tensor, mask: Tensor, value) -> Tensor:
    m = _mask(mask, "masked_fill_")
    if np.broadcast_shapes(self._data.shape, m.shape) != self._data.shape:
        raise RuntimeError(
            f"output with shape {fmt_shape(self._data.shape)} doesn't match the broadcast shape "
            f"{fmt_shape(np.broadcast_shapes(self._data.shape, m.shape))}"
        )
    return _inplace(self, masked_fill(self, mask, value))


class MaskedSelect(Index):
    _name = "MaskedSelectBackward0"


def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as 1-D (both broadcast first)."""
    m = _mask(mask, "masked_select")
    shape = _broadcast_shape(m.shape, input._data.shape)
    x = input if shape == input._data.shape else input.expand(shape)
    if m.shape != shape:
        m = np.broadcast_to(m, shape)
    return _out(MaskedSelect.apply(x, (m,), True), out)


class MaskedScatter(Op):
    @staticmethod
    def forward(ctx, x, src, mask):
        ctx.mask, ctx.sshape = mask, src.shape
        out = x.copy()
        n = int(mask.sum())
        out[mask] = src.reshape(-1)[:n]
        return out

    @staticmethod
    def backward(ctx, grad):
        # d/dx: 1 where not masked; d/dsrc: grad at the mask, in order, zero beyond
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = MaskedFill.apply(grad, ctx.mask, None, 0.0)
        if ctx.needs_input_grad[1]:
            picked = MaskedSelect.apply(grad, (ctx.mask,), True)
            size = int(np.prod(ctx.sshape))
            pos = np.arange(picked._data.size)
            gs = TakeBackward.apply(picked, pos, (size,), True).reshape(ctx.sshape)
        return gx, gs, None


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` with ``source``'s leading elements written, in order, where ``mask`` is True."""
    m = _mask(mask, "masked_scatter_")
    shape = _broadcast_shape(m.shape, input._data.shape)
    x = input if shape == input._data.shape else input.expand(shape)
    m = np.broadcast_to(m, shape)
    _same_dtype(input, source, "masked_scatter: expected self and source to have same dtypes "
                f"but got {input.dtype._legacy[:-6]} and {source.dtype._legacy[:-6]}")
    if source._data.size < int(m.sum()):
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(x, source, m)


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    return _inplace(self, masked_scatter(self, mask, source))


# ---- index_put ---------------------------------------------------------------------------


def index_put(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with ``input[indices] = values`` (``+=`` with ``accumulate``), out of place."""
    if not isinstance(values, Tensor):
        raise TypeError(
            "index_put(): argument 'values' (position 2) must be Tensor, not "
            f"{type(values).__name__}"
        )
    if input._data.dtype != values._data.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{input.dtype._legacy[:-6]} for the destination and {values.dtype._legacy[:-6]} "
            "for the source."
        )
    for k in indices:
        if isinstance(k, Tensor) and k._data.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    _, adv, _ = _split_key(tuple(indices), input._data.shape)
    key, _ = _adv_key(adv, input._data.shape) if adv else ((Ellipsis,), True)
    return IndexPut.apply(input, values, (), key, bool(accumulate), False)


def index_put_(input: Tensor, indices, values: Tensor, accumulate: bool = False) -> Tensor:
    return _inplace(input, index_put(input, indices, values, accumulate))


# ---- nonzero -----------------------------------------------------------------------------


def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    a = input._data
    if as_tuple:
        idx = np.nonzero(a.reshape(1) if a.ndim == 0 else a)
        return tuple(Tensor._make(i.astype(np.int64, copy=False)) for i in idx)
    return _out(Tensor._make(np.argwhere(a).astype(np.int64, copy=False)), out)


def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: an (n, ndim) int64 tensor of the non-zero positions."""
    return nonzero(input)


def _inplace_of(fn):
    def op(self, *args, **kwargs):
        return _inplace(self, fn(self, *args, **kwargs))

    op.__name__ = fn.__name__ + "_"
    return op


index_add_ = _inplace_of(index_add)
index_copy_ = _inplace_of(index_copy)
index_fill_ = _inplace_of(index_fill)
scatter_ = _inplace_of(scatter)
scatter_add_ = _inplace_of(scatter_add)
scatter_reduce_ = _inplace_of(scatter_reduce)

register_methods(
    index_select, masked_select, masked_fill, masked_fill_, take, take_along_dim, gather,
    scatter, scatter_, scatter_add, scatter_add_, scatter_reduce, scatter_reduce_, index_add,
    index_add_, index_copy, index_copy_, index_fill, index_fill_, index_put, index_put_, put,
    put_, nonzero, argwhere, masked_scatter, masked_scatter_,
    __getitem__=getitem, __setitem__=setitem,
)

__all__ = [
    "index_select", "masked_select", "masked_fill", "take", "take_along_dim", "gather",
    "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
    "index_put", "index_put_", "put", "nonzero", "argwhere", "masked_scatter",
]
