"""Shape ops. View ops return NumPy views, so writes through a view reach its base; ops that copy
in PyTorch (cat, stack, repeat, flip, roll, ...) copy here too."""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..autograd.grad_mode import state
from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape, shape_arg, wrap_dim
from .indexing import IndexAdd
from .pointwise import _cast


def _type_name(dt: _dt.dtype) -> str:
    """PyTorch's scalar type name: 'Float', 'Long', 'Bool' ..."""
    return dt._legacy[: -len("Tensor")]


def _unique_dims(dims, ndim: int) -> tuple:
    """Wrap dims, keeping their order; PyTorch's error for a repeated one."""
    out = tuple(wrap_dim(d, ndim) for d in dims)
    seen = set()
    for d in out:
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return out


def _dims_arg(dims) -> tuple:
    """``f(0, 1)``, ``f((0, 1))`` or ``f([0, 1])`` -> (0, 1)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return tuple(int(d) for d in dims)


def _share_version(outs: tuple, base: Tensor) -> tuple:
    """Make every output of a multi-output view op a view of ``base`` (Op.apply does only #0)."""
    if base._ver is None:
        base._ver = [0]
    root = base if base._base is None else base._base
    for o in outs:
        o._ver, o._base, o._view_ver = base._ver, root, base._ver[0]
        o._view_nograd = not state.enabled
    return outs


def _check_tensors(tensors, name: str) -> None:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )


# ---- view / reshape -----------------------------------------------------------------------


def _infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve one ``-1`` in ``shape``; PyTorch's errors when the sizes don't match."""
    neg = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if neg >= 0:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"{fmt_shape(shape)}")
        else:
            known *= s
    if neg >= 0:
        if known == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {fmt_shape(shape)} because "
                    "the unspecified dimension size -1 can be any value and is ambiguous"
                )
        elif numel % known == 0:
            return shape[:neg] + (numel // known,) + shape[neg + 1 :]
    elif known == numel:
        return shape
    raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")


class View(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        v = x.view()
        try:
            v.shape = shape
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        return v

    @staticmethod
    def backward(ctx, grad):
        # a view only renames the elements: the gradient takes the input's shape back
        return grad.reshape(ctx.shape), None


class Unsqueeze(View):
    pass


class Squeeze(View):  # squeeze()
    pass


class Squeeze1(View):  # squeeze(dim)
    _name = "SqueezeBackward1"


class Squeeze2(View):  # squeeze(dims)
    _name = "SqueezeBackward2"


class Reshape(Op):
    """A reshape that had to copy (the input's strides allowed no view)."""

    _name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.reshape(x, shape)

    @staticmethod
    def backward(ctx, grad):
        # d/dx reshape(x) = reshape back
        return grad.reshape(ctx.shape), None


def _view_dtype(input: Tensor, dtype) -> Tensor:
    """Reinterpret the bits as ``dtype``; the last dim scales by the ratio of element sizes."""
    a = input._data
    new = _dt.parse(dtype)
    old = input.dtype
    if new.itemsize != a.itemsize:
        what = f"to view {_type_name(old)} as {_type_name(new)} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        if a.shape[-1] != 1 and a.strides[-1] != a.itemsize:
            raise RuntimeError(
                f"self.stride(-1) must be 1 {what}, but got {a.strides[-1] // a.itemsize}"
            )
        ratio = new.itemsize // a.itemsize
        if ratio > 1 and a.shape[-1] % ratio:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {ratio} {what}, but got {a.shape[-1]}"
            )
    try:
        v = a.view(_dt.to_numpy_dtype(new))
    except ValueError as e:
        raise RuntimeError(f"view(): cannot view {old} as {new}: {e}") from None
    return _share_version((Tensor._make(v),), input)[0]


def view(input: Tensor, *shape, size=None, dtype=None) -> Tensor:
    """The same data with a new shape (a view); errors when the strides allow none.

    ``view(dtype)`` reinterprets the bits instead, as PyTorch (outside the graph).
    """
    if dtype is not None:
        return _view_dtype(input, dtype)
    if size is not None:
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], (_dt.dtype, str, type, np.dtype)):
        return _view_dtype(input, shape[0])
    return View.apply(input, _infer_shape(shape_arg(shape), input._data.size))


