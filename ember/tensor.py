"""The Tensor: one NumPy array plus the autograd fields (grad, grad_fn, version counter).

Ops live in ``ember/ops/*`` and attach themselves as methods with ``register_methods``; this
file holds what is about the Tensor object itself: attributes, conversions, autograd entry
points and Python protocol methods.
"""

from __future__ import annotations

import weakref

import numpy as np

from . import devices
from . import dtypes as _dt
from .autograd import node as _node

_new = object.__new__
_MISSING = object()


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``ember.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"ember.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


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
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

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
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Start or stop recording operations on this leaf tensor."""
        flag = bool(requires_grad)
        if self.grad_fn is not None:
            if not flag:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach()."
                )
            return self
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients, "
                f"got {self.dtype}"
            )
        self._rg = flag
        return self

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
                    f"assigned grad expected to be a Tensor or None but got grad of "
                    f"{type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: grad {list(value.shape)}, "
                    f"tensor {list(self.shape)}"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"assigned grad has data of a different type: {value.dtype} vs {self.dtype}"
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
        if self._data.ndim > 2:
            import warnings

            warnings.warn(
                "The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                "is deprecated and it will throw an error in a future release.",
                UserWarning,
                stacklevel=2,
            )
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

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
        a = self.numpy()
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return np.array(a) if copy else a

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
        """Cast and/or move: ``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif isinstance(a, _dt.dtype):
                dtype = a
            elif isinstance(a, (str, devices.device, int)) and not isinstance(a, bool):
                if isinstance(a, str) and a.split(".")[-1] in _dt._BY_NAME and "." in a:
                    dtype = _dt.parse(a)
                else:
                    device = a
            elif a is not None:
                dtype = _dt.parse(a)
        if device is not None:
            devices.parse(device)
        if dtype is None or _dt.parse(dtype).np == self._data.dtype:
            return self.clone() if copy else self
        from .ops.pointwise import _cast

        return _cast(self, _dt.to_numpy_dtype(_dt.parse(dtype)))

    def float(self) -> Tensor:
        return self.to(_dt.float32)

    def double(self) -> Tensor:
        return self.to(_dt.float64)

    def half(self) -> Tensor:
        return self.to(_dt.float16)

    def bfloat16(self) -> Tensor:
        return self.to(_dt.bfloat16)

    def long(self) -> Tensor:
        return self.to(_dt.int64)

    def int(self) -> Tensor:
        return self.to(_dt.int32)

    def short(self) -> Tensor:
        return self.to(_dt.int16)

    def char(self) -> Tensor:
        return self.to(_dt.int8)

    def byte(self) -> Tensor:
        return self.to(_dt.uint8)

    def bool(self) -> Tensor:
        return self.to(_dt.bool)

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
        return st[_wrap_dim(dim, a.ndim)]

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
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
            )
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

    def __complex__(self) -> complex:
        return complex(self.item())

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self, tensor_contents)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment."
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
