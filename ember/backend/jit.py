"""Optional numba kernels (``pip install "ember[jit]"``): fused, multi-threaded loops.

NumPy runs one pass per operation on one thread; the kernels here fuse a whole update into one
pass split over the cores, as PyTorch's ATen kernels do. Every caller keeps its NumPy path:
``kernels()`` is None when numba is not installed, when ``EMBER_JIT=0``, and in a forked child
(DataLoader workers), which must not count on the parent's thread pool.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from types import ModuleType

_state: dict = {}


def kernels() -> ModuleType | None:
    """The compiled-kernel module, imported on first use, or None when the NumPy path runs."""
    try:
        return _state["mod"]
    except KeyError:
        mod = None
        wanted = os.environ.get("EMBER_JIT", "1").lower() not in ("0", "false", "off")
        if wanted and importlib.util.find_spec("numba") is not None:
            try:
                from . import numba_kernels as mod
            except Exception as exc:  # a broken numba install must not stop training
                warnings.warn(f"ember: numba kernels unavailable, using NumPy ({exc})",
                              RuntimeWarning, stacklevel=2)
        _state["mod"] = mod
        return mod


def set_enabled(flag: bool) -> None:
    """Turn the kernels on (when numba is installed) or off, e.g. to compare both paths."""
    _state.pop("mod", None)
    if not flag:
        _state["mod"] = None


def _forked_child() -> None:
    _state["mod"] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked_child)
