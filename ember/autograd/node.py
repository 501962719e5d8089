"""Graph nodes: ``Node`` (what ``grad_fn`` holds), ``Op`` (a primitive op) and ``AccumulateGrad``.

An ``Op`` subclass is one primitive: ``forward(ctx, *arrays, **kw)`` computes on NumPy arrays,
``backward(ctx, *grads)`` returns one gradient per input written with Tensor ops, so that it is
itself differentiable when the engine runs it with ``create_graph=True``. The ``ctx`` *is* the
graph node: ``Op.apply`` builds it only when the graph is being recorded.
"""

from __future__ import annotations

import re
import traceback
import weakref

import numpy as np

from .. import dtypes as _dtypes
from .grad_mode import state

Tensor = None  # set by ember.tensor once the Tensor class exists (breaks the import cycle)
_ndarray = np.ndarray
_asarray = np.asarray

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


class Node:
    """A node of the backward graph; PyTorch's ``torch.autograd.graph.Node``."""

    _name = "Node"
    next_functions: tuple = ()
    _hooks = None
    _prehooks = None
    _tensor_hooks = None  # {output index: [hook]} from Tensor.register_hook on non-leaves
    _retained = None  # {output index: weakref to the tensor} from retain_grad()
    _trace = None  # forward stack, kept under detect_anomaly
    _freed = False
    n_outputs = 1
    _saved = ()
    _in_meta = ()

    def name(self) -> str:
        return self._name

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; may return new grad_outputs."""
        if self._prehooks is None:
            self._prehooks = []
        self._prehooks.append(fn)
        return _RemovableHandle(self._prehooks, fn)

    def _add_tensor_hook(self, index: int, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        hooks = self._tensor_hooks.setdefault(index, [])
        hooks.append(fn)
        return _RemovableHandle(hooks, fn)

    def __repr__(self) -> str:
        return f"<{self._name.rsplit('::', 1)[-1]} object at {id(self):#x}>"

    def __call__(self, *grads):
        return self._apply(list(grads))


class _RemovableHandle:
    """Returned by every ``register_*hook``; ``remove()`` unregisters."""

    def __init__(self, hooks: list, fn) -> None:
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class AccumulateGrad(Node):
    """The node behind a leaf tensor: adds the incoming gradient into ``variable.grad``."""

    _name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable) -> None:
        self.variable = variable

    def _apply(self, grads):
        from .engine import accumulate

        accumulate(self.variable, grads[0])
        return ()


def _grad_accumulator(t):
    """The one AccumulateGrad of leaf ``t`` (kept through a weak reference, like PyTorch)."""
    ref = t._accum
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._accum = weakref.ref(node)
    return node


def _edge(t):
    if t._base is not None:
        _fresh(t)
    if t.grad_fn is not None:
        return (t.grad_fn, t._out_idx)
    if t._rg:
        return (_grad_accumulator(t), 0)
    return (None, 0)


class _Saved:
    """A tensor saved for backward, with the version it had, re-made lazily for outputs."""

    __slots__ = ("tensor", "array", "ver", "version", "out_idx")

    def unpack(self, node):
        ver = self.ver
        if ver is not None and ver[0] != self.version:
            raise RuntimeError(self._version_error(node, ver[0]))
        if self.tensor is not None:
            return self.tensor
        t = Tensor._make(self.array)  # an output: re-attach it to this node, as PyTorch does
        t._rg = True
        t.grad_fn = node
        t._out_idx = self.out_idx
        t._ver = ver
        return t

    def _version_error(self, node, now: int) -> str:
        """PyTorch's message: the saved tensor's type, shape, producer and versions."""
        t = self.tensor
        if t is None:  # a saved output: produced by this node
            fn, idx = node, self.out_idx
        else:
            fn, idx = t.grad_fn, t._out_idx
        kind = _dtypes._FROM_NP[self.array.dtype]._legacy
        who = f", which is output {idx} of {_short_name(fn)}," if fn is not None else ""
        hint = (
            "the backtrace further above shows the operation that failed to compute its "
            "gradient. The variable in question was changed in there or anywhere later. Good luck!"
            if state.anomaly
            else "enable anomaly detection to find the operation that failed to compute its "
            "gradient, with ember.autograd.set_detect_anomaly(True, check_nan=False)."
        )
        return (
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [ember.{kind} {list(self.array.shape)}]{who} is at version "
            f"{now}; expected version {self.version} instead. Hint: {hint}"
        )


def _short_name(fn) -> str:
    """``MulBackward0`` -> ``Mul``, as PyTorch names a tensor's producer in errors."""
    return re.sub(r"Backward\d*$", "", fn.name())