def reshape(input: Tensor, *sizes, shape=None) -> Tensor:
    """A view when the strides allow it, else a copy (as PyTorch)."""
    a = input._data
    shape = _infer_shape(shape_arg(sizes if shape is None else (shape,)), a.size)
    v = a.view()
    try:
        v.shape = shape
    except AttributeError:
        return Reshape.apply(input, shape)
    return View.apply(input, shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """``view(other.shape)``."""
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """``reshape(other.shape)``."""
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a view when the strides allow it)."""
    a = input._data
    if a.ndim == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, a.ndim), wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for k in a.shape[s : e + 1]:
        n *= k
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1 :])


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1); always a view."""
    d = wrap_dim(dim, input.ndim)
    sizes = shape_arg((sizes,))
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    size = input._data.shape[d]
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")
    prod = 1
    for s in sizes:
        if s != -1:
            prod *= s
    if (prod != size if -1 not in sizes else prod == 0 or size % prod):
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({size}) in the input tensor"
        )
    if -1 in sizes:
        sizes = tuple(size // prod if s == -1 else s for s in sizes)
    shape = input._data.shape
    return View.apply(input, shape[:d] + sizes + shape[d + 1 :])


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim`` (a view)."""
    a = input._data
    d = wrap_dim(dim, a.ndim + 1)
    return Unsqueeze.apply(input, a.shape[:d] + (1,) + a.shape[d:])


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Drop size-1 dimensions: all of them, or those among ``dim`` (an int or a tuple)."""
    a = input._data
    if dim is None:
        op, shape = Squeeze, tuple(s for s in a.shape if s != 1)
    else:
        op = Squeeze2 if isinstance(dim, (tuple, list)) else Squeeze1
        dims = _unique_dims(dim if op is Squeeze2 else (dim,), a.ndim)
        shape = tuple(s for i, s in enumerate(a.shape) if not (s == 1 and i in dims))
    return op.apply(input, shape)


def _broadcast_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    """``np.broadcast_to``; for a contiguous ``x`` a direct stride-0 view, 3x faster."""
    if not x.flags.c_contiguous:
        return np.broadcast_to(x, shape)
    lead = len(shape) - x.ndim
    strides = (0,) * lead + tuple(
        0 if n == 1 else st for n, st in zip(x.shape, x.strides))
    v = np.ndarray(shape, x.dtype, x, 0, strides)
    v.flags.writeable = False
    return v


class Expand(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return _broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        # the engine sums the gradient back over the broadcast dims
        return grad, None


def expand(input: Tensor, *sizes, size=None) -> Tensor:
    """Broadcast to ``sizes`` without copying (-1 keeps a dimension); a view with stride 0."""
    sizes = shape_arg(sizes if size is None else (size,))
    a = input._data
    if len(sizes) < a.ndim:
        raise RuntimeError(
            f"expand({input.type()}{{{fmt_shape(a.shape)}}}, size={fmt_shape(sizes)}): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({a.ndim})"
        )
    lead = len(sizes) - a.ndim
    shape = list(sizes)
    for i, s in enumerate(sizes):
        cur = a.shape[i - lead] if i >= lead else None
        if s == -1:
            if cur is None:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            shape[i] = cur
        elif cur is not None and cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {fmt_shape(sizes)}.  Tensor sizes: "
                f"{fmt_shape(a.shape)}"
            )
        elif s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {fmt_shape(sizes)}"
            )
    return Expand.apply(input, tuple(shape))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``expand(other.shape)``."""
    return expand(input, other._data.shape)


def _broadcast_shape(shapes, tensors: bool) -> tuple:
    """The common broadcast shape; PyTorch's message for tensors or for plain shapes."""
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for i, shape in enumerate(shapes):
        for k in range(-1, -1 - len(shape), -1):
            s, c = shape[k], out[k]
            if s == c or s == 1:
                continue
            if c == 1:
                out[k] = s
                continue
            if tensors:
                raise RuntimeError(
                    f"The size of tensor a ({c}) must match the size of tensor b ({s}) at "
                    f"non-singleton dimension {n + k}"
                )
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {s} at {k}! Mismatching argument "
                f"at index {i} had {tuple(shape)}; but expected shape should be broadcastable to "
                f"{out}"
            )
    return tuple(out)


def broadcast_shapes(*shapes):
    """The shape that tensors of ``shapes`` broadcast to (an int counts as a 1-d shape)."""
    from ..tensor import Size

    norm = []
    for s in shapes:
        if isinstance(s, (int, np.integer)):
            s = (int(s),)
        elif not isinstance(s, (tuple, list)):
            raise RuntimeError(
                "Input shapes should be of type ints, a tuple of ints, or a list of ints, got "
                f"{s}"
            )
        norm.append(tuple(s))
    return Size(_broadcast_shape(norm, False))


def broadcast_to(input: Tensor, size) -> Tensor:
    """``expand(size)``."""
    return expand(input, size)


