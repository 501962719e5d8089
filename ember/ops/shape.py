"""Shape ops. View ops return NumPy views, so writes through a view reach its base."""

from __future__ import annotations

import numpy as np

from ..autograd.node import Op
from ..tensor import Tensor, register_methods
from ._util import fmt_shape, shape_arg, wrap_dim


def _infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve one ``-1`` in ``shape``; PyTorch's error when the sizes don't match."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"invalid shape dimension {min(shape)}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")
        shape = shape[: neg[0]] + (numel // known,) + shape[neg[0] + 1 :]
    elif known != numel:
        raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")
    return shape


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
        return grad.reshape(ctx.shape), None


class Reshape(Op):
    """A reshape that had to copy (the input's strides allowed no view)."""

    _name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.reshape(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


def view(input: Tensor, *shape) -> Tensor:
    """The same data with a new shape; errors when the strides don't allow a view."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        from .. import dtypes as _dt

        return Tensor._make(input._data.view(_dt.to_numpy_dtype(_dt.parse(shape[0]))))  # bits
    return View.apply(input, _infer_shape(shape_arg(shape), input._data.size))


def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the strides allow it, else a copy (as PyTorch)."""
    a = input._data
    shape = _infer_shape(shape_arg(shape), a.size)
    v = a.view()
    try:
        v.shape = shape
    except AttributeError:
        return Reshape.apply(input, shape)
    return View.apply(input, shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


class Expand(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine sums back to the input's shape


def expand(input: Tensor, *sizes) -> Tensor:
    """Broadcast to ``sizes`` without copying (-1 keeps a dimension)."""
    sizes = shape_arg(sizes)
    a = input._data
    if len(sizes) < a.ndim:
        raise RuntimeError(
            f"expand({input.type()}{{{fmt_shape(a.shape)}}}, size={fmt_shape(sizes)}): the "
            "number of sizes provided ({}) must be greater or equal to the number of dimensions "
            "in the tensor ({})".format(len(sizes), a.ndim)
        )
    lead = len(sizes) - a.ndim
    shape = []
    for i, s in enumerate(sizes):
        cur = a.shape[i - lead] if i >= lead else None
        if s == -1:
            if cur is None:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            s = cur
        elif cur is not None and cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {fmt_shape(sizes)}.  Tensor sizes: "
                f"{fmt_shape(a.shape)}"
            )
        shape.append(s)
    return Expand.apply(input, tuple(shape))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._data.shape)


class Permute(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(*np.argsort(ctx.dims).tolist()), None


def permute(input: Tensor, *dims) -> Tensor:
    """Reorder dimensions (a view)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    dims = tuple(wrap_dim(int(d), n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


class Transpose(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d0, ctx.d1 = d0, d1
        return np.swapaxes(x, d0, d1)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.d0, ctx.d1), None, None


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions (a view)."""
    n = input._data.ndim
    return Transpose.apply(input, wrap_dim(dim0, n), wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a matrix; 0-d and 1-d tensors come back as they are."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if n < 2:
        return View.apply(input, input._data.shape)
    return Transpose.apply(input, 0, 1)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim``."""
    a = input._data
    d = wrap_dim(dim, a.ndim + 1)
    return View.apply(input, a.shape[:d] + (1,) + a.shape[d:])


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Drop size-1 dimensions (all, or those in ``dim``)."""
    a = input._data
    if dim is None:
        dims = range(a.ndim)
    elif isinstance(dim, (tuple, list)):
        dims = [wrap_dim(d, a.ndim) for d in dim]
    else:
        dims = [wrap_dim(dim, a.ndim)]
    shape = tuple(s for i, s in enumerate(a.shape) if not (i in dims and s == 1))
    return View.apply(input, shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
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


class Contiguous(Op):
    _name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """``input`` itself when C-contiguous, else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Contiguous.apply(input)


class Clone(Op):
    @staticmethod
    def forward(ctx, x):
        return np.array(x, copy=True)

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy that stays in the graph."""
    return Clone.apply(input)



def _parts_shapes(tensors, dim: int, name: str):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}"
        )
    if len(tensors) == 0:
        raise ValueError(f"{name}(): expected a non-empty list of Tensors")


class Cat(Op):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        ctx.sizes = [a.shape[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        pieces = grad.split(ctx.sizes, ctx.dim)  # the gradient splits back by input sizes
        return (None, *pieces)


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenate along an existing dim (dtypes promote; legacy 1-D empties are skipped)."""
    from .. import dtypes as _dt
    from .pointwise import _cast

    _parts_shapes(tensors, dim, "cat")
    ts = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)] or [tensors[0]]
    ref = ts[0]
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, ref.ndim)
    dt = ref.dtype
    for t in ts[1:]:
        dt = _dt.promote_types(dt, t.dtype)
    for i, t in enumerate(ts):
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            )
        for k in range(ref.ndim):
            if k != d and t.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[k]} but got size {t.shape[k]} for tensor number {i} in the list."
                )
    ts = [_cast(t, dt.np) for t in ts]
    result = Cat.apply(d, *ts)
    if out is not None:
        out._data = result._data
        return out
    return result


concat = concatenate = cat


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Join equal-shaped tensors along a new dim."""
    _parts_shapes(tensors, dim, "stack")
    ref = tensors[0]
    d = wrap_dim(dim, ref.ndim + 1)
    for i, t in enumerate(tensors):
        if t.shape != ref.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref.shape)} at "
                f"entry 0 and {list(t.shape)} at entry {i}"
            )
    return cat([t.unsqueeze(d) for t in tensors], d, out=out)


def hstack(tensors) -> Tensor:
    ts = [t.reshape(1) if t.ndim == 0 else t for t in tensors]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    return cat([t.reshape(1, -1) if t.ndim < 2 else t for t in tensors], 0)


row_stack = vstack


def dstack(tensors) -> Tensor:
    ts = []
    for t in tensors:
        if t.ndim == 0:
            t = t.reshape(1, 1, 1)
        elif t.ndim == 1:
            t = t.reshape(1, -1, 1)
        elif t.ndim == 2:
            t = t.unsqueeze(-1)
        ts.append(t)
    return cat(ts, 2)


def column_stack(tensors) -> Tensor:
    return cat([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors], 1)


class Narrow(Op):
    """A slice [start, start + length) along ``dim`` (a view)."""

    _name = "SliceBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, start, length):
        ctx.shape, ctx.dim, ctx.start = x.shape, dim, start
        index = [slice(None)] * x.ndim
        index[dim] = slice(start, start + length)
        return x[tuple(index)]

    @staticmethod
    def backward(ctx, grad):
        from .indexing import IndexAdd

        index = [slice(None)] * len(ctx.shape)
        index[ctx.dim] = slice(ctx.start, ctx.start + grad.shape[ctx.dim])
        return IndexAdd.apply(grad, ctx.shape, tuple(index), True), None, None, None


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """The slice [start, start + length) of ``dim`` (a view)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    start = int(start)
    if start < 0:
        start += size
    if not 0 <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got "
            f"{start})"
        )
    if length < 0 or start + length > size:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size})."
        )
    return Narrow.apply(input, d, start, length)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The ``index``-th slice of ``dim``, with that dim removed (a view)."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {d}"
        )
    return narrow(input, d, index % size, 1).squeeze(d)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """All slices along ``dim`` (views), as a tuple."""
    d = wrap_dim(dim, input.ndim)
    return tuple(select(input, d, i) for i in range(input.shape[d]))


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` (the last may be smaller) or of the listed sizes (views)."""
    d = wrap_dim(dim, tensor.ndim)
    size = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
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
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if np.sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
    out, start = [], 0
    for n in sizes:
        out.append(Narrow.apply(tensor, d, start, n))
        start += n
    return tuple(out)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of ceil(size / chunks) (fewer if the size runs out)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    step = -(-size // chunks) if size else 1
    return split(input, max(step, 1), d) if size else split(input, [0] * 1, d)


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    """Split into n nearly equal parts, or at the given indices (like numpy.array_split)."""
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(
                f"number of sections must be larger than 0, got {n}"
            )
        base, extra = divmod(size, n)
        sizes = [base + 1] * extra + [base] * (n - extra)
        bounds = np.cumsum([0] + sizes)
    else:
        bounds = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        a, b = int(a), int(max(b, a))
        out.append(Narrow.apply(input, d, a, b - a))
    return tuple(out)


def movedim(input: Tensor, source, destination) -> Tensor:
    """Move dims from ``source`` to ``destination`` positions (a view)."""
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
            f"the same number of dims as destination ({dst} dims)"
        )
    n = input.ndim
    src = [wrap_dim(s, n) for s in src]
    dst = [wrap_dim(s, n) for s in dst]
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


class Flip(Op):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.dims), None


def flip(input: Tensor, *dims) -> Tensor:
    """Reverse the order along ``dims`` (a copy, as PyTorch)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return Flip.apply(input, tuple(wrap_dim(d, input.ndim) for d in dims))


def fliplr(input: Tensor) -> Tensor:
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    return flip(input, 0)


class Roll(Op):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        neg = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return Roll.apply(grad, neg, ctx.dims), None, None


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements cyclically (over the flattened tensor when ``dims`` is None)."""
    if dims is None:
        return Roll.apply(input.flatten(), shifts, 0).view(input.shape)
    shifts = tuple(shifts) if isinstance(shifts, (list, tuple)) else shifts
    dims = tuple(dims) if isinstance(dims, (list, tuple)) else dims
    return Roll.apply(input, shifts, dims)


class Triangle(Op):
    """tril/triu: the constant mask makes both the op and its gradient one multiplication."""

    _name = "TrilBackward0"

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return np.where(mask, x, 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return Triangle.apply(grad, ctx.mask), None


def _tri(input: Tensor, diagonal: int, lower: bool) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 "
                           "dimensions")
    h, w = input.shape[-2:]
    mask = np.tri(h, w, diagonal, dtype=bool) if lower else ~np.tri(h, w, diagonal - 1,
                                                                    dtype=bool)
    return Triangle.apply(input, mask)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the lower triangle (elements on and below ``diagonal``)."""
    return _tri(input, diagonal, True)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """Keep the upper triangle."""
    return _tri(input, diagonal, False)


class Diagonal(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = x.shape, offset, d1, d2
        return np.diagonal(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        return DiagEmbed.apply(grad, ctx.shape, ctx.offset, ctx.d1, ctx.d2), None, None, None


class DiagEmbed(Op):
    """Zeros of ``shape`` with ``g`` written on the chosen diagonal (Diagonal's adjoint)."""

    _name = "DiagonalBackward0"

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
        return Diagonal.apply(grad, ctx.offset, ctx.d1, ctx.d2), None, None, None, None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal over (dim1, dim2), appended as the last dim (a view)."""
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(
            f"diagonal dimensions cannot be identical {dim1}, {dim2}"
        )
    return Diagonal.apply(input, offset, d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-D -> a square matrix with it on the diagonal; 2-D -> that diagonal."""
    if input.ndim == 1:
        n = input.shape[0] + abs(diagonal)
        return DiagEmbed.apply(input, (n, n), diagonal, 0, 1)
    if input.ndim == 2:
        return Diagonal.apply(input, diagonal, 0, 1).clone()
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    n = input.shape[-1] + abs(offset)
    shape = tuple(input.shape[:-1]) + (n, n)
    out_nd = len(shape)
    d1, d2 = wrap_dim(dim1, out_nd), wrap_dim(dim2, out_nd)
    if (d1, d2) != (out_nd - 2, out_nd - 1):
        raise NotImplementedError("diag_embed into dims other than the last two")
    return DiagEmbed.apply(input, shape, offset, d1, d2)


class Repeat(Op):
    @staticmethod
    def forward(ctx, x, reps):
        ctx.shape, ctx.reps = x.shape, reps
        lead = len(reps) - x.ndim
        return np.tile(x.reshape((1,) * lead + x.shape), reps)

    @staticmethod
    def backward(ctx, grad):
        reps, shape = ctx.reps, ctx.shape
        lead = len(reps) - len(shape)
        full = (1,) * lead + tuple(shape)
        split_shape = []
        for r, s in zip(reps, full):
            split_shape += [r, s]
        g = grad.reshape(split_shape).sum(tuple(range(0, 2 * len(reps), 2)))
        return g.reshape(shape), None


def repeat(input: Tensor, *sizes) -> Tensor:
    """Tile the tensor ``sizes`` times along each dim (a copy)."""
    reps = shape_arg(sizes)
    if len(reps) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    return Repeat.apply(input, reps)


def repeat_interleave(input: Tensor, repeats, dim=None, *, output_size=None) -> Tensor:
    """Repeat each element ``repeats`` times (an int or one count per element)."""
    from .indexing import getitem

    if dim is None:
        input = input.reshape(-1)
        dim = 0
    d = wrap_dim(dim, input.ndim)
    reps = repeats._data if isinstance(repeats, Tensor) else repeats
    idx = np.repeat(np.arange(input.shape[d]), reps)
    key = (slice(None),) * d + (Tensor._make(idx),)
    return getitem(input, key)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1)."""
    d = wrap_dim(dim, input.ndim)
    sizes = tuple(sizes)
    if -1 not in sizes:
        prod = 1
        for s in sizes:
            prod *= s
        if prod != input.shape[d]:
            raise RuntimeError(
                f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                f"{dim} ({input.shape[d]}) in the input tensor"
            )
    return reshape(input, tuple(input.shape[:d]) + sizes + tuple(input.shape[d + 1 :]))


def broadcast_shapes(*shapes) -> tuple:
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise RuntimeError(
            f"Shape mismatch: objects cannot be broadcast to a single shape: {shapes}"
        ) from None


def broadcast_to(input: Tensor, size) -> Tensor:
    return expand(input, tuple(size))


def broadcast_tensors(*tensors) -> tuple:
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def atleast_1d(*tensors):
    out = [t.reshape(1) if t.ndim == 0 else t for t in tensors]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*tensors):
    out = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    return out[0] if len(out) == 1 else tuple(out)


def _new(fill):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        from .. import dtypes as _dt

        shape = shape_arg(size)
        dt = _dt.parse(dtype).np if dtype is not None else self._data.dtype
        t = Tensor._make(fill(shape, dt))
        return t.requires_grad_(True) if requires_grad else t

    return method


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _new(lambda s, d: np.full(s, fill_value, d))(self, size, dtype=dtype,
                                                       requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    from .creation import tensor

    return tensor(data, dtype=dtype if dtype is not None else self.dtype,
                  requires_grad=requires_grad)


def unfold_windows(self, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: all windows of ``size`` with ``step`` along ``dimension``."""
    from .indexing import getitem

    d = wrap_dim(dimension, self.ndim) if self.ndim else 0
    n = (self.shape[d] - size) // step + 1
    idx = np.arange(n)[:, None] * step + np.arange(size)[None, :]
    key = (slice(None),) * d + (Tensor._make(idx),)
    out = getitem(self, key)  # (..., n, size, ...) with the window dim right after d
    return movedim(out, d + 1, -1)


register_methods(
    view, reshape, view_as, reshape_as, expand, expand_as, permute, transpose, swapaxes,
    swapdims, t, unsqueeze, squeeze, flatten, contiguous, clone, narrow, select, unbind, split,
    chunk, tensor_split, movedim, moveaxis, flip, fliplr, flipud, roll, tril, triu, diagonal,
    diag, diag_embed, repeat, repeat_interleave, unflatten, broadcast_to, new_full, new_tensor,
    new_zeros=_new(np.zeros), new_ones=_new(np.ones), new_empty=_new(np.zeros),
    unfold=unfold_windows,
)

__all__ = [
    "view", "reshape", "view_as", "reshape_as", "expand", "expand_as", "permute", "transpose",
    "swapaxes", "swapdims", "t", "unsqueeze", "squeeze", "flatten", "contiguous", "clone",
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
    "column_stack", "narrow", "select", "unbind", "split", "chunk", "tensor_split", "movedim",
    "moveaxis", "flip", "fliplr", "flipud", "roll", "tril", "triu", "diagonal", "diag",
    "diag_embed", "repeat_interleave", "unflatten", "broadcast_shapes", "broadcast_to",
    "broadcast_tensors", "atleast_1d", "atleast_2d",
]
