"""Neural networks: ``Module``, ``Parameter``, containers (layers and losses come next)."""

from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["Parameter", "Buffer", *_modules_all]
