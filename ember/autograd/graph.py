"""``ember.autograd.graph``: the graph node type, as ``torch.autograd.graph``.

``Node`` is the base of every ``grad_fn`` (``isinstance(y.grad_fn, graph.Node)`` holds);
saved-tensor hooks are not available in Ember.
"""

from __future__ import annotations

from .node import Node


class saved_tensors_hooks:
    """PyTorch's pack/unpack hooks for saved tensors; not built in Ember."""

    def __init__(self, pack_hook, unpack_hook) -> None:
        raise NotImplementedError("Ember does not support saved_tensors_hooks")


__all__ = ["Node", "saved_tensors_hooks"]