def broadcast_tensors(*tensors) -> tuple:
    """Expand every tensor to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    shape = _broadcast_shape([t._data.shape for t in tensors], True)
    return tuple(expand(t, shape) for t in tensors)


# ---- permutations ------------------------------------------------------------------------


class Permute(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        # the inverse permutation
        return grad.permute(*np.argsort(ctx.dims).tolist()), None


def permute(input: Tensor, *args, dims=None) -> Tensor:
    """Reorder dimensions (a view)."""
    dims = _dims_arg(args if dims is None else (dims,))
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    dims = tuple(wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


class Transpose(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d0, ctx.d1 = d0, d1
        return x.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, grad):
        # a swap is its own inverse
        return grad.transpose(ctx.d0, ctx.d1), None, None


class T(Transpose):
    pass


class T1d(View):  # t() of a 0-d or 1-d tensor
    _name = "TBackward0"


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions (a view)."""
    n = input._data.ndim
    return Transpose.apply(input, wrap_dim(dim0, n), wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a matrix; 0-d and 1-d tensors come back as they are (views)."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return T1d.apply(input, input._data.shape)
    return T.apply(input, 0, 1)


def movedim(input: Tensor, source, destination) -> Tensor:
    """Move dims from ``source`` to ``destination`` positions (a permute view)."""
    if isinstance(source, int) != isinstance(destination, int):
        raise TypeError(
            f"movedim() received an invalid combination of arguments - got "
            f"({type(source).__name__}, {type(destination).__name__}), but expected one of: "
            "(int source, int destination) or (tuple of ints source, tuple of ints destination)"
        )
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
            f"the same number of dims as destination ({dst} dims)"
        )
    n = input.ndim
    src_w = [wrap_dim(s, n) for s in src]
    dst_w = [wrap_dim(s, n) for s in dst]
    if len(set(src_w)) != len(src_w):
        raise RuntimeError(f"movedim: repeated dim in `source` ({src})")
    if len(set(dst_w)) != len(dst_w):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({dst})")
    order = [i for i in range(n) if i not in src_w]
    for d, s in sorted(zip(dst_w, src_w)):
        order.insert(d, s)
    return Permute.apply(input, tuple(order))


moveaxis = movedim


# ---- copies ----------------------------------------------------------------------------


class Contiguous(Op):
    _name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, grad):
        # identity
        return grad


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """``input`` itself when C-contiguous, else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Contiguous.apply(input)


class Clone(Op):
    @staticmethod
    def forward(ctx, x):
        return x.copy(order="K")  # keeps the strides, as PyTorch's preserve_format

    @staticmethod
    def backward(ctx, grad):
        # identity
        return grad


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy that stays in the graph (same strides as ``input`` when it is dense)."""
    return Clone.apply(input)


# ---- joins -------------------------------------------------------------------------------


class Cat(Op):
    @staticmethod
    def forward(ctx, dim, keep, *arrays):
        ctx.dim, ctx.keep = dim, keep
        if keep is not None:
            arrays = [a for a, k in zip(arrays, keep) if k]
        ctx.sizes = [a.shape[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # the gradient splits back by the input sizes; skipped legacy empties get empties
        pieces = grad.split(ctx.sizes, ctx.dim)
        if ctx.keep is None:
            return (None, None, *pieces)
        it = iter(pieces)
        return (None, None, *[next(it) if k else grad.new_zeros(0) for k in ctx.keep])


def _join_dtype(tensors) -> np.dtype:
    dt = tensors[0]._data.dtype
    for t in tensors[1:]:
        if t._data.dtype != dt:
            dt = _dt.promote_types(_dt._FROM_NP[dt], t.dtype).np
    return dt


def _write_out(out: Tensor | None, result: Tensor) -> Tensor:
    """``out=``: take the result's values (resizing ``out`` when its shape differs)."""
    if out is None:
        return result
    if out._data.shape == result._data.shape:
        np.copyto(out._data, result._data, casting="unsafe")
    else:
        out._data = result._data.astype(out._data.dtype)
    if out._ver is None:
        out._ver = [0]
    out._ver[0] += 1
    return out


def _cat_check(tensors, ref: tuple, d: int, keep) -> None:
    """PyTorch's errors for inputs whose shapes cannot be concatenated along ``d``."""
    for i, t in enumerate(tensors):
        s = t._data.shape
        if (keep is not None and not keep[i]) or s == ref:
            continue
        if len(s) != len(ref):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}"
            )
        for j in range(len(ref)):
            if j != d and s[j] != ref[j]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref[j]} but got size {s[j]} for tensor number {i} in the list."
                )


def cat(tensors, dim: int = 0, *, axis: int | None = None, out: Tensor | None = None) -> Tensor:
    """Concatenate along an existing dim; dtypes promote; legacy 1-d empty tensors are skipped.

    ``axis`` is PyTorch's NumPy-style alias of ``dim``.
    """
    _check_tensors(tensors, "cat")
    if not tensors:
        raise ValueError("ember.cat(): expected a non-empty list of Tensors")
    if axis is not None:
        dim = axis
    keep = None
    dt = tensors[0]._data.dtype
    mixed = False
    for i, t in enumerate(tensors):
        a = t._data
        if a.ndim <= 1:
            if a.ndim == 0:
                raise RuntimeError(
                    f"zero-dimensional tensor (at position {i}) cannot be concatenated"
                )
            if a.shape[0] == 0 and keep is None:
                keep = [not (u._data.ndim == 1 and u._data.shape[0] == 0) for u in tensors]
        if a.dtype != dt:
            mixed = True
    if keep is not None and not any(keep):  # only legacy empties: the result is one
        keep[0] = True
    ref = tensors[0]._data.shape if keep is None else tensors[keep.index(True)]._data.shape
    d = wrap_dim(dim, len(ref))
    _cat_check(tensors, ref, d, keep)
    if mixed:
        dt = _join_dtype(tensors)
        tensors = [_cast(t, dt) for t in tensors]
    return _write_out(out, Cat.apply(d, None if keep is None else tuple(keep), *tensors))


