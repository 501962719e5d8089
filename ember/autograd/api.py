"""``backward`` and ``grad``: the user-facing entry points into the engine."""

from __future__ import annotations

import warnings

import numpy as np

from . import engine
from . import node as _node
from .grad_mode import state

_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad "
    "when creating the graph to avoid this. If you have to use this function, make sure to reset "
    "the .grad fields of your parameters to None after use to break the cycle and avoid the leak."
)

_warned = [False]


def _tuple(x) -> tuple:
    if x is None:
        return ()
    if isinstance(x, _node.Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grads, create_graph: bool) -> list:
    """PyTorch's ``_make_grads``: default ones for scalars, shape checks otherwise."""
    Tensor = _node.Tensor
    if len(grads) == 0:
        grads = (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(
            f"got {len(grads)} tensors and {len(outputs)} gradients"
        )
    out = []
    for i, (t, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if t._rg:
                if t._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if t._data.dtype.kind != "f":
                    raise RuntimeError(
                        f"grad can be implicitly created only for real scalar outputs but got "
                        f"{t.dtype}"
                    )
                g = Tensor._make(np.ones(t._data.shape, t._data.dtype))
            out.append(g)
            continue
        if not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g, dtype=t._data.dtype))
        if g._data.shape != t._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {t.shape}."
            )
        if g._data.dtype != t._data.dtype:
            g = g.to(t.dtype)
        out.append(g)
    return out


def _check_outputs(outputs) -> None:
    for i, t in enumerate(outputs):
        if not t._rg:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the graph's leaves."""
    outputs = _tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grads = _make_grads(outputs, _tuple(grad_tensors), create_graph)
    _check_outputs(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph and not _warned[0]:
        _warned[0] = True  # once per process, as PyTorch's TORCH_WARN_ONCE
        warnings.warn(_CYCLE, UserWarning, stacklevel=2)
    if inputs is None:
        engine.run(outputs, grads, retain_graph, create_graph)
        return
    inputs = _tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for t in inputs:
        if t.grad_fn is not None:
            t.retain_grad()  # PyTorch too: the engine then fills a non-leaf input's .grad
    got = engine.run(outputs, grads, retain_graph, create_graph, [_node._edge(t) for t in inputs])
    for t, g in zip(inputs, got):
        if g is not None and t.grad_fn is None:
            engine.accumulate(t, g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused=None, is_grads_batched: bool = False,
         materialize_grads: bool = False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (nothing accumulates)."""
    outs = _tuple(outputs)
    ins = _tuple(inputs)
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported by Ember")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but "
            "got: allow_unused=False."
        )
    for t in ins:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _make_grads(outs, _tuple(grad_outputs), create_graph)
    _check_outputs(outs)
    if retain_graph is None:
        retain_graph = create_graph
    got = engine.run(outs, grads, retain_graph, create_graph, [_node._edge(t) for t in ins])
    result = []
    for i, (t, g) in enumerate(zip(ins, got)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                g = _node.Tensor._make(np.zeros_like(t._data))
        elif not create_graph and g._rg:
            g = g.detach()
        result.append(g)
    return tuple(result)


__all__ = ["backward", "grad", "state"]
