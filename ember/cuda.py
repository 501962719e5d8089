"""``ember.cuda``: the CUDA namespace of a CPU-only build, as PyTorch's looks without CUDA.

Device-agnostic programs ask ``ember.cuda.is_available()`` (False) and carry on on the CPU.
Queries that have an answer without a GPU (counts, memory in use, seeding) answer as PyTorch's
CPU build does; anything that needs a device raises its "Torch not compiled with CUDA enabled"
error (an AssertionError in PyTorch; Ember's is also a RuntimeError).
"""

from __future__ import annotations

from typing import Any

from . import devices
from . import dtypes as _dt
from .legacy import _CUDA_TYPES

__all__ = [
    "BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor",
    "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "current_device", "device",
    "device_count", "empty_cache", "get_device_capability", "get_device_name",
    "get_device_properties", "get_rng_state", "get_rng_state_all", "init", "initial_seed",
    "is_available", "is_bf16_supported", "is_initialized", "manual_seed", "manual_seed_all",
    "max_memory_allocated", "max_memory_reserved", "memory_allocated", "memory_reserved",
    "seed", "seed_all", "set_device", "set_rng_state", "synchronize",
]

FloatTensor = _CUDA_TYPES[_dt.float32]
DoubleTensor = _CUDA_TYPES[_dt.float64]
HalfTensor = _CUDA_TYPES[_dt.float16]
BFloat16Tensor = _CUDA_TYPES[_dt.bfloat16]
ByteTensor = _CUDA_TYPES[_dt.uint8]
CharTensor = _CUDA_TYPES[_dt.int8]
ShortTensor = _CUDA_TYPES[_dt.int16]
IntTensor = _CUDA_TYPES[_dt.int32]
LongTensor = _CUDA_TYPES[_dt.int64]
BoolTensor = _CUDA_TYPES[_dt.bool]


def _no_cuda() -> None:
    devices.check_available(devices.device("cuda"))


def is_available() -> bool:
    """False: Ember computes on the CPU."""
    return False


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def device_count() -> int:
    return 0


def init() -> None:
    """Raises: there is no CUDA to initialise."""
    _no_cuda()


def current_device() -> int:
    """Raises, as PyTorch's CPU build does."""
    _no_cuda()
    return 0


def set_device(device: Any) -> None:
    """Raises for a CUDA device (ValueError for any other device, as PyTorch)."""
    d = devices.device(device) if not isinstance(device, int) else None
    if d is not None and d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    _no_cuda()


def get_device_name(device: Any = None) -> str:
    _no_cuda()
    return ""


def get_device_capability(device: Any = None) -> tuple[int, int]:
    _no_cuda()
    return (0, 0)


def get_device_properties(device: Any = None):
    _no_cuda()


def synchronize(device: Any = None) -> None:
    """Raises: there is no device to wait for."""
    _no_cuda()


def empty_cache() -> None:
    """Nothing is cached without CUDA."""


def memory_allocated(device: Any = None) -> int:
    return 0


def max_memory_allocated(device: Any = None) -> int:
    return 0


def memory_reserved(device: Any = None) -> int:
    return 0


def max_memory_reserved(device: Any = None) -> int:
    return 0


def manual_seed(seed: int) -> None:
    """A no-op without CUDA (PyTorch defers it until CUDA starts, which never happens)."""


def manual_seed_all(seed: int) -> None:
    """A no-op without CUDA, as ``manual_seed``."""


def seed() -> None:
    """A no-op without CUDA."""


def seed_all() -> None:
    """A no-op without CUDA."""


def initial_seed() -> int:
    _no_cuda()
    return 0


def get_rng_state(device: Any = "cuda"):
    _no_cuda()


def get_rng_state_all() -> list:
    return []


def set_rng_state(new_state, device: Any = "cuda") -> None:
    """A no-op without CUDA (PyTorch queues it for a CUDA start that never comes)."""


class device:
    """``with ember.cuda.device(i):`` raises on entry, as in PyTorch's CPU build."""

    def __init__(self, device: Any) -> None:
        self.idx = device.index if isinstance(device, devices.device) else device

    def __enter__(self):
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc) -> bool:
        return False
