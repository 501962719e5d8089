"""Custom differentiable functions: PyTorch's ``torch.autograd.Function``.

A subclass writes ``forward`` and ``backward`` on Tensors; ``MyFunc.apply(*args)`` runs forward
under no-grad and, when an input requires grad, hangs a ``MyFuncBackward`` node on the outputs.
That node is also the ``ctx`` both methods receive (as in PyTorch), and plugs into the engine
like any ``Op``: ``next_functions`` has one edge per Tensor argument, ``_apply`` returns their
gradients, ``_in_meta`` lets the engine sum/cast each gradient back to its input.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np

from . import node as _node
from .grad_mode import state
from .node import _FREED, Node, _Saved

__all__ = [
    "Function", "FunctionCtx", "BackwardCFunction", "InplaceFunction", "once_differentiable",
]


class FunctionCtx:
    """What ``forward``/``setup_context`` may record on ``ctx`` for ``backward``."""

    to_save = ()
    dirty_tensors = ()
    non_differentiable = ()
    materialize_grads = True

    def save_for_backward(self, *tensors) -> None:
        """Keep input/output Tensors (or None) for backward; version-checked when unpacked."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, _node.Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{i} is of type {type(t).__name__}"
                )
        self.to_save = tensors

    def mark_dirty(self, *args) -> None:
        """Declare the inputs that forward modified in place (and returns)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args) -> None:
        """Declare outputs that get no gradient (indices, masks); backward sees zeros for them."""
        self.non_differentiable = args

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """The graph node of one ``Function.apply`` call; also its ``ctx``."""

    _forward_cls = None
    n_outputs = 1
    needs_input_grad: tuple = ()
    _saved = ()
    _tensor_pos = ()  # positions of the Tensor arguments among forward's arguments
    _in_meta = ()
    _out_meta = ()

    def __repr__(self) -> str:
        return object.__repr__(self)

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED)
        return tuple(s if s is None else s.unpack(self) for s in self._saved)

    saved_variables = saved_tensors

    def apply(self, *grads):
        """Run the user's backward on ``grads`` (what ``grad_fn.apply`` does in PyTorch)."""
        return self._user_backward()(self, *grads)

    def _user_backward(self):
        cls = self._forward_cls
        if cls.backward is not Function.backward:
            return cls.backward
        return cls.vjp

    def _apply(self, grads):
        if self._freed and self._saved:
            raise RuntimeError(_FREED)
        if self.materialize_grads:
            grads = [_zeros(m) if g is None and m is not None else g
                     for g, m in zip(grads, self._out_meta)]
        res = self._user_backward()(self, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        return self._check_grads(res)

    def _check_grads(self, res: tuple) -> tuple:
        """PyTorch's checks: one gradient per argument, None for non-Tensors, fitting shapes."""
        n_args = len(self.needs_input_grad)
        if len(res) != n_args:
            if len(res) < n_args or any(g is not None for g in res[n_args:]):
                raise RuntimeError(
                    f"function {self._name} returned an incorrect number of gradients "
                    f"(expected {n_args}, got {len(res)})"
                )
            res = res[:n_args]
        tensor_pos = self._tensor_pos
        out = []
        for i, g in enumerate(res):
            if i not in tensor_pos:
                if g is not None:
                    raise RuntimeError(
                        f"function {self._name} returned a gradient different than None at "
                        f"position {i + 1}, but the corresponding forward input was not a "
                        "Variable"
                    )
                continue
            if g is not None:
                if not isinstance(g, _node.Tensor):
                    raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
                k = len(out)
                shape = self._in_meta[k][0]
                if g._data.shape != shape and not _expandable(shape, g._data.shape):
                    raise RuntimeError(
                        f"Function {self._name} returned an invalid gradient at index {k} - got "
                        f"{list(g._data.shape)} but expected shape compatible with {list(shape)}"
                    )
            out.append(g)
        return tuple(out)


def _zeros(meta):
    return _node.Tensor._make(np.zeros(meta[0], meta[1]))


def _expandable(shape: tuple, target: tuple) -> bool:
    """Whether ``shape`` broadcasts to ``target`` (so a ``target``-shaped grad sums back)."""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


class FunctionMeta(type):
    """Gives each Function subclass its node class, ``<Name>Backward``."""

    def __init__(cls, name, bases, attrs) -> None:
        cls._backward_cls = type(
            name + "Backward",
            (BackwardCFunction,),
            {"_forward_cls": cls, "_name": name + "Backward", "__module__": __name__},
        )
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class of custom differentiable ops; subclass it and call ``MyFunc.apply(...)``.

    ``forward(ctx, *args)`` computes on Tensors (under no-grad); or write ``forward(*args)``
    plus ``setup_context(ctx, inputs, output)``. ``backward(ctx, *grads)`` returns one gradient
    per forward argument (None for non-Tensors or ones that need none).

    Example::

        class Exp(ember.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad):
                (y,) = ctx.saved_tensors
                return grad * y
    """

    def __init__(self, *args, **kwargs) -> None:
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward and, when an input requires grad, record this function in the graph."""
        Tensor = _node.Tensor
        setup = cls.setup_context is not Function.setup_context
        if setup:
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        ctx = cls._backward_cls()
        if state.enabled:
            for a in args:
                if isinstance(a, Tensor) and a._base is not None:
                    _node._fresh(a)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        record = state.enabled and any(ctx.needs_input_grad)
        if record:
            ctx._tensor_pos = frozenset(i for i, a in enumerate(args) if isinstance(a, Tensor))
            tensors = [a for a in args if isinstance(a, Tensor)]
            ctx.next_functions = tuple(_node._edge(t) for t in tensors)
            ctx._in_meta = tuple((t._data.shape, t._data.dtype) for t in tensors)
            if state.anomaly:
                import traceback

                ctx._trace = "".join(traceback.format_stack()[:-1])
        prev = state.enabled
        state.enabled = False
        try:
            if setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        finally:
            state.enabled = prev
        return _wrap_outputs(ctx, args, output, record)


def _wrap_outputs(ctx, args, output, record: bool):
    """Give the outputs their ``grad_fn`` (inputs returned as-is become aliases) and save."""
    Tensor = _node.Tensor
    is_tuple = isinstance(output, tuple)
    raw = output if is_tuple else (output,)
    dirty = {id(t) for t in ctx.dirty_tensors}
    nondiff = {id(t) for t in ctx.non_differentiable}
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    outs = []
    for i, o in enumerate(raw):
        if not isinstance(o, Tensor):
            outs.append(o)
            continue
        if id(o) in dirty:
            _check_dirty(o)
        elif id(o) in inputs:
            o = _alias(o)
        if record and id(raw[i]) not in nondiff and o._data.dtype.kind == "f":
            o._rg = True
            o.grad_fn = ctx
            o._out_idx = i
        elif id(raw[i]) in nondiff and o.grad_fn is None:
            o._rg = False
        outs.append(o)
    if record:
        ctx.n_outputs = len(raw)
        ctx._out_meta = tuple(
            (o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None for o in outs
        )
        _save(ctx, args, raw, outs)
    return tuple(outs) if is_tuple else outs[0]


def _check_dirty(t) -> None:
    if t._rg and t.grad_fn is None and state.enabled:
        raise RuntimeError(
            "a leaf Variable that requires grad has been used in an in-place operation."
        )
    if t._ver is None:
        t._ver = [0]
    t._ver[0] += 1


def _alias(t):
    """An input returned unchanged comes back as a new tensor viewing it (PyTorch's view_as)."""
    a = _node.Tensor._make(t._data)
    if t._ver is None:
        t._ver = [0]
    a._ver, a._view_ver = t._ver, t._ver[0]
    a._base = t if t._base is None else t._base
    return a


def _save(ctx, args, raw, outs) -> None:
    """Turn ``ctx.to_save`` into version-checked saved tensors (outputs re-made on unpack)."""
    Tensor = _node.Tensor
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    dirty = {id(t) for t in ctx.dirty_tensors}
    saved = []
    for t in ctx.to_save:
        if t is None:
            saved.append(None)
            continue
        s = _Saved()
        s.tensor, s.array, s.out_idx, src = t, t._data, 0, t
        if id(t) not in inputs or id(t) in dirty:
            for i, o in enumerate(raw):
                if o is t and outs[i].grad_fn is ctx:
                    s.tensor, s.array, s.out_idx, src = None, outs[i]._data, i, outs[i]
                    break
        if src._ver is None:
            src._ver = [0]
        s.ver, s.version = src._ver, src._ver[0]
        saved.append(s)
    ctx._saved = tuple(saved)
    ctx.to_save = ()


class InplaceFunction(Function):
    """Kept for backward compatibility, as in PyTorch; use ``Function``."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class _DelayedError(Node):
    """Stands behind the gradients of a ``once_differentiable`` backward: raises if reached."""

    _name = "torch::autograd::Error"
    _in_meta = ()

    def __init__(self, msg: str, edges: tuple) -> None:
        self.msg = msg
        self.next_functions = edges
        self.n_outputs = len(edges)

    def _apply(self, grads):
        raise RuntimeError(self.msg)


def once_differentiable(fn):
    """Decorate a ``backward`` that is not itself differentiable (it runs under no-grad).

    Differentiating its result again (``create_graph=True``) raises PyTorch's error.
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = state.enabled
        state.enabled = False
        try:
            outputs = fn(ctx, *args)
        finally:
            state.enabled = prev
        if not prev or not any(isinstance(a, _node.Tensor) and a._rg for a in args):
            return outputs
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        edges = tuple(
            (_node.AccumulateGrad(o.detach()), 0) if isinstance(o, _node.Tensor) else (None, 0)
            for o in outs
        )
        err = _DelayedError(
            "trying to differentiate twice a function that was marked with @once_differentiable",
            edges,
        )
        res = []
        for i, o in enumerate(outs):
            if isinstance(o, _node.Tensor) and o._data.dtype.kind == "f":
                o = _node.Tensor._make(o._data)
                o._rg = True
                o.grad_fn = err
                o._out_idx = i
            res.append(o)
        return tuple(res) if isinstance(outputs, tuple) else res[0]

    return wrapper