concat = concatenate = cat


class Stack(Op):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        shape = arrays[0].shape
        out = np.empty(shape[:dim] + (len(arrays),) + shape[dim:], arrays[0].dtype)
        lead = (slice(None),) * dim
        for i, a in enumerate(arrays):
            out[lead + (i,)] = a
        return out

    @staticmethod
    def backward(ctx, grad):
        # each input gets its slice of the new dim
        return (None, *grad.unbind(ctx.dim))


def stack(tensors, dim: int = 0, *, axis: int | None = None, out: Tensor | None = None) -> Tensor:
    """Join equal-shaped tensors along a new dim (dtypes promote)."""
    _check_tensors(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    if axis is not None:
        dim = axis
    shape = tensors[0]._data.shape
    dt = tensors[0]._data.dtype
    d = wrap_dim(dim, len(shape) + 1)
    mixed = False
    for i, t in enumerate(tensors):
        a = t._data
        if a.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at "
                f"entry 0 and {list(a.shape)} at entry {i}"
            )
        if a.dtype != dt:
            mixed = True
    if mixed:
        dt = _join_dtype(tensors)
        tensors = [_cast(t, dt) for t in tensors]
    return _write_out(out, Stack.apply(d, *tensors))


def _nonempty(tensors, name: str) -> None:
    _check_tensors(tensors, name)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")


def hstack(tensors, *, out: Tensor | None = None) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-d tensors; 0-d ones become 1-d)."""
    _nonempty(tensors, "hstack")
    ts = atleast_1d(tuple(tensors))
    return cat(ts, 0 if ts[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out: Tensor | None = None) -> Tensor:
    """Concatenate along dim 0 after making every tensor at least 2-d."""
    _nonempty(tensors, "vstack")
    return cat(atleast_2d(tuple(tensors)), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out: Tensor | None = None) -> Tensor:
    """Concatenate along dim 2 after making every tensor at least 3-d."""
    _nonempty(tensors, "dstack")
    return cat(atleast_3d(tuple(tensors)), 2, out=out)


def column_stack(tensors, *, out: Tensor | None = None) -> Tensor:
    """Concatenate along dim 1; 0-d and 1-d tensors become columns."""
    _nonempty(tensors, "column_stack")
    return cat([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors], 1, out=out)


def _atleast(tensors, fix):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fix(t) for t in tensors[0])
    out = tuple(fix(t) for t in tensors)
    return out[0] if len(out) == 1 else out


def _at1(t: Tensor) -> Tensor:
    return t.reshape(1) if t.ndim == 0 else t


def _at2(t: Tensor) -> Tensor:
    if t.ndim == 0:
        return t.reshape(1, 1)
    return t.unsqueeze(0) if t.ndim == 1 else t


def _at3(t: Tensor) -> Tensor:
    if t.ndim == 0:
        return t.reshape(1, 1, 1)
    if t.ndim == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if t.ndim == 2 else t


def atleast_1d(*tensors):
    """Each tensor viewed as at least 1-d; one tensor in gives one out, else a tuple."""
    return _atleast(tensors, _at1)


def atleast_2d(*tensors):
    """Each tensor viewed as at least 2-d (1-d ones become rows)."""
    return _atleast(tensors, _at2)


def atleast_3d(*tensors):
    """Each tensor viewed as at least 3-d ((n,) -> (1, n, 1), (m, n) -> (m, n, 1))."""
    return _atleast(tensors, _at3)


# ---- slices ------------------------------------------------------------------------------


class Narrow(Op):
    """A slice [start, start + length) along ``dim`` (a view)."""

    _name = "SliceBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, start, length):
        ctx.shape, ctx.dim, ctx.start = x.shape, dim, start
        return x[(slice(None),) * dim + (slice(start, start + length),)]

    @staticmethod
    def backward(ctx, grad):
        # zeros outside the slice
        key = (slice(None),) * ctx.dim + (slice(ctx.start, ctx.start + grad.shape[ctx.dim]),)
        return IndexAdd.apply(grad, ctx.shape, key, True), None, None, None


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """The slice [start, start + length) of ``dim`` (a view); RuntimeError when out of range."""
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    start, length = int(start), int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Narrow.apply(input, d, start, length)


class Select(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.key = x.shape, (slice(None),) * dim + (index,)
        return x[(slice(None),) * dim + (index,)]

    @staticmethod
    def backward(ctx, grad):
        # zeros except the selected slice
        return IndexAdd.apply(grad, ctx.shape, ctx.key, True), None, None


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The ``index``-th slice of ``dim``, with that dim removed (a view)."""
    if input._data.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {d}"
        )
    return Select.apply(input, d, index % size)


