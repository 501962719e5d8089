"""Define-by-run automatic differentiation: ``backward``, ``grad``, grad modes, ``Function``."""

from .api import backward, grad
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .node import Node

__all__ = [
    "backward", "grad", "enable_grad", "inference_mode", "is_grad_enabled",
    "is_inference_mode_enabled", "no_grad", "set_grad_enabled", "Node",
]
