"""Full backward hooks: identity ops around a module's inputs and outputs catch their grads."""

from __future__ import annotations

from ...autograd.grad_mode import state
from ...autograd.node import Op
from ...tensor import Tensor


class _Identity(Op):
    """Passes tensors through; its backward hands the gradients to ``ctx.on_grads``."""

    _name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx, *arrays):
        return arrays if len(arrays) > 1 else arrays[0]

    @staticmethod
    def backward(ctx, *grads):
        return ctx.on_grads(grads)


_classes: dict = {}


def _identity(tensors: list, on_grads) -> list:
    """Route ``tensors`` through one identity node calling ``on_grads(grads) -> grads``."""
    n = len(tensors)
    cls = _classes.get(n)
    if cls is None:
        cls = _classes[n] = type("_Identity", (_Identity,), {"n_outputs": n})
    out = cls.apply(*tensors)
    if n == 1:
        out = (out,)
    if out[0].grad_fn is not None:
        out[0].grad_fn.on_grads = on_grads
    return list(out)


class BackwardHook:
    """One forward call's worth of backward-hook plumbing for ``module``."""

    def __init__(self, module) -> None:
        self.module = module
        self.grad_outputs = None
        self.n_inputs = 0
        self.inputs_need_grad = False

    def _split(self, seq):
        idx = [i for i, x in enumerate(seq) if isinstance(x, Tensor) and x.requires_grad]
        return idx, [seq[i] for i in idx]

    def setup_input(self, args: tuple) -> tuple:
        if not state.enabled:
            return args
        idx, tensors = self._split(args)
        self.n_inputs = len(args)
        if not tensors:
            return args
        self.inputs_need_grad = True
        new = _identity(tensors, self._on_input_grads)
        args = list(args)
        for i, t in zip(idx, new):
            args[i] = t
        return tuple(args)

    def setup_output(self, result):
        if not state.enabled:
            return result
        single = isinstance(result, Tensor)
        seq = [result] if single else list(result) if isinstance(result, (tuple, list)) else None
        if seq is None:
            return result
        idx, tensors = self._split(seq)
        if not tensors:
            return result
        new = _identity(tensors, self._on_output_grads)
        for i, t in zip(idx, new):
            seq[i] = t
        return seq[0] if single else type(result)(seq)

    def _on_output_grads(self, grads):
        for hook in self.module._backward_pre_hooks.values():
            r = hook(self.module, grads)
            if r is not None:
                grads = tuple(r) if isinstance(r, (tuple, list)) else (r,)
        self.grad_outputs = grads
        if not self.inputs_need_grad:
            for hook in self.module._backward_hooks.values():
                hook(self.module, (None,) * max(self.n_inputs, 1), grads)
        return grads

    def _on_input_grads(self, grads):
        for hook in self.module._backward_hooks.values():
            r = hook(self.module, grads, self.grad_outputs)
            if r is not None:
                grads = tuple(r) if isinstance(r, (tuple, list)) else (r,)
        return grads