def _zeros_for(grads, shapes) -> list:
    """Fill the None gradients of a multi-output op with zeros of their output's shape."""
    like = next(g for g in grads if g is not None)
    return [g if g is not None else like.new_zeros(s) for g, s in zip(grads, shapes)]


class Unbind(Op):
    is_view = True
    n_outputs = 2  # really one per slice: set on ctx in forward

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim, ctx.shape = dim, x.shape[:dim] + x.shape[dim + 1 :]
        ctx.n_outputs = x.shape[dim]
        return tuple(np.moveaxis(x, dim, 0))

    @staticmethod
    def backward(ctx, *grads):
        # the slices' gradients stacked back
        return stack(_zeros_for(grads, [ctx.shape] * len(grads)), ctx.dim), None


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """All slices along ``dim`` (views), as a tuple."""
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input._data.ndim)
    return _share_version(Unbind.apply(input, d), input)


class Split(Op):
    is_view = True
    n_outputs = 2  # really one per piece: set on ctx in forward

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim, ctx.n_outputs = dim, len(sizes)
        ctx.shapes = [x.shape[:dim] + (n,) + x.shape[dim + 1 :] for n in sizes]
        lead = (slice(None),) * dim
        out, start = [], 0
        for n in sizes:
            out.append(x[lead + (slice(start, start + n),)])
            start += n
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        # the pieces' gradients concatenated back
        return cat(_zeros_for(grads, ctx.shapes), ctx.dim), None, None


class SplitWithSizes(Split):
    pass


def _split(input: Tensor, d: int, sizes: list, op=Split) -> tuple:
    return _share_version(op.apply(input, d, sizes), input)


def split(tensor: Tensor, split_size_or_sections=None, dim: int = 0, *,
          split_size=None) -> tuple:
    """Pieces of ``split_size`` (the last may be smaller) or of the listed sizes (views).

    ``split_size`` is the name ``Tensor.split`` gives the first argument in PyTorch.
    """
    if split_size is not None:
        split_size_or_sections = split_size
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor._data.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)) or (
        isinstance(split_size_or_sections, Tensor) and split_size_or_sections.ndim == 0
    ):
        step = int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={step}"
            )
        if step == 0 and size:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of "
                f"{size}"
            )
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
        return _split(tensor, d, sizes)
    sizes = [int(s) for s in split_size_or_sections]
    if any(s < 0 for s in sizes):
        raise RuntimeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={sizes}"
        )
    if sum(sizes) != size:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
            f"size at dimension {d}), but got split_sizes={sizes}"
        )
    return _split(tensor, d, sizes, SplitWithSizes)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into pieces of ceil(size / chunks); fewer than ``chunks`` when the size runs out."""
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if size == 0:
        return _split(input, d, [0] * chunks)
    step = -(-size // chunks)
    return _split(input, d, [min(step, size - i) for i in range(0, size, step)])


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    """``sections`` nearly equal parts, or the pieces between ``indices`` (Python slicing:
    negative indices count from the end, out-of-range ones clamp); views."""
    if input._data.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios._data.dtype != np.int64:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                f"{_type_name(ios.dtype)}"
            )
        if ios._data.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {ios._data.ndim} dims"
            )
        ios = ios._data.item() if ios._data.ndim == 0 else ios._data.tolist()
    if isinstance(ios, (int, np.integer)):
        n = int(ios)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        base, extra = divmod(size, n)
        sizes = [base + 1] * extra + [base] * (n - extra)
        starts = np.cumsum([0] + sizes[:-1]).tolist()
        return tuple(Narrow.apply(input, d, s, n) for s, n in zip(starts, sizes))
    cuts = [None] + [int(i) for i in ios] + [None]
    out = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        start, stop, _ = slice(a, b).indices(size)
        out.append(Narrow.apply(input, d, start, max(stop - start, 0)))
    return tuple(out)


class Unfold(Op):
    """Sliding windows of ``size`` every ``step`` along ``dim``, as a new last dim (a view)."""

    is_view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.dim, ctx.size, ctx.step = x.shape, dim, size, step
        if x.ndim == 0:
            return x.reshape(1)
        n = (x.shape[dim] - size) // step + 1
        st = x.strides
        shape = x.shape[:dim] + (n,) + x.shape[dim + 1 :] + (size,)
        strides = st[:dim] + (st[dim] * step,) + st[dim + 1 :] + (st[dim],)
        return np.lib.stride_tricks.as_strided(x, shape, strides)

    @staticmethod
    def backward(ctx, grad):
        # each input element collects the gradients of every window it is in
        g = FoldWindows.apply(grad, ctx.shape, ctx.dim, ctx.size, ctx.step)
        return g, None, None, None


class FoldWindows(Op):
    """Unfold's adjoint: sum windows back into a tensor of ``shape``."""

    _name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        ctx.dim, ctx.size, ctx.step = dim, size, step
        if len(shape) == 0:
            return g.reshape(())
        out = np.zeros(shape, g.dtype)
        n = g.shape[dim]
        lead = (slice(None),) * dim
        for k in range(size):
            out[lead + (slice(k, k + step * (n - 1) + 1, step),)] += g[..., k]
        return out

    @staticmethod
    def backward(ctx, grad):
        return Unfold.apply(grad, ctx.dim, ctx.size, ctx.step), None, None, None, None


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: all windows of ``size`` taken every ``step`` along ``dimension``."""
    a = input._data
    d = wrap_dim(dimension, a.ndim)
    max_size = a.shape[d] if a.ndim else 1
    if size > max_size:
        raise RuntimeError(
            f"maximum size for tensor at dimension {d} is {max_size} but size is {size}"
        )
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, d, size, step)


# ---- reorderings that copy ---------------------------------------------------------------


class Flip(Op):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy(order="K")

    @staticmethod
    def backward(ctx, grad):
        # a flip is its own inverse
        return Flip.apply(grad, ctx.dims), None


def flip(input: Tensor, *args, dims=None) -> Tensor:
    """Reverse the order along ``dims`` (a copy, as PyTorch)."""
    dims = _dims_arg(args if dims is None else (dims,))
    return Flip.apply(input, _unique_dims(dims, input._data.ndim))


def fliplr(input: Tensor) -> Tensor:
    """Flip dim 1 (left/right)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Flip dim 0 (up/down)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


