"""The Tensor: one NumPy array plus the autograd fields (grad, grad_fn, version counter).

Ops live in ``ember/ops/*`` and attach themselves as methods with ``register_methods``; this
file holds what is about the Tensor object itself: attributes, conversions, autograd entry
points and Python protocol methods.
"""

from __future__ import annotations

import numbers
import operator
import weakref

import numpy as np

from . import devices
from . import dtypes as _dt
from .autograd import node as _node

_new = object.__new__
_MISSING = object()


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``ember.Size([2, 3])``."""

    def __new__(cls, sizes=()):
        items = []
        for i, s in enumerate(sizes):
            if s.__class__ is not int:
                try:
                    s = operator.index(s)
                except TypeError:
                    raise TypeError(
                        f"ember.Size() takes an iterable of 'int' (item {i} is "
                        f"'{type(s).__name__}')"
                    ) from None
            items.append(s)
        return tuple.__new__(cls, items)

    def __repr__(self) -> str:
        return f"ember.Size({list(self)})"

    __str__ = __repr__

    def __reduce__(self):
        return (Size, (tuple(self),))

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return _size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(
                f"can only concatenate tuple (not {type(other).__name__}) to ember.Size"
            )
        return _size(tuple(self) + other)

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _size(other + tuple(self))

    def __mul__(self, n):
        return _size(tuple(self) * n)

    __rmul__ = __mul__


def _size(shape: tuple) -> Size:
    """A Size from a tuple of ints, without re-checking them (the hot path of ``.shape``)."""
    return tuple.__new__(Size, shape)


class Tensor:
    """A multi-dimensional array with autograd, PyTorch's ``torch.Tensor``.

    ``ember.Tensor(2, 3)`` gives an uninitialised float tensor of that shape (zeros here),
    ``ember.Tensor([1, 2])`` a float tensor of that data, as PyTorch's legacy constructor does.
    """

    # Class-level defaults keep creation cheap: a new tensor sets only ``_data``.
    _rg = False
    _grad = None
    grad_fn = None
    _out_idx = 0
    _ver = None
    _base = None
    _view_ver = None  # a view's version when its grad_fn was set (autograd.node._fresh)
    _view_nograd = False  # a view made under no_grad
    _accum = None
    _hooks = None
    _post_hooks = None
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        from .legacy import legacy_new

        t = legacy_new(None, args, kwargs)
        if cls is Tensor:
            return t
        sub = _new(cls)  # a subclass (``class MyTensor(ember.Tensor)``) keeps its type
        sub._data = t._data
        return sub

    @staticmethod
    def _make(arr: np.ndarray) -> Tensor:
        t = _new(Tensor)
        t._data = arr
        return t

    # ---- attributes -----------------------------------------------------------------------
    @property
    def dtype(self) -> _dt.dtype:
        return _dt._FROM_NP[self._data.dtype]

    @property
    def shape(self) -> Size:
        return _size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return _size(self._data.shape)
        return self._data.shape[_wrap_size_dim(dim, self._data.ndim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def device(self) -> devices.device:
        return devices.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        return True

    @property
    def layout(self):
        from . import strided

        return strided

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def get_device(self) -> int:
        return -1

    @property
    def data(self) -> Tensor:
        """The same storage as a tensor outside the graph (a new version counter, as PyTorch)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag.__class__ is not bool:
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None and flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        self._set_requires_grad(flag, "floating point and complex dtype")

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Start or stop recording operations on this leaf tensor (True on a non-leaf is a
        no-op, as in PyTorch)."""
        if requires_grad.__class__ is not bool:
            name = type(requires_grad).__name__
            if isinstance(requires_grad, np.generic):
                name = "numpy." + name
            raise TypeError(
                f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not {name}"
            )
        if self.grad_fn is not None and requires_grad:
            return self
        self._set_requires_grad(requires_grad, "floating point dtype")
        return self

    def _set_requires_grad(self, flag: bool, allowed: str) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to "
                "use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach()."
            )
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(f"only Tensors of {allowed} can require gradients")
        self._rg = flag

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated into this leaf by backward (None until then)."""
        if self.grad_fn is not None and self._retained() is None:
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_c_name(value.dtype)}' to a "
                    f"tensor with grad_dtype '{_SCALAR_NAMES[self.dtype.name]}'. The gradient "
                    "must match the tensor's grad_dtype (defaults to the tensor's dtype)."
                )
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._out_idx

    @property
    def _version(self) -> int:
        return self._ver[0] if self._ver is not None else 0

    @property
    def retains_grad(self) -> bool:
        return self._retained() is not None

    def _retained(self):
        fn = self.grad_fn
        if fn is None or not fn._retained:
            return None
        ref = fn._retained.get(self._out_idx)
        return ref if ref is not None and ref() is self else None

    @property
    def T(self) -> Tensor:
        """The dimensions reversed; PyTorch warns (deprecated) unless the tensor is 2-D."""
        nd = self._data.ndim
        if nd != 2:
            import warnings

            warnings.warn(
                "Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
                "cases." if nd == 0 else
                "The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                "is deprecated and it will throw an error in a future release. Consider `x.mT` "
                "to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, "
                "-1))` to reverse the dimensions of a tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self.permute(*range(nd - 1, -1, -1))

    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped."""
        _need_matrices(self, "mT")
        return self.transpose(-2, -1)

    @property
    def mH(self) -> Tensor:
        """The conjugate transpose of the last two dimensions (``mT`` for real tensors)."""
        _need_matrices(self, "mH")
        return self.transpose(-2, -1)

    @property
    def H(self) -> Tensor:
        """The conjugate transpose of a matrix (``T`` for real 2-D tensors)."""
        nd = self._data.ndim
        if nd > 2 or nd == 1:
            more = " For batches of matrices, consider using tensor.mH" if nd > 2 else ""
            raise RuntimeError(
                f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor.{more}"
            )
        return self.permute(*range(nd - 1, -1, -1))

    # ---- conversions ----------------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The NumPy array behind this tensor (shared memory, like PyTorch)."""
        if self._rg and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` shares memory (raises for tensors that require grad, as PyTorch);
        NumPy 2's ``copy=`` is honoured."""
        a = self.numpy()
        if dtype is not None and a.dtype != dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return a.astype(dtype)
        return np.array(a) if copy else a

    def __array_wrap__(self, arr, context=None, return_scalar: bool = False):
        """NumPy ufuncs on tensors (``np.sqrt(t)``) give tensors back, as with PyTorch; the
        result is outside the graph."""
        if arr.dtype in _dt._FROM_NP:
            return Tensor._make(np.asarray(arr))
        return arr[()] if return_scalar else arr

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        """With no argument the type name ('ember.FloatTensor'); otherwise a cast to that type
        (a legacy type, its name 'torch.DoubleTensor'/'ember.DoubleTensor', or a dtype)."""
        from . import legacy

        if dtype is None:
            return "ember." + self.dtype._legacy
        if isinstance(dtype, str):
            try:
                dtype = legacy._type_from_name(dtype)
            except (AttributeError, ValueError):
                raise ValueError(f"invalid type: '{dtype}'") from None
        if dtype is Tensor:
            dtype = _dt.get_default_dtype()
        elif isinstance(dtype, legacy.tensortype):
            if dtype.is_cuda:
                devices.check_available(devices.device("cuda"))
            dtype = dtype.dtype
        elif isinstance(dtype, type):
            raise ValueError(f"invalid type: '{dtype.__name__}'")
        elif not isinstance(dtype, _dt.dtype):
            raise TypeError("dtype must be a type, str, or dtype object")
        return self.to(dtype)

    def to(self, *args, **kwargs) -> Tensor:
        """Cast and/or move: ``to(dtype)``, ``to(device, dtype)``, ``to(other)``, with PyTorch's
        ``non_blocking``/``copy``/``memory_format`` arguments. Only the CPU exists."""
        if not kwargs and len(args) == 1:
            a = args[0]
            if a is devices.CPU or (a.__class__ is str and a == "cpu") or (
                    a.__class__ is devices.device and a.type == "cpu"):
                return self
            if a.__class__ is _dt.dtype and a.np == self._data.dtype:
                return self
        dtype, device, copy = _to_args(args, kwargs)
        if device is not None:
            devices.parse(device)
        if dtype is None or dtype.np == self._data.dtype:
            return self.clone() if copy else self
        from .ops.pointwise import _cast

        return _cast(self, _dt.to_numpy_dtype(dtype))

    def float(self) -> Tensor:
        return self if self._data.dtype == _dt.float32.np else self.to(_dt.float32)

    def double(self) -> Tensor:
        return self if self._data.dtype == _dt.float64.np else self.to(_dt.float64)

    def half(self) -> Tensor:
        return self if self._data.dtype == _dt.float16.np else self.to(_dt.float16)

    def bfloat16(self) -> Tensor:
        return self if self._data.dtype == _dt.bfloat16.np else self.to(_dt.bfloat16)

    def long(self) -> Tensor:
        return self if self._data.dtype == _dt.int64.np else self.to(_dt.int64)

    def int(self) -> Tensor:
        return self if self._data.dtype == _dt.int32.np else self.to(_dt.int32)

    def short(self) -> Tensor:
        return self if self._data.dtype == _dt.int16.np else self.to(_dt.int16)

    def char(self) -> Tensor:
        return self if self._data.dtype == _dt.int8.np else self.to(_dt.int8)

    def byte(self) -> Tensor:
        return self if self._data.dtype == _dt.uint8.np else self.to(_dt.uint8)

    def bool(self) -> Tensor:
        return self if self._data.dtype == _dt.bool.np else self.to(_dt.bool)

    def cpu(self, memory_format=None) -> Tensor:
        return self

    def cuda(self, device=None, non_blocking: bool = False, **kwargs) -> Tensor:
        devices.check_available(devices.device("cuda"))

    def pin_memory(self) -> Tensor:
        return self

    def is_pinned(self) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False

    # ---- memory layout --------------------------------------------------------------------
    def is_contiguous(self, memory_format=None) -> bool:
        return self._data.flags.c_contiguous

    def stride(self, dim: int | None = None):
        """Strides in elements, as PyTorch counts them (NumPy counts bytes)."""
        a = self._data
        st = tuple(s // a.itemsize for s in a.strides)
        if dim is None:
            return st
        return st[_wrap_size_dim(dim, a.ndim)]

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def storage_offset(self) -> int:
        """Elements between the start of the underlying buffer and this tensor's first one."""
        a = self._data
        root = a
        while isinstance(root.base, np.ndarray):
            root = root.base
        return (self.data_ptr() - root.__array_interface__["data"][0]) // a.itemsize

    def untyped_storage(self):
        raise NotImplementedError("Ember exposes tensor memory through .numpy(), not storages")

    # ---- autograd -------------------------------------------------------------------------
    def detach(self) -> Tensor:
        """The same data outside the graph; shares memory and version counter."""
        t = Tensor._make(self._data)
        if self._ver is None:
            self._ver = [0]
        t._ver = self._ver
        return t

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._rg = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        fn = self.grad_fn
        if fn is None:
            return
        if fn._retained is None:
            fn._retained = {}
        fn._retained[self._out_idx] = weakref.ref(self)

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; it may return a new one."""
        if not self._rg:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient"
            )
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._out_idx, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _node._RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after a leaf's ``.grad`` was accumulated."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _node._RemovableHandle(self._post_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``; see ``autograd.backward``."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ---- Python protocol ------------------------------------------------------------------
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._data.item())

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self._data.item())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._data.item())

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __contains__(self, element) -> bool:
        """``x in t``: whether any element equals ``x`` (a number or a tensor)."""
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(
                "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element)}."
            )
        return bool((self == element).any().item())

    def __complex__(self) -> complex:
        return complex(self.item())

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self, tensor_contents)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 and type(self) is Tensor:  # not Parameter, as PyTorch
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                "be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        t = _new(type(self))
        t.__dict__.update({k: v for k, v in self.__dict__.items() if k not in ("_ver", "_accum")})
        t._data = self._data.copy()
        t._ver = None
        t._accum = None
        if self._grad is not None:
            t._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = t
        return t


_PY_DTYPES = {float: _dt.float64, int: _dt.int64, bool: _dt.bool}
_TO_SIGNATURES = (
    " * (ember.device device = None, ember.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, ember.memory_format memory_format = None)\n"
    " * (ember.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "ember.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "ember.memory_format memory_format = None)\n"
)


def _arg_name(x) -> str:
    if isinstance(x, Tensor):
        return "Tensor"
    if isinstance(x, (_dt.dtype, devices.device)):
        return "ember." + type(x).__name__
    return type(x).__name__


def _to_error(args, kwargs) -> TypeError:
    got = [_arg_name(a) for a in args] + [f"{k}={_arg_name(v)}" for k, v in kwargs.items()]
    text = ", ".join(got) + (", " if kwargs else "")
    return TypeError(
        f"to() received an invalid combination of arguments - got ({text}), but expected one "
        f"of:\n{_TO_SIGNATURES}"
    )


def _as_dtype(x):
    if isinstance(x, _dt.dtype):
        return x
    return _PY_DTYPES.get(x) if isinstance(x, type) else None


def _to_args(args, kwargs):
    """``Tensor.to``'s three signatures -> (dtype or None, device or None, copy)."""
    kw = dict(kwargs)
    dtype, device = kw.pop("dtype", None), kw.pop("device", None)
    rest = list(args)
    first = rest[0] if rest else None
    if isinstance(first, Tensor):
        dtype, device = first.dtype, None
        rest.pop(0)
    elif rest and _as_dtype(first) is not None:
        dtype = rest.pop(0)
    elif rest and (first is None or isinstance(first, (str, devices.device, int))) and (
            first.__class__ is not bool):
        device = rest.pop(0)
        if rest and _as_dtype(rest[0]) is not None:
            dtype = rest.pop(0)
    flags = {"non_blocking": False, "copy": False}
    for name, value in zip(flags, rest):
        flags[name] = value
    if len(rest) > 2 or any(v.__class__ is not bool for v in rest):
        raise _to_error(args, kwargs)
    for name in ("non_blocking", "copy"):
        if name in kw:
            flags[name] = kw.pop(name)
    kw.pop("memory_format", None)
    if kw or (dtype is not None and _as_dtype(dtype) is None):
        raise _to_error(args, kwargs)
    return (_as_dtype(dtype) if dtype is not None else None), device, bool(flags["copy"])


def _need_matrices(t: Tensor, attr: str) -> None:
    if t._data.ndim < 2:
        raise RuntimeError(
            f"tensor.{attr} is only supported on matrices or batches of matrices. Got "
            f"{t._data.ndim}-D tensor."
        )


# c10's scalar type names, which some PyTorch messages print.
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
                 "bfloat16": "BFloat16", "uint8": "Byte", "int8": "Char", "int16": "Short",
                 "int32": "Int", "int64": "Long", "bool": "Bool"}


def _c_name(d: _dt.dtype) -> str:
    from .legacy import _C_NAMES

    return _C_NAMES[d.name]


def _wrap_size_dim(dim: int, ndim: int) -> int:
    """``size(dim)``/``stride(dim)``: as ``_wrap_dim``, but a 0-d tensor has no dimension 0."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _rebuild(arr, requires_grad):
    t = Tensor._make(arr)
    t._rg = requires_grad
    return t


def _wrap_dim(dim: int, ndim: int) -> int:
    """Wrap a negative dim; IndexError naming the valid range, as PyTorch."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim


def register_methods(*fns, **named) -> None:
    """Attach op functions as Tensor methods (by their own name, or the given ones)."""
    for fn in fns:
        setattr(Tensor, fn.__name__, fn)
    for name, fn in named.items():
        setattr(Tensor, name, fn)


_node.Tensor = Tensor


def is_tensor(obj) -> bool:
    """Whether ``obj`` is an Ember tensor."""
    return isinstance(obj, Tensor)


def _tensor_arg(fn: str, x) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}"
        )
    return x


def is_floating_point(input: Tensor) -> bool:  # noqa: A002 - torch's name
    """Whether ``input`` has a floating dtype."""
    return _tensor_arg("is_floating_point", input)._data.dtype.kind == "f"


def is_complex(input: Tensor) -> bool:  # noqa: A002 - torch's name
    """Always False: Ember has no complex dtypes."""
    _tensor_arg("is_complex", input)
    return False


def numel(input: Tensor) -> int:  # noqa: A002 - torch's name
    """The number of elements of ``input``."""
    return _tensor_arg("numel", input)._data.size


def typename(obj) -> str:
    """'ember.FloatTensor' for a tensor, else the object's qualified type name."""
    if isinstance(obj, Tensor):
        return obj.type()
    t = type(obj)
    module = "" if t.__module__ in ("builtins", "__builtin__", None) else t.__module__ + "."
    return module + t.__qualname__
