"""The backward engine: walk the graph from the roots in dependency order, calling each node.

Iterative, never recursive (deep RNN graphs would overflow the stack). Gradients are summed
back to each input's shape and dtype here, once, so no op has to undo broadcasting itself.
Without ``create_graph`` the whole pass runs under no-grad, so backward formulas build nothing.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import node as _node
from .grad_mode import state


def accumulate(t, g) -> None:
    """Add gradient ``g`` into leaf ``t._grad``, running the leaf's hooks first."""
    if t._hooks:
        for hook in t._hooks:
            r = hook(g)
            if r is not None:
                g = r
    old = t._grad
    if old is None:
        a = g._data
        if g._rg and state.enabled:
            t._grad = g
        elif a.base is not None or not a.flags.writeable or a.dtype != t._data.dtype:
            t._grad = _node.Tensor._make(np.array(a, dtype=t._data.dtype))
        else:
            t._grad = g if g.grad_fn is None and not g._rg else g.detach()
    elif state.enabled and (g._rg or old._rg):
        t._grad = old + g
    else:
        np.add(old._data, g._data, out=old._data, casting="unsafe")
    if t._post_hooks:
        for hook in t._post_hooks:
            hook(t)


def _fit(g, meta):
    """Sum a gradient back to its input's shape (undoing broadcasting) and cast to its dtype."""
    shape, dt = meta
    a = g._data
    if a.shape != shape:
        from ..ops.reduction import sum_to_size

        g = sum_to_size(g, shape)
        a = g._data
    if a.dtype != dt:
        from ..ops.pointwise import _cast

        g = _cast(g, dt)
    return g


def _graph(root_nodes):
    """Count, for every node reachable from the roots, how many edges lead into it."""
    deps = {}
    stack = list(root_nodes)
    seen = set(stack)
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _needed(nodes, deps, root_nodes, targets):
    """The nodes from which a target can be reached; a node runs only if one of its inputs is."""
    order, indeg = [], dict(deps)
    ready = [n for n in root_nodes if indeg.get(n, 0) == 0]
    seen = set()
    while ready:
        n = ready.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        for nxt, _ in n.next_functions:
            if nxt is not None:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    ready.append(nxt)
    need = set()
    for n in reversed(order):
        if n in targets or any(nxt in need for nxt, _ in n.next_functions if nxt is not None):
            need.add(n)
    return need


def run(roots, grads, retain_graph: bool, create_graph: bool, targets=None):
    """Backpropagate ``grads`` from ``roots``.

    Without ``targets`` every leaf accumulates its ``.grad``. With ``targets`` (a list of
    (node, output index) edges) nothing accumulates; the gradient reaching each edge is returned.
    """
    buffers = {}
    root_nodes = []
    for t, g in zip(roots, grads):
        n, i = _node._edge(t)
        if n is None:
            continue
        buf = buffers.get(n)
        if buf is None:
            buf = buffers[n] = [None] * n.n_outputs
            root_nodes.append(n)
        buf[i] = g if buf[i] is None else buf[i] + g
    deps, nodes = _graph(root_nodes)
    captured = None
    need = None
    if targets is not None:
        captured = [None] * len(targets)
        tindex = {}
        for k, e in enumerate(targets):
            tindex.setdefault(e, []).append(k)
        need = _needed(nodes, deps, root_nodes, {e[0] for e in targets})
    prev = state.enabled
    state.enabled = create_graph
    try:
        ready = [n for n in root_nodes if deps.get(n, 0) == 0]
        while ready:
            n = ready.pop()
            gs = buffers.pop(n, None) or [None] * n.n_outputs
            if n._tensor_hooks or n._retained:
                _tensor_hooks(n, gs)
            if captured is not None:
                for i, g in enumerate(gs):
                    for k in tindex.get((n, i), ()):
                        captured[k] = g
            edges = n.next_functions
            if need is None or any(nxt in need for nxt, _ in edges):
                out = _call(n, gs)
                if not retain_graph and n._saved:
                    n._saved = ()
                    n._freed = True
            else:
                out = ()
            n_out = len(out)
            metas = n._in_meta
            for k, (nxt, idx) in enumerate(edges):
                if nxt is None:
                    continue
                g = out[k] if k < n_out else None
                if g is not None:
                    meta = metas[k] if k < len(metas) else None
                    if meta is not None:
                        a = g._data
                        if a.shape != meta[0] or a.dtype != meta[1]:
                            g = _fit(g, meta)
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt.n_outputs
                    buf[idx] = g if buf[idx] is None else buf[idx] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
    finally:
        state.enabled = prev
    return captured


def _tensor_hooks(n, gs) -> None:
    for i, hooks in (n._tensor_hooks or {}).items():
        g = gs[i]
        if g is None:
            continue
        for hook in list(hooks):
            r = hook(g)
            if r is not None:
                g = r
        gs[i] = g
    for i, ref in (n._retained or {}).items():
        t = ref()
        if t is not None and gs[i] is not None:
            g = gs[i] if state.enabled else gs[i].detach()
            t._grad = _copy(g) if t._grad is None else t._grad + g


def _copy(g):
    return g if g._rg else _node.Tensor._make(np.array(g._data))


def _call(n, gs):
    if n.n_outputs == 1:
        if gs[0] is None:
            return ()
        if not (n._prehooks or n._hooks or state.anomaly):
            out = n._apply(gs)
            return out if out.__class__ is tuple else (out,)
    elif all(g is None for g in gs):
        return ()
    if n._prehooks:
        for hook in n._prehooks:
            r = hook(tuple(gs))
            if r is not None:
                gs = list(r)
    out = n._apply(gs) if not state.anomaly else _apply_traced(n, gs)
    if not isinstance(out, tuple):
        out = (out,)
    if n._hooks:
        for hook in n._hooks:
            r = hook(out, tuple(gs))
            if r is not None:
                out = tuple(r) if isinstance(r, (tuple, list)) else (r,)
    if state.anomaly and state.anomaly_check_nan:
        _check_nan(n, out)
    return out


def _apply_traced(n, gs):
    """Under anomaly mode: on any error in a backward, first show where its forward ran."""
    try:
        return n._apply(gs)
    except Exception:
        _warn_trace(n)
        raise


def _warn_trace(n) -> None:
    if n._trace:
        warnings.warn(
            f"Error detected in {n.name()}. Traceback of forward call that caused the error:\n"
            f"{n._trace}",
            stacklevel=3,
        )


def _check_nan(n, out) -> None:
    for i, g in enumerate(out):
        if g is not None and np.isnan(g._data).any():
            _warn_trace(n)
            raise RuntimeError(f"Function '{n.name()}' returned nan values in its {i}th output.")