class Roll(Op):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        # roll back by the same shifts
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements cyclically along ``dims`` (over the flattened tensor when none given)."""
    shifts = tuple(int(s) for s in shifts) if isinstance(shifts, (list, tuple)) else (int(shifts),)
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(input, shifts, None)
    dims = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    return Roll.apply(input, shifts, tuple(wrap_dim(d, input._data.ndim) for d in dims))


class Rot90(Op):
    @staticmethod
    def forward(ctx, x, k, d0, d1):
        ctx.k, ctx.d0, ctx.d1 = k, d0, d1
        return np.ascontiguousarray(np.rot90(x, k, (d0, d1)))

    @staticmethod
    def backward(ctx, grad):
        # rotate back
        return Rot90.apply(grad, (4 - ctx.k) % 4, ctx.d0, ctx.d1), None, None, None


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first toward the
    second (a copy)."""
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = "
            f"{dims[1]}"
        )
    return Rot90.apply(input, int(k) % 4, d0, d1)


class Repeat(Op):
    @staticmethod
    def forward(ctx, x, reps):
        ctx.shape, ctx.reps = x.shape, reps
        lead = len(reps) - x.ndim
        return np.tile(x.reshape((1,) * lead + x.shape), reps)

    @staticmethod
    def backward(ctx, grad):
        # every copy's gradient sums into the original element
        reps, shape = ctx.reps, ctx.shape
        full = (1,) * (len(reps) - len(shape)) + tuple(shape)
        split_shape = [n for pair in zip(reps, full) for n in pair]
        g = grad.reshape(split_shape).sum(tuple(range(0, 2 * len(reps), 2)))
        return g.reshape(shape), None


def repeat(input: Tensor, *sizes, repeats=None) -> Tensor:
    """Tile the tensor ``sizes`` times along each dim (a copy; extra leading dims are added)."""
    reps = shape_arg(sizes if repeats is None else (repeats,))
    a = input._data
    if len(reps) < a.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    full = (1,) * (len(reps) - a.ndim) + a.shape
    target = [r * s for r, s in zip(reps, full)]
    for n in target:
        if n < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {n}: {fmt_shape(target)}"
            )
    return Repeat.apply(input, reps)


class RepeatInterleave(Op):
    """Element i of ``dim`` repeated ``reps[i]`` times (PyTorch records an index_select)."""

    _name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, x, reps, dim):
        ctx.shape, ctx.reps, ctx.dim = x.shape, reps, dim
        return np.repeat(x, reps, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # every copy's gradient sums into its source element
        return SegmentSum.apply(grad, ctx.shape, ctx.reps, ctx.dim), None, None


class SegmentSum(Op):
    """RepeatInterleave's adjoint: sum each run of ``reps[i]`` slices along ``dim``."""

    _name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, g, shape, reps, dim):
        ctx.reps, ctx.dim = reps, dim
        out = np.zeros(shape, g.dtype)
        idx = np.repeat(np.arange(shape[dim]), reps)
        np.add.at(np.moveaxis(out, dim, 0), idx, np.moveaxis(g, dim, 0))
        return out

    @staticmethod
    def backward(ctx, grad):
        return RepeatInterleave.apply(grad, ctx.reps, ctx.dim), None, None, None