class Op(Node):
    """A primitive op: NumPy forward, Tensor-op backward. Subclasses set ``forward``/``backward``.

    ``Op.apply(*inputs, **kw)`` takes Tensors and plain constants (numbers, shapes, arrays),
    passes their arrays to ``forward`` and wraps the result. Subclasses may set ``is_view`` (the
    output shares memory and version counter with input 0), ``differentiable = False``, or
    ``n_outputs > 1`` (forward returns a tuple).
    """

    is_view = False
    differentiable = True
    n_outputs = 1
    needs_input_grad: tuple = ()
    _saved = ()
    _in_meta = ()

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        if "_name" not in cls.__dict__:
            cls._name = cls.__name__ + "Backward0"

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError

    def save_for_backward(self, *arrays) -> None:
        """Save input or output arrays (or None); ``saved_tensors`` gives them back as Tensors."""
        self._to_save = arrays

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED)
        return tuple(s if s is None else s.unpack(self) for s in self._saved)

    @classmethod
    def apply(cls, *inputs, **kwargs):
        record = False
        args = []
        for x in inputs:
            if x.__class__ is Tensor or isinstance(x, Tensor):
                if x._base is not None and state.enabled:
                    _fresh(x)
                if x._rg:
                    record = True
                args.append(x._data)
            else:
                args.append(x)
        if not (record and state.enabled and cls.differentiable):
            out = cls.forward(_NO_CTX, *args, **kwargs)
            if cls.n_outputs == 1:
                return _wrap_plain(out, inputs, cls.is_view)
            return tuple(_wrap_plain(o, inputs, cls.is_view) for o in out)
        ctx = _new_node(cls)
        ctx._to_save = ()
        out = cls.forward(ctx, *args, **kwargs)
        ctx._record(inputs)
        if cls.n_outputs == 1:
            res = _wrap_plain(out, inputs, cls.is_view)
            if res._data.dtype.kind == "f":
                res._rg = True
                res.grad_fn = ctx
            if ctx._to_save:
                ctx._save(inputs, args, (out,), (res,))
            return res
        res = tuple(_wrap_plain(o, inputs, cls.is_view) for o in out)
        for i, r in enumerate(res):
            if r._data.dtype.kind == "f":
                r._rg = True
                r.grad_fn = ctx
                r._out_idx = i
        if ctx._to_save:
            ctx._save(inputs, args, out, res)
        return res

    def _record(self, inputs) -> None:
        n = len(inputs)
        edges, needs, meta = [_NO_EDGE] * n, [False] * n, [None] * n
        for k, x in enumerate(inputs):
            if x.__class__ is Tensor or isinstance(x, Tensor):
                if x.grad_fn is not None:
                    edges[k] = (x.grad_fn, x._out_idx)
                    needs[k] = True
                elif x._rg:
                    edges[k] = (_grad_accumulator(x), 0)
                    needs[k] = True
                a = x._data
                meta[k] = (a.shape, a.dtype)
        self.next_functions = tuple(edges)
        self.needs_input_grad = tuple(needs)
        self._in_meta = meta
        if state.anomaly:
            self._trace = "".join(traceback.format_stack()[:-3])

    def _save(self, inputs, args, raw_outs, outs) -> None:
        saved = []
        n_in = len(args)
        for a in self._to_save:
            if a is None:
                saved.append(None)
                continue
            s = _Saved()
            s.out_idx = 0
            for k in range(n_in):
                if args[k] is a and a is not inputs[k]:  # an input Tensor's array
                    src = s.tensor = inputs[k]
                    s.array = a
                    break
            else:
                for i, o in enumerate(raw_outs):
                    if o is a:
                        src = outs[i]
                        s.tensor, s.array, s.out_idx = None, src._data, i
                        break
                else:  # a constant computed in forward
                    s.tensor, s.array = Tensor._make(_asarray(a)), a
                    s.ver, s.version = None, 0
                    saved.append(s)
                    continue
            ver = src._ver
            if ver is None:
                ver = src._ver = [0]
            s.ver, s.version = ver, ver[0]
            saved.append(s)
        self._saved = tuple(saved)
        self._to_save = ()

    def _apply(self, grads):
        if self._freed and self._saved:
            raise RuntimeError(_FREED)
        return self.backward(self, *grads) if self.n_outputs > 1 else self.backward(self, grads[0])


_NO_EDGE = (None, 0)
_new_node = object.__new__


class _NoCtx:
    """The ``ctx`` given to forward when nothing is recorded: saving is a no-op."""

    __slots__ = ()

    def save_for_backward(self, *arrays) -> None:
        pass

    def __setattr__(self, name, value) -> None:
        pass


_NO_CTX = _NoCtx()


def _wrap_plain(out, inputs, is_view: bool):
    if out.__class__ is not _ndarray:
        out = _asarray(out)
    t = Tensor._make(out)
    if is_view:
        base = inputs[0]
        if base._ver is None:
            base._ver = [0]
        t._ver = base._ver
        t._view_ver = base._ver[0]
        if not state.enabled:
            t._view_nograd = True
        t._base = base if base._base is None else base._base
    return t


def _fresh(t) -> None:
    """Re-point a view's grad_fn at its base's graph if the base was written since it was made.

    As PyTorch regenerates a view's grad_fn (AsStridedBackward0) when its version moved: an
    in-place write through the base or through another view changed this view's values. A
    view made under no_grad of a base that requires grad is refused then, as PyTorch does.
    """
    v = t._view_ver
    if v is None or v == t._ver[0]:
        return
    if t._view_nograd:
        if t._base._rg:
            raise RuntimeError(_NOGRAD_VIEW)
        return
    if t._rg or t._base._rg:
        from ..ops.indexing import _refresh_view  # rare path; ops import this module

        prev = state.enabled
        state.enabled = True
        try:
            _refresh_view(t)
        finally:
            state.enabled = prev


_NOGRAD_VIEW = (
    "A view was created in no_grad mode and its base or another view of its base has been "
    "modified inplace with grad mode enabled. Given that this use case is ambiguous and "
    "error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) "
    "or both outside (if you want the inplace to be tracked)."
)