def _repeats_array(repeats: Tensor) -> np.ndarray:
    r = repeats._data
    if r.dtype.kind not in "iu":
        raise NotImplementedError(
            f"\"repeat_interleave_cpu\" not implemented for '{_type_name(repeats.dtype)}'"
        )
    return r


def repeat_interleave(input: Tensor, repeats=None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element of ``dim``).

    ``repeat_interleave(counts)`` alone gives ``arange(len(counts))`` repeated by ``counts``.
    """
    if repeats is None:
        r = _repeats_array(input)
        if r.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        return Tensor._make(np.repeat(np.arange(r.shape[0]), r))
    if dim is None:
        input = input.reshape(-1)
        dim = 0
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    if not isinstance(repeats, Tensor):
        repeats = int(repeats)
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        shape = input._data.shape
        if input._data.ndim == 0:
            return Clone.apply(input.reshape(1).expand(repeats))
        x = input.unsqueeze(d + 1).expand(shape[: d + 1] + (repeats,) + shape[d + 1 :])
        return Clone.apply(x).flatten(d, d + 1)  # a copy even when repeats == 1
    r = _repeats_array(repeats)
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.size == 1:
        r = np.full(size, int(r.reshape(-1)[0]))
    elif r.shape[0] != size:
        raise RuntimeError(
            "repeats must have the same size as input along dim, but got "
            f"repeats.size(0) = {r.shape[0]} and input.size({d}) = {size}"
        )
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    if input._data.ndim == 0:
        input = input.reshape(1)
    return RepeatInterleave.apply(input, r, d)


# ---- triangles and diagonals -------------------------------------------------------------


class Tril(Op):
    """tril/triu: the constant mask makes both the op and its gradient one ``where``."""

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return np.where(mask, x, x.dtype.type(0))

    @staticmethod
    def backward(ctx, grad):
        # the gradient keeps the same triangle
        return Tril.apply(grad, ctx.mask), None


class Triu(Tril):
    pass


def _tri(input: Tensor, diagonal: int, lower: bool) -> Tensor:
    if input._data.ndim < 2:
        raise RuntimeError(
            f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions"
        )
    h, w = input._data.shape[-2:]
    if lower:
        return Tril.apply(input, np.tri(h, w, diagonal, dtype=bool))
    return Triu.apply(input, ~np.tri(h, w, diagonal - 1, dtype=bool))


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the lower triangle of the last two dims (on and below ``diagonal``)."""
    return _tri(input, diagonal, True)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the upper triangle of the last two dims (on and above ``diagonal``)."""
    return _tri(input, diagonal, False)


def _diagonal_view(x: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """``np.diagonal`` as a writable view (NumPy's own is read-only; PyTorch's is writable)."""
    m = np.moveaxis(x, (d1, d2), (-2, -1))
    m = m[..., :, offset:] if offset >= 0 else m[..., -offset:, :]
    st = m.strides
    n = min(m.shape[-2], m.shape[-1])
    return np.lib.stride_tricks.as_strided(m, m.shape[:-2] + (n,), st[:-2] + (st[-2] + st[-1],))


class Diagonal(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = x.shape, offset, d1, d2
        return _diagonal_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        # zeros with the gradient written back on the diagonal
        return DiagEmbed.apply(grad, ctx.shape, ctx.offset, ctx.d1, ctx.d2), None, None, None


class DiagCopy(Diagonal):
    """diag() of a matrix: the diagonal as a new tensor."""

    _name = "DiagonalBackward0_copy"
    is_view = False

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = x.shape, offset, d1, d2
        return np.diagonal(x, offset, d1, d2).copy()


class DiagEmbed(Op):
    """Zeros of ``shape`` with ``g``'s last dim written on the (offset, d1, d2) diagonal."""

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.offset, ctx.d1, ctx.d2 = offset, d1, d2
        out = np.zeros(shape, g.dtype)
        moved = np.moveaxis(out, (d1, d2), (-2, -1))  # a view: writes reach ``out``
        i = np.arange(g.shape[-1])
        moved[..., i + max(-offset, 0), i + max(offset, 0)] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        # the adjoint of writing a diagonal is reading it
        return Diagonal.apply(grad, ctx.offset, ctx.d1, ctx.d2), None, None, None, None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal over (dim1, dim2), appended as the last dim (a view)."""
    d1, d2 = wrap_dim(dim1, input._data.ndim), wrap_dim(dim2, input._data.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset, d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-d -> a square matrix with it on the ``diagonal``; 2-d -> that diagonal (a copy)."""
    nd = input._data.ndim
    if nd == 1:
        n = input._data.shape[0] + abs(diagonal)
        return DiagEmbed.apply(input, (n, n), diagonal, 0, 1)
    if nd == 2:
        return DiagCopy.apply(input, diagonal, 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (over dims ``dim1``, ``dim2`` of the result) with the last dim of ``input`` on
    their ``offset`` diagonal."""
    nd = input._data.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input._data.shape[-1] + abs(offset) if input._data.ndim else 1 + abs(offset)
    shape = list(input._data.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    return DiagEmbed.apply(input.reshape(1) if nd == 1 else input, tuple(shape), offset, d1, d2)


# ---- in-place view ops -------------------------------------------------------------------


def _inplace_view(self: Tensor, result: Tensor) -> Tensor:
    """Make ``self`` the view ``result`` (new shape/strides, same memory), as PyTorch's ``x_()``
    view ops: forbidden on a leaf that requires grad, bumps the version counter."""
    if self._rg and self.grad_fn is None and state.enabled:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    self._data = result._data
    if self._ver is None:
        self._ver = [0]
    self._ver[0] += 1
    if result.grad_fn is not None:
        self.grad_fn, self._out_idx = result.grad_fn, 0
    return self


def squeeze_(self: Tensor, dim=None) -> Tensor:
    """In-place :func:`squeeze`."""
    return _inplace_view(self, squeeze(self, dim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """In-place :func:`unsqueeze`."""
    return _inplace_view(self, unsqueeze(self, dim))


def t_(self: Tensor) -> Tensor:
    """In-place :func:`t`."""
    if self._data.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is "
                           f"{self._data.ndim}D")
    return _inplace_view(self, t(self))


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In-place :func:`transpose`."""
    return _inplace_view(self, transpose(self, dim0, dim1))


# ---- Tensor.new_* factories ----------------------------------------------------------------


def _new_tensor_of(self: Tensor, shape: tuple, fill, dtype, requires_grad: bool) -> Tensor:
    for s in shape:
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {fmt_shape(shape)}"
            )
    dt = _dt.parse(dtype).np if dtype is not None else self._data.dtype
    t = Tensor._make(fill(shape, dt))
    return t.requires_grad_(True) if requires_grad else t


def _new(fill, doc: str, name: str):
    def method(self, *size, dtype=None, device=None, requires_grad: bool = False,
               layout=None, pin_memory: bool = False) -> Tensor:
        return _new_tensor_of(self, shape_arg(size), fill, dtype, requires_grad)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = doc
    return method


new_zeros = _new(np.zeros, "Zeros of ``size`` with this tensor's dtype (unless given).",
                 "new_zeros")
new_ones = _new(np.ones, "Ones of ``size`` with this tensor's dtype (unless given).", "new_ones")
new_empty = _new(np.empty, "An uninitialised tensor of ``size`` with this tensor's dtype.",
                 "new_empty")


def new_full(self: Tensor, size, fill_value, *, dtype=None, device=None,
             requires_grad: bool = False, layout=None, pin_memory: bool = False) -> Tensor:
    """``size`` filled with ``fill_value``, with this tensor's dtype (unless given)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _new_tensor_of(self, shape_arg((size,)), lambda s, d: np.full(s, fill_value, d),
                          dtype, requires_grad)


def new_tensor(self: Tensor, data, *, dtype=None, device=None, requires_grad: bool = False,
               layout=None, pin_memory: bool = False) -> Tensor:
    """A copy of ``data`` with this tensor's dtype (unless given)."""
    from .creation import tensor

    if isinstance(data, Tensor):
        data = data.detach()
    return tensor(data, dtype=dtype if dtype is not None else self.dtype,
                  requires_grad=requires_grad)


register_methods(
    view, reshape, view_as, reshape_as, expand, expand_as, permute, transpose, t, unsqueeze,
    squeeze, flatten, unflatten, contiguous, clone, narrow, select, unbind, split, chunk,
    tensor_split, movedim, moveaxis, flip, fliplr, flipud, roll, rot90, tril, triu, diagonal,
    diag, diag_embed, repeat, repeat_interleave, broadcast_to, unfold, squeeze_, unsqueeze_, t_,
    transpose_, new_zeros, new_ones, new_empty, new_full, new_tensor,
    swapaxes=transpose, swapdims=transpose, swapaxes_=transpose_, swapdims_=transpose_,
)

# Tensor-only methods (view, view_as, reshape_as, expand, expand_as, contiguous, unfold, new_*,
# in-place view ops) stay out of the namespace, as in PyTorch.
__all__ = [
    "reshape", "permute", "transpose", "swapaxes", "swapdims", "t", "unsqueeze", "squeeze",
    "flatten", "unflatten", "clone", "cat", "concat", "concatenate", "stack", "hstack", "vstack",
    "row_stack", "dstack", "column_stack", "narrow", "select", "unbind", "split", "chunk",
    "tensor_split", "movedim", "moveaxis", "flip", "fliplr", "flipud", "roll", "rot90", "tril",
    "triu", "diagonal", "diag", "diag_embed", "repeat_interleave", "broadcast_shapes",
    "broadcast_to", "broadcast_tensors", "atleast_1d", "atleast_2d", "atleast_3d",
]
